// Machine keys: a secret comes back once (issue, rotate); show it with a copy button, never store it.
const panel = document.querySelector("[data-secret-panel]");

document.querySelectorAll("form[data-secret-form]").forEach((form) => {
  form.addEventListener("mt:done", (event) => {
    event.preventDefault();
    const { key, secret } = event.detail.data;
    panel.querySelector("[data-key-id]").textContent = key.keyId;
    panel.querySelector("[data-key-secret]").textContent = secret;
    panel.hidden = false;
    panel.scrollIntoView({ block: "center", behavior: "smooth" });
  });
});

panel?.querySelector("[data-secret-done]").addEventListener("click", () => {
  panel.querySelector("[data-key-secret]").textContent = "";
  location.reload();
});
