// 开单: the contract's remaining tonnes, the batch's total against it, sites of the contract's seller,
// validity typed in Beijing time, the carrier from the directory (carrier-pick.js). forms.js posts the
// form (tonnes scaled to kg) and shows refusals.
import { t } from "./api.js";
import { bindCarrierPick } from "./carrier-pick.js";

const form = document.getElementById("issue");

function tonnes(kg) {
  return (Math.round(kg) / 1000).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 3 });
}

if (form) {
  const contract = form.elements.contractId;
  const site = form.elements.siteId;
  const planned = form.elements.plannedKg;
  const count = form.elements.count;
  const remainingBox = form.querySelector("[data-remaining]");
  const summary = form.querySelector("[data-summary]");

  const chosen = () => contract.selectedOptions[0];
  const remainingKg = () => Number(chosen()?.dataset.remainingKg || 0);

  function plannedKg() {
    const value = Number(planned.value.replace(/[,，\s]/g, ""));
    return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : 0;
  }

  function update() {
    const left = remainingKg();
    form.querySelector("[data-remaining-t]").textContent = tonnes(left);
    const option = chosen();
    form.querySelector("[data-contract-validity]").textContent = option
      ? t("js.issue.contractValid").replace("{from}", option.dataset.validFrom).replace("{until}", option.dataset.validUntil) : "";
    const n = Number.parseInt(count.value, 10) || 0;
    const total = plannedKg() * n;
    const over = total > left;
    remainingBox.classList.toggle("over", over);
    summary.classList.toggle("over", over);
    summary.textContent = total > 0
      ? t(over ? "js.issue.over" : "js.issue.summary").replace("{n}", n).replace("{total}", tonnes(total))
        .replace("{left}", tonnes(left - total)).replace("{remaining}", tonnes(left))
      : "";
  }

  function sitesOfSeller() {
    // A contract's orders load at the seller's own sites.
    const seller = chosen()?.dataset.seller;
    let firstVisible = null;
    for (const option of site.options) {
      const mine = option.dataset.org === seller;
      option.hidden = !mine;
      option.disabled = !mine;
      if (mine && !firstVisible) firstVisible = option;
    }
    if (site.selectedOptions[0]?.disabled) site.value = firstVisible ? firstVisible.value : "";
    form.querySelector("[data-no-site]").hidden = Boolean(firstVisible);
  }

  form.querySelectorAll("[data-step]").forEach((button) => {
    button.addEventListener("click", () => {
      const next = (Number.parseInt(count.value, 10) || 1) + Number(button.dataset.step);
      count.value = String(Math.min(Number(count.max) || 100, Math.max(1, next)));
      update();
    });
  });

  // datetime-local has no zone: the dispatcher means Beijing time, the API wants an instant.
  form.querySelectorAll("[data-local-for]").forEach((input) => {
    const hidden = form.elements[input.dataset.localFor];
    input.addEventListener("change", () => {
      hidden.value = input.value ? `${input.value.length === 16 ? `${input.value}:00` : input.value}+08:00` : "";
    });
  });

  form.addEventListener("mt:fielderror", (event) => {
    if (["validFrom", "validUntil"].includes(event.detail.field)) form.querySelector("[data-validity-box]").open = true;
  });

  form.addEventListener("mt:done", (event) => {
    event.preventDefault();
    const issued = Array.isArray(event.detail.data) ? event.detail.data.length : 1;
    location.assign(`/mine/orders?issued=${issued}`);
  });

  // A corrected field loses its refusal at once, not only at the next submit.
  form.addEventListener("input", (event) => {
    const field = event.target.closest(".field");
    if (!field) return;
    field.querySelectorAll(".field-error").forEach((n) => n.remove());
    field.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  });

  const carrierBox = form.querySelector("[data-carrier-pick]");
  if (carrierBox) bindCarrierPick(carrierBox);

  contract.addEventListener("change", () => { sitesOfSeller(); update(); });
  planned.addEventListener("input", update);
  count.addEventListener("input", update);
  sitesOfSeller();
  update();
}
