// Licence scans for the onboarding review: the file goes up as raw bytes (PUT), its title in the query.
// The server judges the type by the first bytes (PDF, JPEG, PNG) and the size (≤ 10 MB).
import { errorText, loginUrl, refreshSession, t } from "./api.js";
import { clearErrors, showError } from "./forms.js";

const MAX_SCAN_BYTES = 10 * 1024 * 1024;

async function put(url, file) {
  const headers = { "X-Requested-With": "fetch", Accept: "application/json", "Content-Type": file.type || "application/octet-stream" };
  const send = () => fetch(url, { method: "PUT", headers, credentials: "same-origin", body: file });
  let response = await send();
  if (response.status === 401 && await refreshSession()) response = await send();
  return response;
}

document.querySelectorAll("form[data-scan-upload]").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const input = form.querySelector("input[type=file]");
    const file = input.files[0];
    if (!file) return showError(form, "file", t("js.scan.choose"));
    if (file.size > MAX_SCAN_BYTES) return showError(form, "file", t("js.scan.tooLarge"));
    const title = form.querySelector("[name=title]")?.value.trim() || "";
    const url = `${form.dataset.scanUpload}?title=${encodeURIComponent(title)}`;
    let response = null;
    try { response = await put(url, file); } catch { response = null; }
    if (response?.status === 401) return location.assign(loginUrl());
    if (response?.ok) return location.reload();
    const body = response ? await response.json().catch(() => null) : { message_zh: t("js.error.network"), message_en: t("js.error.network") };
    return showError(form, "file", errorText(body));
  });
});
