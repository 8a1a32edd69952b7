// meitong service worker (scope "/"): the app shell from cache, pages from the network, an offline page
// when the network is down. Driver pages seen online are kept, so the pass can open without signal.
const VERSION = "__VERSION__"; // replaced by the server with a hash of the static files
const SHELL_CACHE = `mt-shell-${VERSION}`;
const PAGE_CACHE = "mt-pages";
const SHELL = [
  "/static/css/app.css",
  "/static/js/api.js",
  "/static/js/app.js",
  "/static/js/forms.js",
  "/static/js/login.js",
  "/static/js/fence.js",
  "/static/vendor/htmx/htmx.min.js",
  "/static/icons/meitong.svg",
  "/static/icons/driver.svg",
  "/static/icons/mine.svg",
  "/static/icons/enterprise.svg",
  "/static/icons/regulator.svg",
  "/offline",
  // The driver's pass opens without signal: its page is kept (KEEP_PAGES, "keep-page") and these with it.
  "/static/css/orders.css",
  "/static/js/pass.js",
  "/static/js/passstore.js",
  "/static/js/qr.js",
  "/static/js/totp.js",
  "/static/vendor/qrcode/qrcode.mjs",
];
const KEEP_PAGES = ["/driver/"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("mt-shell-") && n !== SHELL_CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  // Signed out: forget the pages kept for offline use (and the passes kept beside them, passstore.js).
  if (event.data?.type === "logout") event.waitUntil(caches.delete(PAGE_CACHE));
  // The pass page asks to be kept the first time it opens, before this worker controlled it.
  if (event.data?.type === "keep-page") event.waitUntil(keepPage(event.data.url));
});

async function keepPage(path) {
  const url = new URL(path, self.location.origin);
  if (url.origin !== self.location.origin || !KEEP_PAGES.some((p) => url.pathname.startsWith(p))) return;
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (response.ok && !response.redirected) await (await caches.open(PAGE_CACHE)).put(url.pathname, response);
  } catch { /* offline: kept on the next visit */ }
}

async function page(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && KEEP_PAGES.some((p) => url.pathname.startsWith(p))) {
      const cache = await caches.open(PAGE_CACHE);
      await cache.put(url.pathname, response.clone());
    }
    return response;
  } catch {
    const kept = await caches.match(url.pathname, { cacheName: PAGE_CACHE });
    return kept || (await caches.match("/offline")) || new Response("offline", { status: 503 });
  }
}

async function asset(request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  const fresh = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  if (cached) {
    fresh.catch(() => {});
    return cached;
  }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") event.respondWith(page(request));
  else if (url.pathname.startsWith("/static/")) event.respondWith(asset(request));
});

// Web Push (notices outbox, channel "webpush"): the payload is the JSON the server encrypted,
// {noticeId, kind, title, body, titleEn, bodyEn, data}. The page's language lives in the mt_lang
// cookie, which a worker can read only where the Cookie Store API exists; Chinese otherwise.
async function pushLang() {
  try {
    return (await self.cookieStore?.get("mt_lang"))?.value === "en" ? "en" : "zh";
  } catch {
    return "zh";
  }
}

self.addEventListener("push", (event) => {
  event.waitUntil((async () => {
    let message = {};
    try {
      message = event.data ? event.data.json() : {};
    } catch {
      message = { body: event.data ? event.data.text() : "" };
    }
    const en = (await pushLang()) === "en";
    const title = (en && message.titleEn) || message.title || "煤通";
    const body = (en && message.bodyEn) || message.body || "";
    const data = message.data || {};
    await self.registration.showNotification(title, {
      body,
      icon: "/static/icons/driver.svg",
      badge: "/static/icons/meitong.svg",
      lang: en ? "en" : "zh-CN",
      // One notification per notice: a retried push replaces rather than repeats it.
      tag: message.noticeId || undefined,
      renotify: Boolean(message.noticeId),
      data: { ...data, noticeId: message.noticeId, kind: message.kind },
    });
  })());
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const wanted = event.notification.data?.url;
  // Only pages of this site: a payload must not send the driver elsewhere.
  let target = new URL("/driver/", self.location.origin);
  if (typeof wanted === "string") {
    try {
      const url = new URL(wanted, self.location.origin);
      if (url.origin === self.location.origin) target = url;
    } catch { /* keep the default */ }
  }
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const same = windows.find((c) => new URL(c.url).pathname === target.pathname);
    if (same) return same.focus();
    return self.clients.openWindow(target.href);
  })());
});
