// One way to call the JSON API from pages: cookie auth, the anti-CSRF header, one silent refresh on 401,
// and the authenticator code asked again (step-up, stepup.js) where the server wants it, then a retry.
import { askStepUp } from "./stepup.js";

const HEADERS = { "X-Requested-With": "fetch", Accept: "application/json" };

export function lang() {
  return document.documentElement.lang.startsWith("en") ? "en" : "zh";
}

// UI strings the scripts need, rendered by the server in the page's language (messages.py "js.*").
let strings = null;
export function t(key) {
  if (strings === null) {
    const node = document.getElementById("mt-strings");
    strings = node ? JSON.parse(node.textContent) : {};
  }
  return strings[key] || key;
}

// The message of the platform's one error body {code, message_zh, message_en, field}.
export function errorText(body) {
  if (body && typeof body === "object") {
    const text = body[`message_${lang()}`] || body.message_zh || body.message_en;
    if (text) return text;
  }
  return t("js.error.generic");
}

let refreshing = null;
async function refreshOnce() {
  // Parallel 401s share one refresh: the refresh token rotates, a second use would be reuse.
  refreshing ??= fetch("/api/auth/refresh", { method: "POST", headers: HEADERS, credentials: "same-origin" })
    .then((r) => r.ok)
    .catch(() => false)
    .finally(() => setTimeout(() => { refreshing = null; }, 0));
  return refreshing;
}

async function send(url, method, body) {
  const init = { method, headers: { ...HEADERS }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  return fetch(url, init);
}

/** Call the API; resolves to {ok, status, data}. Network failure → status 0 with a generic error body. */
export async function api(url, { method = "GET", body, retry = true } = {}) {
  let response;
  try {
    response = await send(url, method, body);
    if (response.status === 401 && retry && !url.startsWith("/api/auth/")) {
      if (await refreshOnce()) response = await send(url, method, body);
    }
    if (response.status === 403 && retry && await wantsStepUp(response)) {
      const verify = (totpCode) => api("/api/auth/step-up", { method: "POST", body: { totpCode }, retry: false });
      if (await askStepUp(verify)) response = await send(url, method, body);
    }
  } catch {
    return { ok: false, status: 0, data: { code: "network", message_zh: t("js.error.network"), message_en: t("js.error.network"), field: null } };
  }
  let data = null;
  const type = response.headers.get("content-type") || "";
  if (type.includes("json")) data = await response.json().catch(() => null);
  return { ok: response.ok, status: response.status, data };
}

async function wantsStepUp(response) {
  const data = await response.clone().json().catch(() => null);
  return data?.code === "step_up_required";
}

export function loginUrl() {
  const base = document.body.dataset.login || "/";
  const here = location.pathname + location.search;
  return `${base}?next=${encodeURIComponent(here)}`;
}

export async function refreshSession() {
  return refreshOnce();
}
