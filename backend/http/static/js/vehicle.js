// Vehicle fields: the axle choices follow the body, the legal gross mass (GB 1589) shows live,
// and the plate colour choices preview the typed plate.
import { t } from "./api.js";

function bind(box) {
  const gross = JSON.parse(box.querySelector("[data-gross]").textContent);
  const body = box.querySelector("[data-body]");
  const axles = box.querySelector("[data-axles]");
  const out = box.querySelector("[data-gross-out]");
  const plate = box.querySelector(`[name="${box.dataset.prefix}plate"]`);

  function showGross() {
    const kg = gross[body.value]?.[axles.value];
    out.textContent = kg ? String(kg / 1000) : "—";
  }
  function fillAxles() {
    const keep = axles.value;
    const choices = Object.keys(gross[body.value] || {});
    axles.replaceChildren(...choices.map((n) => {
      const option = new Option(t("js.axles").replace("{n}", n), n);
      return option;
    }));
    axles.value = choices.includes(keep) ? keep : choices[choices.length - 1];
    showGross();
  }
  function preview() {
    const text = plate.value.replace(/[\s·•]/g, "").toUpperCase();
    const shown = text.length > 2 ? `${text.slice(0, 2)}·${text.slice(2)}` : text || t("js.plate.sample");
    box.querySelectorAll("[data-preview]").forEach((badge) => { badge.textContent = shown; });
  }
  body.addEventListener("change", fillAxles);
  axles.addEventListener("change", showGross);
  plate.addEventListener("input", preview);
  showGross();
}

document.querySelectorAll("[data-vehicle-fields]").forEach(bind);
