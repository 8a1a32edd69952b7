// The contract page's quality sections: a new version of the price terms (its rule rows become the
// `rules` list) and an assay entered by hand, whose report scan goes up after it as raw bytes (PUT).
// Field errors land where the server names them ("rules[1].step", "ticketNo", "file").
import { api, errorText, loginUrl, refreshSession, t } from "./api.js";
import { clearErrors, collect, showError } from "./forms.js";

const MAX_SCAN_BYTES = 10 * 1024 * 1024;

// A field problem found while collecting (forms.js), shown on its field.
function problem(form, error) {
  if (error && error.field) {
    const text = Object.entries(error.values || {}).reduce((m, [k, v]) => m.replace(`{${k}}`, v), t(error.message));
    showError(form, error.field, text);
    return true;
  }
  throw error;
}

async function post(form, url, body) {
  const button = form.querySelector("[type=submit]");
  if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
  const result = await api(url, { method: "POST", body });
  if (button) { button.disabled = false; button.removeAttribute("aria-busy"); }
  if (result.status === 401) { location.assign(loginUrl()); return null; }
  if (!result.ok) { showError(form, result.data?.field, errorText(result.data)); return null; }
  return result.data;
}

// ---- price terms: the base fields as forms.js reads them, the rule rows gathered into a list.
function termsBody(form) {
  const flat = collect(form);
  const body = {};
  // forms.js builds "rules[2].step" into flat.rules[2] (sparse where a row was removed).
  for (const [key, value] of Object.entries(flat)) if (key !== "rules") body[key] = value;
  const rows = Array.isArray(flat.rules) ? flat.rules : [];
  body.rules = [];
  form.querySelectorAll("[data-rule-row]").forEach((row) => {
    const rule = rows[Number(row.dataset.ruleRow)];
    if (!rule || !rule.index) return;
    if (rule.partial !== "decimals") delete rule.decimals;
    body.rules.push(rule);
  });
  // The server names rule fields by their place in the list sent: rename the rows to match.
  let n = 0;
  form.querySelectorAll("[data-rule-row]").forEach((row) => {
    const index = row.querySelector("select[name$='.index']");
    const used = index && index.value;
    row.querySelectorAll("[name]").forEach((el) => {
      const field = el.name.replace(/^rules\[\d+\]\./, "");
      el.dataset.sent = used ? `rules[${n}].${field}` : "";
    });
    if (used) n += 1;
  });
  if (body.basis === "per_tonne") delete body.basePriceMilliFenPerKcal;
  else delete body.basePriceFenPerT;
  return body;
}

function showTermsError(form, field, message) {
  const el = field ? form.querySelector(`[data-sent="${CSS.escape(field)}"]`) : null;
  showError(form, el ? el.name : field, message);
}

document.querySelectorAll("form[data-terms-api]").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    let body;
    try { body = termsBody(form); } catch (error) { problem(form, error); return; }
    const button = form.querySelector("[type=submit]");
    if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
    const result = await api(form.dataset.termsApi, { method: "POST", body });
    if (button) { button.disabled = false; button.removeAttribute("aria-busy"); }
    if (result.status === 401) return location.assign(loginUrl());
    if (!result.ok) return showTermsError(form, result.data?.field, errorText(result.data));
    location.hash = "price-terms";
    return location.reload();
  });
});

// ---- assays: the JSON first, then the scan (checked here by its first bytes, as the server does).
async function scanType(file) {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const starts = (bytes) => bytes.every((b, i) => head[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  return null;
}

async function putScan(url, file, type) {
  const headers = { "X-Requested-With": "fetch", Accept: "application/json", "Content-Type": type };
  const send = () => fetch(url, { method: "PUT", headers, credentials: "same-origin", body: file });
  let response = await send();
  if (response.status === 401 && await refreshSession()) response = await send();
  return response;
}

document.querySelectorAll("form[data-assay-api]").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const input = form.querySelector("input[type=file]");
    const file = input?.files[0];
    let type = null;
    if (file) {
      if (file.size > MAX_SCAN_BYTES) return showError(form, input.name, t("js.assay.scanLarge"));
      type = await scanType(file);
      if (!type) return showError(form, input.name, t("js.assay.scanType"));
    }
    let body;
    try { body = collect(form); } catch (error) { problem(form, error); return undefined; }
    delete body.file;
    if (body.scope === "batch") delete body.ticketNo; else delete body.batchDate;
    const made = await post(form, form.dataset.assayApi, body);
    if (!made) return undefined;
    if (file) {
      const response = await putScan(`/api/enterprise/assays/${made.id}/scan`, file, type);
      if (!response.ok) {
        const data = await response.json().catch(() => null);
        return showError(form, input.name, errorText(data));
      }
    }
    location.hash = "assays";
    return location.reload();
  });
});
