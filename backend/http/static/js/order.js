// The driver's order page: 签到 with the phone's position, the live queue card (event stream), the
// called banner with its countdown, and booking an arrival hour where the site takes bookings.
import { api, errorText, loginUrl, refreshSession, t } from "./api.js";

const root = document.getElementById("live");
const orderId = root.dataset.orderId;
const $ = (selector) => root.querySelector(selector);
const banner = $("[data-called]");
const queueBox = $("[data-queue]");
const checkinBox = $("[data-checkin]");
const checkinButton = $("[data-checkin-button]");
const checkinMsg = $("[data-checkin-msg]");
const bookingBox = $("[data-booking]");
const STATE_BADGE = { waiting: "info", called: "bad", served: "ok", dropped: "muted", left: "muted" };

let card = null;
let lastState = null;
let stream = null;
let bookedHour = null; // the hour booked from this page (no API tells an earlier booking yet)

const pad = (n) => String(n).padStart(2, "0");
// Times as the coal regions read their clocks (UTC+8), whatever zone the phone is set to.
function beijing(iso) {
  return new Date(new Date(iso).getTime() + 8 * 3600 * 1000);
}
function clock(iso) {
  const d = beijing(iso);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
function fill(key, values) {
  return Object.entries(values).reduce((text, [k, v]) => text.replaceAll(`{${k}}`, v), t(key));
}

function say(box, kind, text) {
  box.hidden = !text;
  box.className = `alert ${kind}`;
  box.textContent = text || "";
}

// ---- the queue card ---------------------------------------------------------------------------
function render(next) {
  card = next;
  queueBox.hidden = !card;
  if (!card) return;
  root.dataset.queueState = card.state;
  const badge = $("[data-q-state]");
  badge.className = `badge ${STATE_BADGE[card.state] || "muted"}`;
  badge.textContent = t(`js.queue.state.${card.state}`);
  const waiting = card.state === "waiting";
  $("[data-q-figures]").hidden = !waiting;
  $("[data-q-position]").textContent = waiting && card.position != null ? card.position : "–";
  $("[data-q-ahead]").textContent = waiting && card.ahead != null ? card.ahead : "–";
  $("[data-q-eta]").textContent = waiting && card.etaMinutes != null ? card.etaMinutes : "–";
  let note = "";
  if (waiting || card.state === "called") {
    note = fill("js.queue.note", { m: Math.max(1, Math.round(card.serviceIntervalS / 60)), time: clock(card.checkedInAt) });
    if (card.requeues) note += ` · ${fill("js.queue.requeued", { n: card.requeues })}`;
  } else if (card.state === "served") note = t("js.queue.served");
  else if (card.state === "dropped") note = t("js.queue.dropped");
  $("[data-q-note]").textContent = note;
  // In the queue: no second check-in, no booking; out of it again (dropped, left): check in anew.
  const queued = ["waiting", "called", "served"].includes(card.state);
  if (checkinBox) checkinBox.hidden = queued;
  if (bookingBox && queued) bookingBox.hidden = true;

  const called = card.state === "called";
  banner.hidden = !called;
  const passLink = $("[data-pass-link]");
  if (passLink) passLink.hidden = called; // the banner carries it then
  if (called) {
    $("[data-called-line]").textContent = fill("js.queue.calledLine", { plate: card.plate, time: clock(card.callDeadlineAt) });
    if (lastState !== "called") {
      navigator.vibrate?.([400, 150, 400, 150, 400]);
      banner.scrollIntoView({ block: "start", behavior: "smooth" });
    }
  }
  lastState = card.state;
  countdown();
}

function countdown() {
  if (!card || card.state !== "called" || !card.callDeadlineAt) return;
  const left = Math.round((Date.parse(card.callDeadlineAt) - Date.now()) / 1000);
  const box = $("[data-called-countdown]");
  box.textContent = left >= 0 ? `${pad(Math.floor(left / 60))}:${pad(left % 60)}` : t("js.queue.late");
}
setInterval(countdown, 1000);

function live(on) {
  const indicator = $("[data-live]");
  indicator.querySelector(".dot").className = `dot ${on ? "on" : "off"}`;
  indicator.querySelector("[data-live-text]").textContent = t(on ? "js.live.on" : "js.live.off");
}

function listen() {
  if (stream || !card || ["dropped", "left"].includes(card.state)) return;
  stream = new EventSource(`/api/driver/queue/${orderId}/events`);
  const onCard = (event) => {
    try {
      const data = JSON.parse(event.data);
      if (data && data.state) render(data);
    } catch { /* a keep-alive or a message for someone else */ }
  };
  stream.onmessage = onCard;
  stream.addEventListener("card", onCard);
  stream.onopen = () => live(true);
  stream.onerror = async () => {
    live(false);
    if (stream.readyState !== EventSource.CLOSED) return; // the browser retries by itself
    // Closed: usually the access cookie expired. Refresh it once, then open a new stream.
    stream = null;
    await refreshSession();
    setTimeout(listen, 3000);
  };
}

async function load() {
  const initial = document.getElementById("queue-initial");
  if (initial) {
    render(JSON.parse(initial.textContent));
  } else {
    const result = await api(`/api/driver/queue/${orderId}`);
    if (result.ok && result.data?.state) render(result.data);
  }
  if (card) listen();
}

// ---- 签到 -------------------------------------------------------------------------------------
function position() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error(t("js.geo.unsupported")));
      return;
    }
    navigator.geolocation.getCurrentPosition(resolve, (error) => {
      const key = { 1: "js.geo.denied", 2: "js.geo.unavailable", 3: "js.geo.timeout" }[error.code] || "js.geo.unavailable";
      reject(new Error(t(key)));
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
  });
}

async function checkIn() {
  checkinButton.disabled = true;
  checkinButton.setAttribute("aria-busy", "true");
  const label = checkinButton.textContent;
  say(checkinMsg, "warn", "");
  try {
    checkinButton.textContent = t("js.geo.locating");
    const where = await position();
    checkinButton.textContent = t("js.checkin.sending");
    const { longitude: lon, latitude: lat, accuracy } = where.coords;
    const result = await api(`/api/driver/orders/${orderId}/check-in`, {
      method: "POST", body: { lon, lat, accuracyM: Math.round(accuracy * 10) / 10 },
    });
    if (result.status === 401) {
      location.assign(loginUrl());
      return;
    }
    if (!result.ok) {
      // 422 outside the zone says how far off the truck is; 409 says why it may not queue.
      say(checkinMsg, "bad", errorText(result.data));
      return;
    }
    render(result.data);
    say(checkinMsg, "ok", "");
    listen();
  } catch (error) {
    say(checkinMsg, "bad", error.message);
  } finally {
    checkinButton.disabled = false;
    checkinButton.removeAttribute("aria-busy");
    checkinButton.textContent = label;
  }
}

if (checkinButton) {
  // Rendered disabled: a tap before this script ran would otherwise do nothing at all.
  checkinButton.addEventListener("click", checkIn);
  checkinButton.disabled = false;
}

// ---- 预约 -------------------------------------------------------------------------------------
function beijingDate(offsetDays) {
  const d = beijing(new Date(Date.now() + offsetDays * 86400000).toISOString());
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

async function loadSlots() {
  const day = $("[data-booking-date]").value;
  const result = await api(`/api/driver/sites/${root.dataset.siteId}/slots?date=${day}`);
  // A site takes bookings when it requires them or limits the trucks an hour; elsewhere there is
  // nothing to book, and the picker would only be in the way.
  const slots = result.ok ? result.data?.slots || [] : [];
  const takesBookings = result.ok && (result.data.appointmentsRequired || slots.some((s) => s.quota != null));
  const select = $("[data-booking-date]");
  if (takesBookings && !slots.length && select.selectedIndex === 0) {
    select.selectedIndex = 1; // today's hours are over: offer tomorrow's
    loadSlots();
    return;
  }
  if (!takesBookings || !slots.length) {
    bookingBox.hidden = true;
    return;
  }
  if (!card) bookingBox.hidden = false;
  const msg = $("[data-booking-msg]");
  if (result.data.appointmentsRequired) {
    // Booking comes first where the site requires it: put the picker above the check-in button.
    root.querySelector(".action-stack").before(bookingBox);
    bookingBox.style.margin = "0 0 1rem";
    if (msg.hidden) say(msg, "warn", t("js.booking.required"));
  }
  const holder = $("[data-slots]");
  const now = Date.now();
  holder.replaceChildren(...slots.map((slot) => {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.hour = slot.hourStart;
    button.setAttribute("aria-pressed", String(bookedHour !== null && Date.parse(slot.hourStart) === Date.parse(bookedHour)));
    const full = slot.remaining === 0;
    button.disabled = full || Date.parse(slot.hourEnd) <= now;
    const small = document.createElement("small");
    small.textContent = full ? t("js.booking.full")
      : slot.remaining == null ? t("js.booking.free") : fill("js.booking.left", { n: slot.remaining });
    button.append(clock(slot.hourStart), small);
    button.addEventListener("click", () => book(button, slot));
    return button;
  }));
}

async function book(button, slot) {
  const msg = $("[data-booking-msg]");
  button.disabled = true;
  const result = await api(`/api/driver/orders/${orderId}/appointment`, { method: "POST", body: { hourStart: slot.hourStart } });
  button.disabled = false;
  if (!result.ok) {
    say(msg, "bad", errorText(result.data));
    return;
  }
  bookedHour = result.data.hourStart;
  say(msg, "ok", fill("js.booking.booked", { time: `${clock(result.data.hourStart)}–${clock(result.data.hourEnd)}` }));
  await loadSlots(); // what each hour has left, this booking counted
}

if (bookingBox) {
  const select = $("[data-booking-date]");
  for (const [offset, key] of [[0, "js.booking.today"], [1, "js.booking.tomorrow"]]) {
    const option = document.createElement("option");
    option.value = beijingDate(offset);
    option.textContent = `${t(key)} ${option.value.slice(5)}`;
    select.append(option);
  }
  select.addEventListener("change", loadSlots);
}

await load();
if (bookingBox && !card) loadSlots();
