// The account page: new recovery codes come back once; show them in place instead of reloading.
const form = document.querySelector("form[data-recovery-form]");

form?.addEventListener("mt:done", (event) => {
  event.preventDefault();
  const box = document.querySelector("[data-new-codes]");
  box.querySelector("ol").replaceChildren(...event.detail.data.codes.map((code) => {
    const item = document.createElement("li");
    item.textContent = code;
    return item;
  }));
  box.hidden = false;
  document.querySelector("[data-remaining]").textContent = String(event.detail.data.codes.length);
  form.reset();
  box.scrollIntoView({ block: "center", behavior: "smooth" });
});
