// The driver's one-code pass (一码通行): token + rolling TOTP, redrawn as a QR every step.
// The pass (token, per-order secret, validity, the server's clock offset) is kept on the phone
// (passstore.js) so the page, which the service worker keeps, shows a fresh code without signal;
// online it is refetched each time the page opens. The QR text is also on #pass[data-qr-text].
import { api, errorText, loginUrl, t } from "./api.js";
import { dropPass, loadPass, savePass } from "./passstore.js";
import { drawQr } from "./qr.js";
import { totp, totpAvailable } from "./totp.js";

const root = document.getElementById("pass");
const orderId = root.dataset.orderId;
const qrBox = root.querySelector("[data-qr]");
const bar = root.querySelector("[data-bar]");
const countdown = root.querySelector("[data-countdown]");
const stateBox = root.querySelector("[data-pass-state]");
const netBadge = root.querySelector("[data-net]");
const validity = root.querySelector("[data-validity]");

let current = null; // {pass, offsetMs}
let lastStep = -1;
let drawing = false;

async function fetchPass() {
  const sentAt = Date.now();
  const result = await api(`/api/driver/orders/${orderId}/pass`);
  const receivedAt = Date.now();
  if (result.ok) {
    // The gate checks the code against its own clock: take the server's, not the phone's.
    const offsetMs = Date.parse(result.data.serverTime) - (sentAt + receivedAt) / 2;
    const value = { pass: result.data, offsetMs: Number.isFinite(offsetMs) ? offsetMs : 0, savedAt: receivedAt };
    await savePass(orderId, value);
    return { value, online: true };
  }
  if (result.status === 401) {
    location.assign(loginUrl());
    return { value: null, online: true };
  }
  if (result.status === 0 || result.status >= 500) return { value: await loadPass(orderId), online: false };
  // The order closed or changed hands: the kept pass is no longer any use.
  await dropPass(orderId);
  return { value: null, online: true, error: errorText(result.data) };
}

function localTime(iso) {
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  // Shown as the coal regions read their clocks (UTC+8), whatever the phone's zone is set to.
  const cn = new Date(date.getTime() + 8 * 3600 * 1000);
  return `${pad(cn.getUTCMonth() + 1)}-${pad(cn.getUTCDate())} ${pad(cn.getUTCHours())}:${pad(cn.getUTCMinutes())}`;
}

function showState(kind, text) {
  root.dataset.state = kind;
  stateBox.hidden = !text;
  stateBox.textContent = text || "";
}

async function redraw(nowS) {
  const { pass } = current;
  const step = Math.floor(nowS / pass.stepS);
  if (step === lastStep || drawing) return;
  drawing = true;
  try {
    const code = await totp(pass.totpSecret, nowS, pass.stepS);
    const text = `${pass.token}.${code}`;
    drawQr(qrBox, text, { label: t("js.pass.qrLabel") });
    root.dataset.qrText = text;
    root.dataset.step = String(step);
    lastStep = step;
  } finally {
    drawing = false;
  }
}

function serverFallback(nowS) {
  // No WebCrypto (an insecure origin): the server draws the current code while there is signal.
  const step = Math.floor(nowS / current.pass.stepS);
  if (step === lastStep) return;
  lastStep = step;
  const img = new Image();
  img.alt = t("js.pass.qrLabel");
  img.src = `/api/driver/orders/${orderId}/pass/qr.svg?step=${step}`;
  qrBox.replaceChildren(img);
}

function tick() {
  if (!current) return;
  const { pass, offsetMs } = current;
  const nowMs = Date.now() + offsetMs;
  const nowS = nowMs / 1000;
  if (nowMs >= Date.parse(pass.validUntil)) {
    qrBox.replaceChildren();
    delete root.dataset.qrText;
    bar.style.transform = "scaleX(0)";
    countdown.textContent = "";
    showState("expired", t("js.pass.expired"));
    return;
  }
  if (nowMs < Date.parse(pass.validFrom)) showState("early", t("js.pass.notYet").replace("{time}", localTime(pass.validFrom)));
  else if (root.dataset.state !== "ok") showState("ok", "");
  const left = pass.stepS - (nowS % pass.stepS);
  bar.style.transform = `scaleX(${(left / pass.stepS).toFixed(3)})`;
  countdown.textContent = t("js.pass.refresh").replace("{s}", String(Math.ceil(left)));
  if (totpAvailable()) redraw(nowS);
  else serverFallback(nowS);
}

async function keepScreenOn() {
  // A gate camera reads a lit screen: keep it on while the pass is shown (where the browser can).
  try {
    if (document.visibilityState === "visible") await navigator.wakeLock?.request("screen");
  } catch { /* battery saver or no permission */ }
}

function keepForOffline() {
  // Ask the service worker to keep this page (and so reopen it without signal).
  navigator.serviceWorker?.ready.then((registration) => {
    registration.active?.postMessage({ type: "keep-page", url: location.pathname });
  }).catch(() => {});
}

async function start() {
  const { value, online, error } = await fetchPass();
  netBadge.hidden = online;
  if (!value) {
    qrBox.replaceChildren();
    showState("error", error || t("js.pass.loadFailed"));
    return;
  }
  current = value;
  validity.textContent = t("js.pass.validUntil").replace("{time}", localTime(value.pass.validUntil));
  tick();
  setInterval(tick, 250);
  keepScreenOn();
  document.addEventListener("visibilitychange", keepScreenOn);
  if (online) keepForOffline();
}

start();
