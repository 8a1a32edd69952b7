// Step-up: the most dangerous actions (suspend, blacklist, issue a machine key, grant a role) answer
// 403 step_up_required until the person re-enters his authenticator code. api.js calls askStepUp,
// which shows a <dialog> for the code and posts it through `verify(code)`; the request is then retried.
import { errorText, t } from "./api.js";

let open = null;

function build() {
  const dialog = document.createElement("dialog");
  dialog.className = "stepup";
  dialog.setAttribute("aria-labelledby", "stepup-title");
  dialog.innerHTML = `
    <form method="dialog" class="stack">
      <h2 id="stepup-title"></h2>
      <p class="muted" data-lead></p>
      <div class="field">
        <label for="stepup-code"></label>
        <input id="stepup-code" name="totpCode" inputmode="numeric" autocomplete="one-time-code" maxlength="6"
               pattern="[0-9]{6}" required>
      </div>
      <div class="form-error" role="alert" hidden data-error></div>
      <div class="actions">
        <button type="button" class="btn" data-cancel></button>
        <button type="submit" class="btn primary" data-ok></button>
      </div>
    </form>`;
  dialog.querySelector("h2").textContent = t("js.stepup.title");
  dialog.querySelector("[data-lead]").textContent = t("js.stepup.lead");
  dialog.querySelector("label").textContent = t("js.stepup.code");
  dialog.querySelector("[data-cancel]").textContent = t("js.stepup.cancel");
  dialog.querySelector("[data-ok]").textContent = t("js.stepup.submit");
  document.body.appendChild(dialog);
  return dialog;
}

/** Ask for the code until it is accepted (true) or the person cancels (false). */
export function askStepUp(verify) {
  // Parallel refusals share one dialog.
  open ??= new Promise((resolve) => {
    const dialog = build();
    const form = dialog.querySelector("form");
    const input = dialog.querySelector("input");
    const error = dialog.querySelector("[data-error]");
    const finish = (ok) => {
      dialog.close();
      dialog.remove();
      open = null;
      resolve(ok);
    };
    dialog.querySelector("[data-cancel]").addEventListener("click", () => finish(false));
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); finish(false); });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = dialog.querySelector("[data-ok]");
      button.disabled = true;
      const result = await verify(input.value.trim());
      button.disabled = false;
      if (result.ok) {
        finish(true);
        return;
      }
      error.textContent = errorText(result.data);
      error.hidden = false;
      input.select();
    });
    dialog.showModal();
    input.focus();
  });
  return open;
}
