// A ticket page: the print button (the print view is weigh.css's @media print) and the supervisor's
// 复磅授权 form, which forms.js posts to the API; its answer is shown in place.
import { lang, t } from "./api.js";

document.querySelector("[data-print]")?.addEventListener("click", () => window.print());

const form = document.querySelector("form[data-override]");
const result = document.querySelector("[data-override-result]");

function fill(key, values) {
  return Object.entries(values).reduce((text, [k, v]) => text.replaceAll(`{${k}}`, v), t(key));
}

form?.addEventListener("mt:done", (event) => {
  event.preventDefault(); // stay: the answer is the news, the ticket is unchanged until the re-weigh
  const override = event.detail.data;
  // Times as every page shows them: the coal regions' clock, whatever the device's zone.
  const until = new Date(override.validUntil).toLocaleString(lang() === "en" ? "en-GB" : "zh-CN", {
    timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  });
  result.textContent = fill("js.override.done", { kind: t(`js.weigh.kind.${override.kind}`), by: override.byLabel, until });
  result.hidden = false;
  result.dataset.kind = override.kind;
  form.reset();
});
