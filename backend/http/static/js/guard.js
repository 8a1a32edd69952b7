// 人工门岗: the guard's pass check. A hardware scanner types the code and Enter into the code field;
// phones with a camera and the BarcodeDetector API can scan instead. Every decision is the server's.
import { api, errorText, lang, t } from "./api.js";

const form = document.getElementById("guard");
const result = document.querySelector("[data-result]");
const verdict = document.querySelector("[data-verdict]");
const detail = document.querySelector("[data-detail]");
const code = form.querySelector("#g-code");
const plate = form.querySelector("#g-plate");
const verifyButton = form.querySelector("[data-verify]");
const scanButton = form.querySelector("[data-scan]");
const video = form.querySelector("[data-camera]");
let transition = "in";
let busy = false;

for (const tab of form.querySelectorAll("[data-transition]")) {
  tab.addEventListener("click", () => {
    transition = tab.dataset.transition;
    for (const other of form.querySelectorAll("[data-transition]")) {
      other.setAttribute("aria-selected", String(other === tab));
    }
    code.focus();
  });
}

function show(ok, title, lines) {
  result.hidden = false;
  result.classList.toggle("ok", ok);
  result.classList.toggle("bad", !ok);
  result.dataset.accepted = String(ok);
  verdict.textContent = `${ok ? "✓" : "✗"} ${title}`;
  detail.replaceChildren(...lines.filter(Boolean).map((line) => {
    const div = document.createElement("div");
    div.textContent = line;
    return div;
  }));
  if (navigator.vibrate) navigator.vibrate(ok ? 80 : [80, 60, 80]);
}

async function check(text) {
  if (busy || !text.trim()) return;
  busy = true;
  verifyButton.disabled = true;
  const body = { code: text.trim(), siteId: form.elements.siteId.value, transition };
  if (plate.value.trim()) body.plateRead = plate.value.trim();
  const { ok, data } = await api("/api/mine/gate/verify", { method: "POST", body });
  if (!ok) {
    show(false, errorText(data), []);
  } else {
    const message = lang() === "en" ? data.messageEn : data.messageZh;
    result.dataset.code = data.code;
    show(data.accepted, message, [
      data.plate ? `${t("js.gate.plate")} ${data.plate}` : "",
      data.orderNo ? `${t("js.gate.order")} ${data.orderNo}` : "",
    ]);
  }
  code.value = "";
  plate.value = "";
  busy = false;
  verifyButton.disabled = false;
  code.focus();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  check(code.value);
});

// The camera, where the browser can read QR codes itself (Chrome on Android does).
if ("BarcodeDetector" in window && navigator.mediaDevices) {
  scanButton.hidden = false;
  scanButton.addEventListener("click", async () => {
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const stop = () => { stream.getTracks().forEach((track) => track.stop()); video.hidden = true; };
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const codes = await detector.detect(video).catch(() => []);
      if (codes.length) { stop(); await check(codes[0].rawValue); return; }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    stop();
  });
}
verifyButton.disabled = false;
