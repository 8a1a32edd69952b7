// The login page: password or SMS code, then TOTP (verify, or enrol first for accounts that must use it,
// then show the ten recovery codes once); a recovery code may stand in for the TOTP code.
import { api, errorText, refreshSession } from "./api.js";
import { showError } from "./forms.js";

const page = document.getElementById("login");
const next = page.dataset.next || "/";

function go() { location.assign(next); }

function showStep(name) {
  page.querySelectorAll("[data-step]").forEach((s) => { s.hidden = s.dataset.step !== name; });
  page.querySelector(`[data-step="${name}"] input:not([type=hidden])`)?.focus();
}

page.querySelectorAll("[data-tab]").forEach((tab) => {
  tab.addEventListener("click", () => {
    page.querySelectorAll("[data-tab]").forEach((b) => b.setAttribute("aria-selected", String(b === tab)));
    page.querySelectorAll("[data-pane]").forEach((p) => { p.hidden = p.dataset.pane !== tab.dataset.tab; });
  });
});

async function startEnrol(form, mfaToken) {
  const result = await api("/api/auth/totp/enrol", { method: "POST", body: { mfaToken } });
  if (!result.ok) {
    showError(form, null, errorText(result.data));
    return;
  }
  const step = page.querySelector('[data-step="enrol"]');
  step.querySelector("[data-qr]").src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(result.data.qrSvg)}`;
  step.querySelector("[data-secret]").textContent = result.data.secret;
  step.querySelector("[name=mfaToken]").value = mfaToken;
  showStep("enrol");
}

page.querySelectorAll("[data-login-form]").forEach((form) => {
  form.addEventListener("mt:done", (event) => {
    event.preventDefault();
    const { status, mfaToken } = event.detail.data;
    if (status === "ok") go();
    else if (status === "totp_required") {
      page.querySelector('[data-step="totp"] [name=mfaToken]').value = mfaToken;
      showStep("totp");
    } else if (status === "totp_setup_required") startEnrol(form, mfaToken);
  });
});

page.querySelectorAll("[data-goto]").forEach((button) => {
  button.addEventListener("click", () => {
    const token = page.querySelector('[data-step="totp"] [name=mfaToken]').value;
    page.querySelector(`[data-step="${button.dataset.goto}"] [name=mfaToken]`).value = token;
    showStep(button.dataset.goto);
  });
});

page.querySelector("[data-enrol-form]")?.addEventListener("mt:done", (event) => {
  event.preventDefault();
  const list = page.querySelector("[data-codes]");
  list.replaceChildren(...event.detail.data.recoveryCodes.map((code) => {
    const item = document.createElement("li");
    item.textContent = code;
    return item;
  }));
  showStep("codes");
  page.querySelector("[data-codes-done]").focus();
});

page.querySelector("[data-codes-done]")?.addEventListener("click", () => go());

page.querySelectorAll("[data-totp-form]").forEach((form) => {
  form.addEventListener("mt:done", (event) => {
    event.preventDefault();
    go();
  });
});

// Sent here by a page whose short-lived access cookie ran out: the refresh cookie may still be good.
// At most once in 30 s, so a session the server still refuses cannot bounce between pages.
const last = Number(sessionStorage.getItem("mt-silent-refresh") || 0);
if (new URLSearchParams(location.search).has("next") && Date.now() - last > 30_000) {
  sessionStorage.setItem("mt-silent-refresh", String(Date.now()));
  refreshSession().then((ok) => { if (ok) go(); });
}
