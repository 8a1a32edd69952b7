// 共享位置: the driver's phone as the fallback GPS. While the switch is on and this page is open,
// navigator.geolocation.watchPosition collects fixes (at most one per 5 s) and a batch goes to
// POST /api/driver/positions every 30 s; a failed batch stays queued (bounded) for the next try.
// The choice is remembered on the phone, so reopening the page resumes sharing.
import { api, errorText, t } from "./api.js";

const SEND_EVERY_MS = 30000;
const MIN_GAP_MS = 5000;
const MAX_QUEUED = 500; // the endpoint's batch limit
const KEY = "mt.shareGps";
// The phone keeps its own copy of the fixes it shared, [unix_s, lon, lat], for a week (bounded), so
// the driver can attach them to an appeal against a GPS alert (js/alert.js, recordedTrack).
const TRACK_KEY = "mt.phoneTrack";
const TRACK_KEEP_S = 7 * 24 * 3600;
const TRACK_MAX = 20000;

function readTrack() {
  try {
    const points = JSON.parse(localStorage.getItem(TRACK_KEY) || "[]");
    return Array.isArray(points) ? points : [];
  } catch {
    return [];
  }
}

function remember(atMs, lon, lat) {
  const nowS = Math.floor(atMs / 1000);
  const points = readTrack().filter((p) => p[0] > nowS - TRACK_KEEP_S);
  points.push([nowS, Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6]);
  try {
    localStorage.setItem(TRACK_KEY, JSON.stringify(points.slice(-TRACK_MAX)));
  } catch {
    // Storage full or refused (private mode): the appeal will just have no track to offer.
  }
}

/** The fixes this phone recorded between two instants (unix seconds), oldest first. */
export function recordedTrack(fromS, toS) {
  return readTrack().filter((p) => Array.isArray(p) && p.length === 3 && p[0] >= fromS && p[0] <= toS);
}

function bind(box) {
  const toggle = box.querySelector("input[type=checkbox]");
  const status = box.querySelector("[data-share-status]");
  let watch = null;
  let timer = null;
  let queued = [];
  let lastAt = 0;
  let sent = 0;

  function say(text, bad = false) {
    status.textContent = text;
    status.classList.toggle("status-bad", bad);
  }

  function onFix(position) {
    const at = position.timestamp || Date.now();
    if (at - lastAt < MIN_GAP_MS) return;
    lastAt = at;
    const c = position.coords;
    const fix = { fixAt: new Date(at).toISOString(), lon: c.longitude, lat: c.latitude };
    if (Number.isFinite(c.speed) && c.speed !== null) fix.speedKmh = Math.max(c.speed * 3.6, 0);
    if (Number.isFinite(c.heading) && c.heading !== null) fix.courseDeg = c.heading;
    if (Number.isFinite(c.accuracy)) fix.accuracyM = c.accuracy;
    queued.push(fix);
    remember(at, c.longitude, c.latitude);
    if (queued.length > MAX_QUEUED) queued = queued.slice(-MAX_QUEUED);
    say(t("js.share.waiting").replace("{n}", queued.length).replace("{sent}", sent));
  }

  async function flush(keepalive = false) {
    if (!queued.length) return;
    const batch = queued;
    queued = [];
    if (keepalive) {
      // The page is going away: a last try that may outlive it.
      fetch("/api/driver/positions", { method: "POST", keepalive: true, credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-Requested-With": "fetch" }, body: JSON.stringify({ positions: batch }) });
      return;
    }
    const { ok, data } = await api("/api/driver/positions", { method: "POST", body: { positions: batch } });
    if (ok) {
      sent += data?.accepted ?? batch.length;
      say(t("js.share.sent").replace("{sent}", sent).replace("{time}", new Date().toLocaleTimeString("zh-CN", { hour12: false })));
    } else {
      queued = [...batch, ...queued].slice(-MAX_QUEUED);
      say(errorText(data), true);
    }
  }

  function start() {
    if (!("geolocation" in navigator)) {
      say(t("js.share.unsupported"), true);
      toggle.checked = false;
      return;
    }
    localStorage.setItem(KEY, "1");
    say(t("js.share.starting"));
    watch = navigator.geolocation.watchPosition(onFix, (error) => {
      say(error.code === 1 ? t("js.share.denied") : t("js.share.noFix"), true);
      if (error.code === 1) stop();
    }, { enableHighAccuracy: true, maximumAge: 5000, timeout: 60000 });
    timer = setInterval(() => flush(), SEND_EVERY_MS);
  }

  function stop() {
    localStorage.removeItem(KEY);
    if (watch !== null) navigator.geolocation.clearWatch(watch);
    clearInterval(timer);
    watch = null;
    flush();
    toggle.checked = false;
    say(t("js.share.off"));
  }

  toggle.addEventListener("change", () => (toggle.checked ? start() : stop()));
  window.addEventListener("pagehide", () => flush(true));
  if (localStorage.getItem(KEY) === "1") {
    toggle.checked = true;
    start();
  }
}

document.querySelectorAll("[data-share-gps]").forEach(bind);
