// The carrier's dispatch forms (enterprise orders): picking a driver from the fleet fills in the truck he
// owns, picking a driver's own truck fills in his mobile; whatever is typed stays as typed. forms.js
// posts the form and shows the API's refusals at their field.

function option(input, value) {
  const list = input.list;
  if (!list || !value) return null;
  return [...list.options].find((o) => o.value === value) || null;
}

function bind(form) {
  const plate = form.elements.plate;
  const phone = form.elements.driverPhone;
  if (!plate || !phone) return;
  // "input" also fires when a suggestion is picked from the list (a whole value replaced at once).
  phone.addEventListener("input", () => {
    const own = option(phone, phone.value.trim())?.dataset.plate;
    if (own && !plate.value.trim()) plate.value = own;
  });
  plate.addEventListener("input", () => {
    const owner = option(plate, plate.value.trim())?.dataset.ownerPhone;
    if (owner && !phone.value.trim()) phone.value = owner;
  });
  // A corrected field loses its refusal at once, not only at the next submit.
  form.addEventListener("input", (event) => {
    const field = event.target.closest(".field");
    field?.querySelectorAll(".field-error").forEach((n) => n.remove());
    field?.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  });
  form.dataset.ready = "true";
}

document.querySelectorAll("form.dispatch-form[data-fleet]").forEach(bind);

// Opening 改派 puts the cursor in its plate field.
document.querySelectorAll("details.redispatch").forEach((details) => {
  details.addEventListener("toggle", () => {
    if (details.open) details.querySelector("input[name=plate]")?.focus();
  });
});
