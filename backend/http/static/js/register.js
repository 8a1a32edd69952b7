// Driver registration: three steps on one page (account, identity, vehicle), one JSON submit.
const form = document.getElementById("register");
const steps = [...form.querySelectorAll("fieldset[data-step]")];
const markers = [...document.querySelectorAll("[data-steps] li")];
const prev = form.querySelector("[data-prev]");
const next = form.querySelector("[data-next-step]");
const submit = form.querySelector("[type=submit]");
const vehicle = form.querySelector("fieldset[data-vehicle]");
let current = 0;

function show(index) {
  current = index;
  steps.forEach((step, i) => { step.hidden = i !== index; });
  markers.forEach((li, i) => {
    li.classList.toggle("done", i < index);
    if (i === index) li.setAttribute("aria-current", "step");
    else li.removeAttribute("aria-current");
  });
  prev.hidden = index === 0;
  next.hidden = index === steps.length - 1;
  submit.hidden = index !== steps.length - 1;
  steps[index].querySelector("input:not([type=checkbox]):not([type=radio]), select")?.focus({ preventScroll: true });
  window.scrollTo({ top: 0, behavior: "smooth" });
}

function stepValid(step) {
  for (const el of step.querySelectorAll("input, select, textarea")) {
    if (!el.matches(":disabled") && !el.checkValidity()) {
      el.reportValidity();
      return false;
    }
  }
  return true;
}

next.addEventListener("click", () => { if (stepValid(steps[current])) show(current + 1); });
prev.addEventListener("click", () => show(current - 1));
form.querySelector("[data-skip-vehicle]").addEventListener("change", (event) => {
  vehicle.disabled = event.target.checked;
});
// The server names the field it refuses: open the step that holds it.
form.addEventListener("mt:fielderror", (event) => {
  const index = steps.findIndex((step) => step.contains(event.detail.element));
  if (index >= 0 && index !== current) show(index);
});
// Enter in a field of steps 1-2 moves on instead of submitting half a form.
form.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && current < steps.length - 1 && event.target.tagName === "INPUT") {
    event.preventDefault();
    next.click();
  }
});
