// A QR code as crisp SVG (one path, 4-module quiet zone), from the qrcode-generator package that
// package.json pins; served from node_modules, never fetched from outside.
import qrcode from "/static/vendor/qrcode/qrcode.mjs";

const SVG = "http://www.w3.org/2000/svg";
const QUIET = 4;

/** Draw `text` into `holder` (replacing what is there); returns the module count. */
export function drawQr(holder, text, { level = "M", label = "" } = {}) {
  const code = qrcode(0, level);
  code.addData(text, "Byte");
  code.make();
  const n = code.getModuleCount();
  const size = n + 2 * QUIET;
  let d = "";
  for (let row = 0; row < n; row += 1) {
    for (let col = 0; col < n; col += 1) {
      if (code.isDark(row, col)) d += `M${col + QUIET} ${row + QUIET}h1v1h-1z`;
    }
  }
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.setAttribute("role", "img");
  if (label) svg.setAttribute("aria-label", label);
  const back = document.createElementNS(SVG, "rect");
  back.setAttribute("width", size);
  back.setAttribute("height", size);
  back.setAttribute("fill", "#fff");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  svg.append(back, path);
  holder.replaceChildren(svg);
  return n;
}
