// A map without tiles: GeoJSON drawn on SVG in a local metric projection (equirectangular, scaled by
// cos(latitude) at the view's centre; exact enough over a few tens of km), fitted to a bbox, with a
// scale bar in km, a north arrow, and pan/zoom (buttons, wheel, drag, pinch). Everything is redrawn
// from the scene on each move, so markers and labels keep their size at every zoom.
import { t } from "./api.js";
import { Layer, el } from "./geoshapes.js";

export { bboxOf, coordsOf, el, localTime, polygons } from "./geoshapes.js";

const M_PER_DEG_LAT = 110574;
const M_PER_DEG_LON = 111320;
const MIN_SPAN_M = 200; // never zoom in further than this across the narrow side

function niceLength(target) {
  const t0 = Math.max(target, 1) * 1.001;
  const power = 10 ** Math.floor(Math.log10(t0));
  return [5, 2, 1].map((s) => s * power).find((v) => v <= t0);
}

export class GeoMap {
  /** svg: an <svg viewBox="0 0 W H">; draw(layer) fills the scene (see the layer methods below). */
  constructor(svg, { pad = 36 } = {}) {
    this.svg = svg;
    [, , this.width, this.height] = svg.getAttribute("viewBox").split(/\s+/).map(Number);
    this.pad = pad;
    this.draw = () => {};
    this.home = null;
    this.view = null; // {cx, cy (m from the origin), k (px per m)}
    this.prefix = svg.id || `map${Math.random().toString(36).slice(2, 8)}`;
    this.bindGestures();
  }

  /** Fit the view to [minLon, minLat, maxLon, maxLat] (kept as "home" for the reset button). The
   * map's height follows the data's shape (within `minHeight`..`maxHeight`), so a long east-west
   * route is not a thin band in a tall empty box. */
  fit(bbox, { minHeight = 240, maxHeight = 460 } = {}) {
    if (!bbox) return;
    const [w, s, e, n] = bbox;
    this.lon0 = (w + e) / 2;
    this.lat0 = (s + n) / 2;
    this.kx = M_PER_DEG_LON * Math.cos((this.lat0 * Math.PI) / 180);
    const spanX = Math.max((e - w) * this.kx, MIN_SPAN_M);
    const spanY = Math.max((n - s) * M_PER_DEG_LAT, MIN_SPAN_M);
    const wanted = (this.width - 2 * this.pad) * (spanY / spanX) + 2 * this.pad;
    this.height = Math.round(Math.min(Math.max(wanted, minHeight), maxHeight));
    this.svg.setAttribute("viewBox", `0 0 ${this.width} ${this.height}`);
    const k = Math.min((this.width - 2 * this.pad) / spanX, (this.height - 2 * this.pad) / spanY);
    this.view = { cx: 0, cy: 0, k };
    this.home = { ...this.view };
  }

  fitted() { return this.view !== null; }

  toPx(lon, lat) {
    const { cx, cy, k } = this.view;
    const x = (lon - this.lon0) * this.kx;
    const y = (lat - this.lat0) * M_PER_DEG_LAT;
    return [this.width / 2 + (x - cx) * k, this.height / 2 - (y - cy) * k];
  }

  /** Set what to draw and draw it. */
  scene(draw) {
    this.draw = draw;
    this.redraw();
  }

  redraw() {
    this.svg.replaceChildren(this.defs());
    if (!this.view) return;
    const layer = new Layer(this);
    this.draw(layer);
    this.decorate();
  }

  defs() {
    const defs = el("defs");
    const hatch = el("pattern", { id: `${this.prefix}-hatch`, width: 8, height: 8, patternUnits: "userSpaceOnUse",
      patternTransform: "rotate(45)" });
    hatch.append(el("rect", { width: 8, height: 8, fill: "#e5e7eb" }), el("line", { x1: 0, y1: 0, x2: 0, y2: 8, class: "hatch-line" }));
    defs.append(hatch);
    return defs;
  }

  decorate() {
    const { k } = this.view;
    const barM = niceLength((this.width / 3) / k);
    const barPx = barM * k;
    const label = barM >= 1000 ? `${barM / 1000} km` : `${barM} m`;
    const scale = el("g", { class: "scale", transform: `translate(12 ${this.height - 14})` });
    scale.append(el("rect", { x: -6, y: -14, width: barPx + 58, height: 24, rx: 6, class: "halo" }),
      el("line", { x1: 0, y1: 0, x2: barPx, y2: 0 }), el("line", { x1: 0, y1: -5, x2: 0, y2: 0 }),
      el("line", { x1: barPx, y1: -5, x2: barPx, y2: 0 }), el("text", { x: barPx + 6, y: 4 }, label));
    const north = el("g", { class: "north", transform: `translate(${this.width - 20} 12)` });
    north.append(el("path", { class: "head", d: "M0 0 L7 16 L0 12 L-7 16 Z" }),
      el("text", { x: 0, y: 29, "text-anchor": "middle" }, t("js.fence.north")));
    this.svg.append(scale, north);
  }

  /** Zoom by `factor` about the pixel (px, py) (the centre when omitted). */
  zoom(factor, px = this.width / 2, py = this.height / 2) {
    if (!this.view) return;
    const { cx, cy, k } = this.view;
    const maxK = Math.min(this.width, this.height) / MIN_SPAN_M;
    const minK = this.home.k / 8;
    const k2 = Math.min(Math.max(k * factor, minK), maxK);
    // Keep the ground under (px, py) where it is.
    const gx = cx + (px - this.width / 2) / k;
    const gy = cy - (py - this.height / 2) / k;
    this.view = { cx: gx - (px - this.width / 2) / k2, cy: gy + (py - this.height / 2) / k2, k: k2 };
    this.redraw();
  }

  pan(dxPx, dyPx) {
    if (!this.view) return;
    this.view = { ...this.view, cx: this.view.cx - dxPx / this.view.k, cy: this.view.cy + dyPx / this.view.k };
    this.redraw();
  }

  /** Move the view so (lon, lat) is in the middle, at the current zoom. */
  centreOn(lon, lat) {
    if (!this.view || !Number.isFinite(lon) || !Number.isFinite(lat)) return;
    this.view = { ...this.view, cx: (lon - this.lon0) * this.kx, cy: (lat - this.lat0) * M_PER_DEG_LAT };
    this.redraw();
  }

  reset() {
    if (!this.home) return;
    this.view = { ...this.home };
    this.redraw();
  }

  /** Client pixels → viewBox units. */
  local(clientX, clientY) {
    const box = this.svg.getBoundingClientRect();
    return [((clientX - box.left) / box.width) * this.width, ((clientY - box.top) / box.height) * this.height];
  }

  bindGestures() {
    const pointers = new Map();
    let pinch = null;
    this.svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      this.zoom(event.deltaY < 0 ? 1.25 : 0.8, ...this.local(event.clientX, event.clientY));
    }, { passive: false });
    this.svg.addEventListener("pointerdown", (event) => {
      pointers.set(event.pointerId, this.local(event.clientX, event.clientY));
      this.svg.setPointerCapture?.(event.pointerId);
    });
    const end = (event) => { pointers.delete(event.pointerId); pinch = null; };
    this.svg.addEventListener("pointerup", end);
    this.svg.addEventListener("pointercancel", end);
    this.svg.addEventListener("pointermove", (event) => {
      if (!pointers.has(event.pointerId)) return;
      const now = this.local(event.clientX, event.clientY);
      if (pointers.size === 1) {
        const [x0, y0] = pointers.get(event.pointerId);
        pointers.set(event.pointerId, now);
        this.pan(now[0] - x0, now[1] - y0);
        return;
      }
      pointers.set(event.pointerId, now);
      const [a, b] = [...pointers.values()];
      const dist = Math.hypot(a[0] - b[0], a[1] - b[1]);
      if (pinch) this.zoom(dist / pinch, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
      pinch = dist;
    });
  }

  /** Wire the +, −, and fit buttons of a .map-tools box. */
  bindButtons(box) {
    if (!box) return;
    box.querySelector("[data-zoom-in]")?.addEventListener("click", () => this.zoom(1.5));
    box.querySelector("[data-zoom-out]")?.addEventListener("click", () => this.zoom(1 / 1.5));
    box.querySelector("[data-zoom-fit]")?.addEventListener("click", () => this.reset());
  }
}
