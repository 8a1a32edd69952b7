// Where the driver's passes are kept on the phone: in the service worker's page cache ("mt-pages",
// sw.js), beside the pass page itself. Signing out deletes that cache, so a pass (which holds its
// order's TOTP secret) never outlives the login that fetched it.
const CACHE = "mt-pages";
const DATA = /^\/driver\/orders\/([0-9a-f-]{36})\/pass(\.data)?$/;

function key(orderId) {
  return `/driver/orders/${orderId}/pass.data`;
}

async function cache() {
  return globalThis.caches ? caches.open(CACHE) : null;
}

export async function loadPass(orderId) {
  try {
    const response = await (await cache())?.match(key(orderId));
    const value = response ? await response.json() : null;
    return value?.pass?.token ? value : null;
  } catch {
    return null;
  }
}

export async function savePass(orderId, value) {
  try {
    const body = JSON.stringify(value);
    await (await cache())?.put(key(orderId), new Response(body, { headers: { "Content-Type": "application/json" } }));
  } catch { /* storage full or refused: the pass still shows while the page is open */ }
}

export async function dropPass(orderId) {
  try {
    await (await cache())?.delete(key(orderId));
  } catch { /* nothing kept */ }
}

/** Forget the kept passes and pass pages of orders that are no longer open. */
export async function prunePasses(openIds) {
  const store = await cache();
  if (!store) return;
  for (const request of await store.keys()) {
    const match = new URL(request.url).pathname.match(DATA);
    if (match && !openIds.has(match[1])) await store.delete(request);
  }
}
