// My pickup orders: forget the passes (and pass pages) kept on this phone for orders that are no
// longer open. A pass holds its order's TOTP secret; it has no business outliving the order.
import { prunePasses } from "./passstore.js";

const holder = document.querySelector("[data-open-orders]");
if (holder) prunePasses(new Set(holder.dataset.openOrders.split(",").filter(Boolean))).catch(() => {});
