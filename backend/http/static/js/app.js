// Loaded by every page: binds JSON forms, SMS-code buttons, copy buttons, logout; registers the service worker.
import { api, errorText, t } from "./api.js";
import { bindForms, clearErrors, showError } from "./forms.js";

// Each element is bound once, also when htmx swaps in content that contains it again.
function each(root, selector, bind) {
  root.querySelectorAll(selector).forEach((el) => {
    if (el.dataset.mtBound) return;
    el.dataset.mtBound = "1";
    bind(el);
  });
}

function bindSms(root) {
  each(root, "button[data-sms]", (button) => {
    button.addEventListener("click", async () => {
      const form = button.closest("form");
      const phoneInput = form.querySelector(`[name="${button.dataset.phoneField || "phone"}"]`);
      clearErrors(form);
      if (!phoneInput.value.trim()) {
        showError(form, phoneInput.name, t("js.error.phone"));
        return;
      }
      button.disabled = true;
      const result = await api("/api/auth/sms", {
        method: "POST", body: { phone: phoneInput.value.trim(), purpose: button.dataset.sms },
      });
      if (!result.ok) {
        button.disabled = false;
        showError(form, result.data?.field || phoneInput.name, errorText(result.data));
        return;
      }
      const label = button.textContent;
      let left = 60;
      button.textContent = t("js.sms.wait").replace("{s}", left);
      const timer = setInterval(() => {
        left -= 1;
        if (left <= 0) {
          clearInterval(timer);
          button.disabled = false;
          button.textContent = label;
        } else {
          button.textContent = t("js.sms.wait").replace("{s}", left);
        }
      }, 1000);
      form.querySelector("[name=smsCode]")?.focus();
    });
  });
}

function bindCopy(root) {
  each(root, "button[data-copy]", (button) => {
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      const text = source.value ?? source.textContent;
      try {
        await navigator.clipboard.writeText(text.trim());
      } catch {
        const range = document.createRange();
        range.selectNodeContents(source);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        document.execCommand("copy");
      }
      const label = button.textContent;
      button.textContent = t("js.copied");
      setTimeout(() => { button.textContent = label; }, 1500);
    });
  });
}

function bindLogout(root) {
  each(root, "[data-logout]", (button) => {
    button.addEventListener("click", async () => {
      await api("/api/auth/logout", { method: "POST", retry: false });
      navigator.serviceWorker?.controller?.postMessage({ type: "logout" });
      location.assign(button.dataset.logout);
    });
  });
}

// The offline page's retry button (no inline onclick: the CSP forbids inline script).
function bindReload(root) {
  each(root, "[data-reload]", (button) => {
    button.addEventListener("click", () => location.reload());
  });
}

export function bindAll(root = document) {
  bindForms(root);
  bindSms(root);
  bindCopy(root);
  bindLogout(root);
  bindReload(root);
}

bindAll();
// Content swapped in by htmx gets the same behaviour.
document.body.addEventListener("htmx:afterSwap", (event) => bindAll(event.detail.target));

if ("serviceWorker" in navigator && location.protocol !== "file:") {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}
