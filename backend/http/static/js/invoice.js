// The transport-invoice form: "add a line" copies the last line's fields with the next index
// (lines[n].…) and line number; forms.js (bound by app.js) posts the whole form as JSON (the lines as an array).
function addLine(form) {
  const lines = form.querySelectorAll("[data-invoice-line]");
  const last = lines[lines.length - 1];
  const n = lines.length;
  const copy = last.cloneNode(true);
  copy.querySelectorAll("[name]").forEach((el) => {
    el.name = el.name.replace(/^lines\[\d+\]/, `lines[${n}]`);
    el.id = el.id.replace(/\d+/, String(n));
    if (el.name.endsWith(".lineNo")) el.value = String(n + 1);
    else if (!el.dataset.keep) el.value = "";
  });
  copy.querySelectorAll("label[for]").forEach((el) => { el.htmlFor = el.htmlFor.replace(/\d+/, String(n)); });
  copy.querySelectorAll(".field-error").forEach((el) => el.remove());
  copy.querySelector("[data-line-title]").textContent = copy.querySelector("[data-line-title]").textContent
    .replace(/\d+/, String(n + 1));
  last.after(copy);
}

document.querySelectorAll("form[data-invoice-form]").forEach((form) => {
  form.querySelector("[data-add-line]")?.addEventListener("click", () => addLine(form));
});
