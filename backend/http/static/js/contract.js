// E-contract pages: the signed scan goes up as raw PDF bytes (PUT), and the drafting form shows what
// the contract is worth as the price and the quantity are typed. Everything else is forms.js.
import { errorText, loginUrl, refreshSession, t } from "./api.js";
import { clearErrors, showError } from "./forms.js";

const MAX_PDF_BYTES = 20 * 1024 * 1024;
const HEADERS = { "X-Requested-With": "fetch", Accept: "application/json", "Content-Type": "application/pdf" };

async function put(url, file) {
  const send = () => fetch(url, { method: "PUT", headers: HEADERS, credentials: "same-origin", body: file });
  let response = await send();
  if (response.status === 401 && await refreshSession()) response = await send();
  return response;
}

async function upload(form) {
  clearErrors(form);
  const input = form.querySelector("input[type=file]");
  const file = input.files[0];
  if (!file) return showError(form, input.name, t("js.pdf.choose"));
  if (file.size > MAX_PDF_BYTES) return showError(form, input.name, t("js.pdf.tooLarge"));
  // A scan is a PDF by its first bytes, whatever its name says (the server checks the same).
  const magic = new TextDecoder().decode(await file.slice(0, 5).arrayBuffer());
  if (magic !== "%PDF-") return showError(form, input.name, t("js.pdf.notPdf"));
  const button = form.querySelector("[type=submit]");
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = t("js.pdf.uploading");
  let response = null;
  try {
    response = await put(form.dataset.pdfUpload, file);
  } catch {
    response = null;
  }
  button.disabled = false;
  button.removeAttribute("aria-busy");
  button.textContent = label;
  if (response?.status === 401) return location.assign(loginUrl());
  if (response?.ok) return location.reload();
  const body = response ? await response.json().catch(() => null) : { message_zh: t("js.error.network"), message_en: t("js.error.network") };
  return showError(form, body?.field || input.name, errorText(body));
}

document.querySelectorAll("form[data-pdf-upload]").forEach((form) => {
  const input = form.querySelector("input[type=file]");
  const name = form.querySelector("[data-file-name]");
  input.addEventListener("change", () => {
    if (input.files[0]) name.textContent = input.files[0].name;
    clearErrors(form);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    upload(form);
  });
});

// The value at the contract quantity: tonnes × yuan per tonne, as a guide while typing.
const draft = document.getElementById("contract-form");
const valueBox = draft?.querySelector("[data-contract-value]");
function number(name) {
  const raw = draft.querySelector(`[name="${name}"]`).value.replace(/[,，\s]/g, "");
  return /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : null;
}
draft?.addEventListener("input", () => {
  const tonnes = number("quantityKg");
  const price = number("priceFenPerT");
  valueBox.hidden = tonnes === null || price === null;
  if (!valueBox.hidden) {
    const lang = document.documentElement.lang.startsWith("en") ? "en" : "zh-CN";
    const amount = Math.round(tonnes * price).toLocaleString(lang);
    valueBox.querySelector("b").textContent = t("js.yuan").replace("{v}", amount);
  }
});
