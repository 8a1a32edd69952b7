// The alert page's two forms that carry files: the handler's disposal (photos from the phone's camera)
// and the driver's appeal (photos or PDFs, and the positions this phone recorded while sharing its
// location, js/phonegps.js). Each file goes up first as raw bytes (PUT /api/alerts/{id}/files), then
// the disposal or appeal names them by id. The other actions are plain forms.js forms.
import { api, errorText, loginUrl, refreshSession, t } from "./api.js";
import { clearErrors, showError } from "./forms.js";
import { recordedTrack } from "./phonegps.js";

const MAX_FILE_BYTES = 10 * 1024 * 1024; // the server's limit
const MAX_TRACK_POINTS = 5000;

async function put(url, file) {
  const headers = { "X-Requested-With": "fetch", Accept: "application/json",
    "Content-Type": file.type || "application/octet-stream" };
  const send = () => fetch(url, { method: "PUT", headers, credentials: "same-origin", body: file });
  let response = await send();
  if (response.status === 401 && await refreshSession()) response = await send();
  return response;
}

// Uploads the chosen files; resolves to their ids, or null after showing why one failed.
async function uploadAll(form, alertId, input) {
  const files = [...input.files];
  const progress = form.querySelector("[data-progress]");
  const ids = [];
  for (const [i, file] of files.entries()) {
    if (file.size > MAX_FILE_BYTES) {
      showError(form, input.name, `${file.name}: ${t("js.error.generic")}`);
      return null;
    }
    progress.textContent = t("js.alert.uploading").replace("{i}", i + 1).replace("{n}", files.length);
    const url = `/api/alerts/${alertId}/files?purpose=${input.dataset.purpose}&name=${encodeURIComponent(file.name.slice(0, 120).replace(/[/\\\x00-\x1f\x7f]/g, "_"))}`;
    let response = null;
    try { response = await put(url, file); } catch { response = null; }
    if (response?.status === 401) { location.assign(loginUrl()); return null; }
    const body = response ? await response.json().catch(() => null) : null;
    if (!response?.ok) {
      progress.textContent = "";
      showError(form, input.name, body ? errorText(body) : t("js.error.network"));
      return null;
    }
    ids.push(body.id);
  }
  progress.textContent = "";
  return ids;
}

function previews(form) {
  const input = form.querySelector("input[type=file]");
  const box = form.querySelector("[data-previews]");
  input.addEventListener("change", () => {
    box.replaceChildren(...[...input.files].map((file) => {
      const item = document.createElement("span");
      item.className = "thumb";
      if (file.type.startsWith("image/")) {
        const img = document.createElement("img");
        img.alt = file.name;
        img.src = URL.createObjectURL(file);
        item.append(img);
      }
      item.append(document.createTextNode(file.name));
      return item;
    }));
  });
}

function busy(form, on) {
  const button = form.querySelector("[type=submit]");
  button.disabled = on;
  if (on) button.setAttribute("aria-busy", "true"); else button.removeAttribute("aria-busy");
}

async function send(form, alertId, url, body) {
  const input = form.querySelector("input[type=file]");
  clearErrors(form);
  busy(form, true);
  try {
    const fileIds = await uploadAll(form, alertId, input);
    if (fileIds === null) return;
    const result = await api(url, { method: "POST", body: { ...body(), fileIds } });
    if (result.status === 401) { location.assign(loginUrl()); return; }
    if (!result.ok) {
      // A field named in the error may be "fileIds[0]": the file input holds those.
      const field = result.data?.field?.startsWith("fileIds") ? "fileIds" : result.data?.field;
      showError(form, field, errorText(result.data));
      return;
    }
    location.reload();
  } finally {
    busy(form, false);
  }
}

document.querySelectorAll("form[data-alert-dispose]").forEach((form) => {
  const alertId = form.dataset.alertDispose;
  previews(form);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(form, alertId, `/api/alerts/${alertId}/dispose`, () => ({
      cause: form.elements.cause.value.trim(), measures: form.elements.measures.value.trim() }));
  });
});

document.querySelectorAll("form[data-alert-appeal]").forEach((form) => {
  const alertId = form.dataset.alertAppeal;
  previews(form);
  const track = recordedTrack(Number(form.dataset.fromS), Number(form.dataset.toS)).slice(-MAX_TRACK_POINTS);
  const status = form.querySelector("[data-track-status]");
  if (track.length) {
    form.querySelector("[data-track-box]").hidden = false;
    status.textContent = t("js.alert.trackSome").replace("{n}", track.length);
  } else {
    status.textContent = t("js.alert.trackNone");
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(form, alertId, `/api/alerts/${alertId}/appeals`, () => ({
      note: form.elements.note.value.trim(), track: form.elements.track.checked ? track : [] }));
  });
});
