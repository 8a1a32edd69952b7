// Forms post JSON to the API: <form data-api="/api/..." data-method="POST" data-next="/page/{id}">.
// Names with dots build nested objects ("vehicle.plate"), indices arrays ("lines[0].plate"); data-type="int|float|json|bool|localtime" converts;
// data-type="scaled" data-scale="100" takes a decimal in the unit people use (yuan, tonnes, %) and sends
// the API's integer unit (fen, kg, basis points); empty optional fields are left out. Errors land next
// to the field the server names.
import { api, errorText, loginUrl, t } from "./api.js";

function setPath(target, path, value) {
  // "lines[2].plate" builds an array of objects, as the API names the field in its errors.
  const keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let node = target;
  keys.slice(0, -1).forEach((key, i) => { node = node[key] ??= (/^\d+$/.test(keys[i + 1]) ? [] : {}); });
  node[keys[keys.length - 1]] = value;
}

class FieldProblem extends Error {
  constructor(field, message, values = {}) { super(message); this.field = field; this.values = values; }
}

function valueOf(el) {
  const type = el.dataset.type;
  if (el.type === "checkbox") return el.checked;
  const raw = el.value.trim();
  if (raw === "" && !("keepEmpty" in el.dataset)) return undefined;
  if (type === "int") {
    if (!/^-?\d+$/.test(raw)) throw new FieldProblem(el.name, "js.error.int");
    return Number.parseInt(raw, 10);
  }
  if (type === "scaled") {
    const scale = Number(el.dataset.scale);
    const digits = Math.round(Math.log10(scale));
    const plain = raw.replace(/[,，\s]/g, ""); // "5,000" as people write thousands
    if (!new RegExp(`^-?\\d+(\\.\\d{1,${digits}})?$`).test(plain)) {
      throw new FieldProblem(el.name, "js.error.decimals", { n: digits });
    }
    // Whole and fraction apart: 0.29 * 100 is 28.999999999999996 in floating point.
    const [whole, fraction = ""] = plain.replace("-", "").split(".");
    const value = Number(whole) * scale + Number(fraction.padEnd(digits, "0"));
    return plain.startsWith("-") ? -value : value;
  }
  if (type === "float") {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new FieldProblem(el.name, "js.error.number");
    return n;
  }
  if (type === "json") {
    try { return JSON.parse(raw); } catch { throw new FieldProblem(el.name, "js.error.json"); }
  }
  if (type === "bool") return raw === "true";
  // A datetime-local has no zone: people in the coal regions mean Beijing time, the API wants an instant.
  if (type === "localtime") return `${raw.length === 16 ? `${raw}:00` : raw}+08:00`;
  return raw;
}

export function collect(form) {
  const body = {};
  for (const el of form.elements) {
    if (!el.name || el.matches(":disabled") || el.type === "submit" || el.type === "button") continue;
    if (el.type === "radio" && !el.checked) continue;
    const value = valueOf(el);
    if (value !== undefined) setPath(body, el.name, value);
  }
  return body;
}

function fieldFor(form, name) {
  if (!name) return null;
  const exact = form.querySelector(`[name="${CSS.escape(name)}"]`);
  if (exact) return exact;
  // "$.vehicle.plate" or "plate" from a nested error: match the longest suffix we have.
  const lower = name.toLowerCase();
  return [...form.elements].find((el) => el.name && (el.name.toLowerCase() === lower
    || el.name.toLowerCase().endsWith(`.${lower}`))) || null;
}

export function clearErrors(form) {
  form.querySelectorAll(".field-error, .form-error[data-generated]").forEach((n) => n.remove());
  form.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
}

export function showError(form, field, message) {
  const el = fieldFor(form, field);
  if (el) {
    el.setAttribute("aria-invalid", "true");
    const box = document.createElement("div");
    box.className = "field-error";
    box.setAttribute("role", "alert");
    box.dataset.for = el.name;
    box.textContent = message;
    const holder = el.closest(".field") || el.parentElement;
    holder.appendChild(box);
    form.dispatchEvent(new CustomEvent("mt:fielderror", { detail: { field: el.name, element: el } }));
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "center", behavior: "smooth" });
    return;
  }
  const box = document.createElement("div");
  box.className = "form-error";
  box.dataset.generated = "";
  box.setAttribute("role", "alert");
  box.textContent = message;
  form.prepend(box);
  box.scrollIntoView({ block: "center", behavior: "smooth" });
}

function fill(template, data) {
  return template.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent(data?.[key] ?? ""));
}

function follow(target) {
  const url = new URL(target, location.href);
  if (url.pathname === location.pathname && url.search === location.search) {
    // Same page, maybe another anchor: assigning would only scroll, the new data needs a reload.
    history.replaceState(null, "", url);
    location.reload();
  } else {
    location.assign(url);
  }
}

export async function submit(form) {
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  clearErrors(form);
  let body;
  try {
    body = collect(form);
  } catch (problem) {
    if (problem instanceof FieldProblem) {
      const text = Object.entries(problem.values).reduce((m, [k, v]) => m.replace(`{${k}}`, v), t(problem.message));
      showError(form, problem.field, text);
      return;
    }
    throw problem;
  }
  const button = form.querySelector("[type=submit]");
  button?.setAttribute("aria-busy", "true");
  if (button) button.disabled = true;
  const method = (form.dataset.method || "POST").toUpperCase();
  const result = await api(form.dataset.api, { method, body });
  button?.removeAttribute("aria-busy");
  if (button) button.disabled = false;
  // A lapsed session goes to the login page; the login forms' own 401s (a wrong password, TOTP or
  // recovery code) are answers to show next to the field.
  if (result.status === 401 && !form.dataset.api.startsWith("/api/auth/")) {
    location.assign(loginUrl());
    return;
  }
  if (!result.ok) {
    showError(form, result.data?.field, errorText(result.data));
    return;
  }
  const done = new CustomEvent("mt:done", { cancelable: true, detail: { data: result.data, status: result.status } });
  if (!form.dispatchEvent(done)) return;
  if (form.dataset.next) follow(fill(form.dataset.next, result.data));
  else location.reload();
}

export function bindForms(root = document) {
  root.querySelectorAll("form[data-api]").forEach((form) => {
    if (form.dataset.bound) return;
    form.dataset.bound = "1";
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(form);
    });
  });
}
