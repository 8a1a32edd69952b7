// The settlement issue form: the ticked loads become `ticketNos`, and the figures follow the ticks
// (sums of the platform's line figures; the weighted price; the tax half-even) until a person edits
// them. A seller's upload carries the buyer's signed scan as base64 in `scan`. forms.js posts it.
import { t } from "./api.js";
import { clearErrors, showError } from "./forms.js";

const MAX_SCAN_BYTES = 10 * 1024 * 1024;
const form = document.querySelector("[data-settlement-form]");

// Integer division rounded half-even, as the server does (GB/T 8170). BigInt: fen × kg overflows 2^53.
function divHalfEven(numerator, denominator) {
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  let q = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && q % 2n === 1n)) q += 1n;
  return Number(q);
}

function setScaled(name, value, scale, digits) {
  const input = form.querySelector(`[name="${name}"]`);
  if (input) input.value = (value / scale).toFixed(digits);
}

function scaledValue(name, scale) {
  const raw = (form.querySelector(`[name="${name}"]`)?.value || "").replace(/[,，\s]/g, "");
  if (!/^\d+(\.\d+)?$/.test(raw)) return null;
  const [whole, fraction = ""] = raw.split(".");
  const digits = Math.round(Math.log10(scale));
  return Number(whole) * scale + Number(fraction.slice(0, digits).padEnd(digits, "0"));
}

function retax() {
  const amount = scaledValue("amountFen", 100);
  const rate = scaledValue("taxRateBp", 100);
  if (amount === null || rate === null) return;
  const tax = divHalfEven(amount * rate, 10000);
  setScaled("taxFen", tax, 100, 2);
  setScaled("totalFen", amount + tax, 100, 2);
}

function follow() {
  const ticked = [...form.querySelectorAll("[data-load]")].filter((box) => box.checked);
  form.querySelector("[data-ticket-nos]").value = JSON.stringify(ticked.map((box) => box.dataset.load));
  const net = ticked.reduce((sum, box) => sum + Number(box.dataset.netKg), 0);
  const settled = ticked.reduce((sum, box) => sum + Number(box.dataset.settledKg), 0);
  const amount = ticked.reduce((sum, box) => sum + Number(box.dataset.amountFen), 0);
  setScaled("supplierKg", net, 1000, 3);
  setScaled("settledKg", settled, 1000, 3);
  setScaled("deductionKg", Math.max(net - settled, 0), 1000, 3);
  setScaled("amountFen", amount, 100, 2);
  if (settled > 0) setScaled("unitPriceFenPerT", divHalfEven(amount * 1000, settled), 100, 2);
  retax();
}

function readScan(input) {
  const hidden = form.querySelector("[data-scan-data]");
  hidden.value = "";
  clearErrors(form);
  const file = input.files[0];
  if (!file) return;
  if (file.size > MAX_SCAN_BYTES) {
    input.value = "";
    showError(form, "scan", t("js.stl.scanTooLarge"));
    return;
  }
  const reader = new FileReader();
  reader.addEventListener("load", () => { hidden.value = String(reader.result).split(",", 2)[1] || ""; });
  reader.readAsDataURL(file);
}

if (form) {
  form.querySelectorAll("[data-load]").forEach((box) => box.addEventListener("change", follow));
  form.querySelector('[name="amountFen"]')?.addEventListener("change", retax);
  form.querySelector('[name="taxRateBp"]')?.addEventListener("change", retax);
  const scan = form.querySelector("[data-scan-file]");
  scan?.addEventListener("change", () => readScan(scan));
  if (form.querySelector("[data-load]")) {
    form.querySelector("[data-ticket-nos]").value = JSON.stringify(
      [...form.querySelectorAll("[data-load]")].filter((box) => box.checked).map((box) => box.dataset.load));
  }
}
