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
  // Signed out: forget the pages kept for offline use; they were someone's.
  if (event.data?.type === "logout") event.waitUntil(caches.delete(PAGE_CACHE));
});

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
