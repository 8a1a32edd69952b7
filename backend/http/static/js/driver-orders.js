// My pickup orders: forget the passes kept on this phone for orders that are no longer open
// (a pass holds its order's TOTP secret; it has no business outliving the order).
const holder = document.querySelector("[data-open-orders]");
if (holder) {
  const open = new Set(holder.dataset.openOrders.split(",").filter(Boolean));
  for (let i = localStorage.length - 1; i >= 0; i -= 1) {
    const key = localStorage.key(i);
    if (key?.startsWith("mt.pass.") && !open.has(key.slice("mt.pass.".length))) localStorage.removeItem(key);
  }
}
