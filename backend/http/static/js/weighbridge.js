// The weighbridge board (地磅): htmx polls the lanes every 2 s and today's lists every 10 s while the
// tab is seen (hx-trigger in weighbridge.html; the hidden tab's polls are cancelled here, since htmx's
// trigger filters would need eval, which the CSP forbids). This keeps the live dot honest and the session fresh:
// a fragment answered 401 means the access cookie ran out, so refresh once, else go and log in.
import { loginUrl, refreshSession, t } from "./api.js";

const live = document.querySelector("[data-live]");
let refreshing = false;

function setLive(ok) {
  if (!live) return;
  const dot = live.querySelector(".dot");
  dot.classList.toggle("on", ok);
  dot.classList.toggle("off", !ok);
  live.querySelector("[data-live-text]").textContent = t(ok ? "js.live.on" : "js.live.off");
  live.dataset.ok = String(ok);
}

async function relogin() {
  if (refreshing) return;
  refreshing = true;
  const ok = await refreshSession();
  refreshing = false;
  if (!ok) location.assign(loginUrl());
}

document.body.addEventListener("htmx:beforeRequest", (event) => {
  if (document.hidden && event.detail.elt?.matches?.("[data-poll]")) event.preventDefault();
});
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) document.dispatchEvent(new Event("mt-visible"));
});

document.body.addEventListener("htmx:afterRequest", (event) => {
  if (!event.detail.elt?.matches?.("[data-poll]")) return;
  const status = event.detail.xhr?.status ?? 0;
  if (status === 401) {
    relogin();
    return;
  }
  setLive(Boolean(event.detail.successful));
});
document.body.addEventListener("htmx:sendError", (event) => {
  if (event.detail.elt?.matches?.("[data-poll]")) setLive(false);
});
