// The carrier picker of the issue form: type part of a name or a credit code, pick an active carrier
// from the directory (GET /api/mine/carriers). The chosen id goes into the hidden carrierOrgId input;
// nothing chosen means the mine dispatches its own trucks. A combobox with a listbox (arrow keys, Enter,
// Escape), so it works by keyboard and screen reader as well as by touch.
import { api, errorText, lang, t } from "./api.js";

const SHOWN = 8;
const DELAY_MS = 200;

export function bindCarrierPick(box) {
  const hidden = box.querySelector('input[type="hidden"]');
  const input = box.querySelector('[role="combobox"]');
  const list = box.querySelector('[role="listbox"]');
  const combo = box.querySelector("[data-combo]");
  const picked = box.querySelector("[data-picked]");
  let items = [];
  let active = -1;
  let timer = null;
  let asked = 0; // answers to older questions are dropped: the typist has moved on

  const regionOf = (c) => (lang() === "en" ? c.regionNameEn : c.regionName);

  function open(on) {
    list.hidden = !on;
    input.setAttribute("aria-expanded", String(on));
    if (!on) input.removeAttribute("aria-activedescendant");
  }

  function note(text) {
    const li = document.createElement("li");
    li.className = "none";
    li.setAttribute("role", "presentation");
    li.textContent = text;
    list.replaceChildren(li);
    open(true);
  }

  function highlight(index) {
    active = index;
    list.querySelectorAll('[role="option"]').forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    const current = list.querySelector(`[role="option"][aria-selected="true"]`);
    if (current) {
      input.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function show(found) {
    items = found;
    active = -1;
    if (!items.length) {
      note(t("js.carrier.none"));
      return;
    }
    list.replaceChildren(...items.map((c, i) => {
      const li = document.createElement("li");
      li.id = `carrier-option-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.carrierId = c.id;
      const name = document.createElement("b");
      name.textContent = c.name;
      const sub = document.createElement("span");
      sub.textContent = `${regionOf(c)} · ${c.creditCode}`;
      li.append(name, sub);
      // mousedown, not click: the input keeps its focus, and its blur does not close the list first.
      li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(c); });
      return li;
    }));
    open(true);
  }

  async function search() {
    const ask = ++asked;
    const q = input.value.trim();
    const result = await api(`${box.dataset.api}?limit=${SHOWN}${q ? `&q=${encodeURIComponent(q)}` : ""}`);
    if (ask !== asked || document.activeElement !== input) return;
    if (!result.ok) {
      note(errorText(result.data));
      return;
    }
    show(result.data);
  }

  function choose(c) {
    hidden.value = c.id;
    box.querySelector("[data-picked-name]").textContent = c.name;
    box.querySelector("[data-picked-sub]").textContent = `${regionOf(c)} · ${c.creditCode}`;
    picked.hidden = false;
    combo.hidden = true;
    open(false);
    input.removeAttribute("aria-invalid");
    box.querySelectorAll(".field-error").forEach((n) => n.remove());
  }

  function clear() {
    hidden.value = "";
    picked.hidden = true;
    combo.hidden = false;
    input.value = "";
    input.focus();
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, DELAY_MS);
  });
  input.addEventListener("focus", () => { if (list.hidden) search(); });
  input.addEventListener("blur", () => setTimeout(() => open(false), 150));
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) { search(); return; }
      if (!items.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + items.length) % items.length);
    } else if (event.key === "Enter") {
      // Enter picks the highlighted carrier (or the only one found); it never submits the form from here.
      event.preventDefault();
      const index = active >= 0 ? active : items.length === 1 ? 0 : -1;
      if (!list.hidden && index >= 0) choose(items[index]);
    } else if (event.key === "Escape") {
      open(false);
    }
  });
  box.querySelector("[data-clear]").addEventListener("click", clear);
  // Typed before this module loaded (a slow phone, a quick thumb): search what is already there.
  if (input.value.trim() && document.activeElement === input) search();
  box.dataset.ready = "true";
  // A refusal on carrierOrgId (e.g. the carrier was suspended meanwhile) lands under the chosen one;
  // the hidden input cannot take the focus, so the change button does.
  box.closest("form")?.addEventListener("mt:fielderror", (event) => {
    if (event.detail.field !== hidden.name) return;
    (picked.hidden ? input : box.querySelector("[data-clear]")).focus({ preventScroll: true });
    box.scrollIntoView({ block: "center", behavior: "smooth" });
  });
}
