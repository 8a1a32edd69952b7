// Web Push for the notices outbox: ask permission, subscribe with the platform's VAPID key and hand
// the subscription to the server. Binds the button #webpush-enable wherever a page places it;
// the service worker (sw.js) shows what arrives.
import { api, errorText, t } from "./api.js";

const BUTTON_ID = "webpush-enable";

export function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

// applicationServerKey wants bytes; the server publishes the uncompressed point as base64url.
function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function sameKey(subscription, key) {
  const current = subscription.options?.applicationServerKey;
  if (!current) return true; // the browser does not say; trust it
  const a = new Uint8Array(current);
  return a.length === key.length && a.every((byte, i) => byte === key[i]);
}

async function register(subscription) {
  const result = await api("/api/notices/webpush-subscriptions", { method: "POST", body: subscription.toJSON() });
  if (!result.ok) throw new Error(errorText(result.data));
}

/** Subscribes this browser (asking for permission first); resolves to "on", "denied" or "unsupported". */
export async function enableWebPush() {
  if (!supported()) return "unsupported";
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return "denied";
  const keyResult = await api("/api/notices/webpush-key");
  if (!keyResult.ok) throw new Error(errorText(keyResult.data));
  const key = keyBytes(keyResult.data.publicKey);
  const registration = await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscription, key)) {
    // Subscribed under an earlier key: the push service would refuse our signature.
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  await register(subscription);
  return "on";
}

/** Unsubscribes this browser here and on the server. */
export async function disableWebPush() {
  if (!supported()) return;
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription();
  if (!subscription) return;
  const endpoint = subscription.endpoint;
  await subscription.unsubscribe();
  await api(`/api/notices/webpush-subscriptions?endpoint=${encodeURIComponent(endpoint)}`, { method: "DELETE" });
}

function show(button, state) {
  const text = { on: "js.webpush.on", denied: "js.webpush.denied", unsupported: "js.webpush.unsupported" }[state];
  button.textContent = t(text || "js.webpush.enable");
  button.disabled = Boolean(text);
  button.dataset.webpush = state;
}

async function bind(button) {
  button.addEventListener("click", async () => {
    if (button.dataset.webpush !== "off") return;
    button.disabled = true;
    button.textContent = t("js.webpush.working");
    const note = button.parentElement?.querySelector("[data-webpush-error]");
    if (note) note.textContent = "";
    try {
      show(button, await enableWebPush());
    } catch (error) {
      show(button, "off");
      if (note) note.textContent = error.message || t("js.error.generic");
    }
  });
  if (!supported()) return show(button, "unsupported");
  if (Notification.permission === "denied") return show(button, "denied");
  show(button, "off");
  if (Notification.permission === "granted") {
    // Already on in this browser: tell the server again (it may have dropped an expired one).
    const registration = await navigator.serviceWorker.getRegistration("/");
    const subscription = await registration?.pushManager.getSubscription();
    if (subscription) {
      show(button, "on");
      register(subscription).catch(() => show(button, "off"));
    }
  }
}

const button = document.getElementById(BUTTON_ID);
if (button) bind(button);
