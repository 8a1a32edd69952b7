// E-fences without map tiles: a local metric projection around the fence (equirectangular, exact
// enough for a few km), a scale bar and a north arrow. Also the editor: paste GeoJSON or click
// vertices on a metric grid centred at a lon/lat, with a live preview. Mirrors pages.fence_view.
import { t } from "./api.js";

const SVG = "http://www.w3.org/2000/svg";
const M_PER_DEG_LAT = 110574;
const M_PER_DEG_LON = 111320;

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function rings(geo) {
  if (!geo || typeof geo !== "object") return [];
  if (geo.type === "Feature") return rings(geo.geometry);
  const polygons = geo.type === "Polygon" ? [geo.coordinates] : geo.type === "MultiPolygon" ? geo.coordinates : [];
  return (polygons || []).flatMap((p) => (Array.isArray(p) ? p : [])).filter((r) => Array.isArray(r) && r.length >= 3);
}

function projector(lon0, lat0) {
  const kx = M_PER_DEG_LON * Math.cos((lat0 * Math.PI) / 180);
  return {
    toM: (lon, lat) => [(lon - lon0) * kx, (lat - lat0) * M_PER_DEG_LAT],
    toLonLat: (x, y) => [lon0 + x / kx, lat0 + y / M_PER_DEG_LAT],
  };
}

/** Area in m² (exterior rings minus holes, by the shoelace formula in the local projection). */
export function areaM2(geo) {
  const all = rings(geo);
  if (!all.length) return 0;
  const pts = all.flat();
  const lons = pts.map((p) => p[0]);
  const lats = pts.map((p) => p[1]);
  const { toM } = projector((Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2);
  const polygons = geo.type === "MultiPolygon" ? geo.coordinates : [geo.type === "Feature" ? geo.geometry.coordinates : geo.coordinates];
  let total = 0;
  polygons.forEach((polygon) => polygon.forEach((ring, i) => {
    let twice = 0;
    const m = ring.map((p) => toM(p[0], p[1]));
    for (let k = 0; k < m.length - 1; k += 1) twice += m[k][0] * m[k + 1][1] - m[k + 1][0] * m[k][1];
    total += (i === 0 ? 1 : -1) * Math.abs(twice / 2);
  }));
  return total;
}

function niceLength(target) {
  const t0 = Math.max(target, 1) * 1.001;
  const power = 10 ** Math.floor(Math.log10(t0));
  return [5, 2, 1].map((s) => s * power).find((v) => v <= t0);
}

function decorate(svg, width, height, barPx, barM) {
  const label = barM >= 1000 ? `${barM / 1000} km` : `${barM} m`;
  const scale = el("g", { class: "scale", transform: `translate(14 ${height - 16})` });
  scale.append(el("line", { x1: 0, y1: 0, x2: barPx, y2: 0 }), el("line", { x1: 0, y1: -5, x2: 0, y2: 0 }),
    el("line", { x1: barPx, y1: -5, x2: barPx, y2: 0 }), el("text", { x: barPx + 6, y: 4 }, label));
  const north = el("g", { class: "north", transform: `translate(${width - 22} 14)` });
  north.append(el("path", { class: "head", d: "M0 0 L7 16 L0 12 L-7 16 Z" }),
    el("text", { x: 0, y: 30, "text-anchor": "middle" }, t("js.fence.north")));
  svg.append(scale, north);
}

/** Draw a fence fitted to the SVG's viewBox. Returns false when there is nothing to draw. */
export function drawFence(svg, geo, pad = 28) {
  const [, , width, height] = svg.getAttribute("viewBox").split(/\s+/).map(Number);
  svg.replaceChildren();
  const all = rings(geo);
  if (!all.length) return false;
  const pts = all.flat();
  const lons = pts.map((p) => p[0]);
  const lats = pts.map((p) => p[1]);
  const { toM } = projector((Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2);
  const m = pts.map((p) => toM(p[0], p[1]));
  const spanX = Math.max(Math.max(...m.map((p) => p[0])) - Math.min(...m.map((p) => p[0])), 1);
  const spanY = Math.max(Math.max(...m.map((p) => p[1])) - Math.min(...m.map((p) => p[1])), 1);
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
  const d = all.map((ring) => `M${ring.map((p) => {
    const [x, y] = toM(p[0], p[1]);
    return `${(width / 2 + x * scale).toFixed(1)},${(height / 2 - y * scale).toFixed(1)}`;
  }).join(" L")} Z`).join(" ");
  svg.append(el("path", { class: "area", d, "fill-rule": "evenodd" }));
  const barM = niceLength(Math.max(spanX, spanY) / 3);
  decorate(svg, width, height, (barM * scale).toFixed(1), barM);
  return true;
}

function describe(geo) {
  const area = areaM2(geo);
  const count = rings(geo).reduce((n, r) => n + r.length - 1, 0);
  const size = area >= 10000 ? t("js.fence.ha").replace("{n}", (area / 10000).toFixed(1)) : t("js.fence.m2").replace("{n}", Math.round(area));
  return t("js.fence.summary").replace("{n}", count).replace("{area}", size);
}

function bindEditor(editor) {
  const textarea = editor.querySelector("textarea");
  const preview = editor.querySelector("svg[data-fence-preview]");
  const status = editor.querySelector("[data-fence-status]");
  const panel = editor.querySelector("[data-draw-panel]");
  const grid = editor.querySelector("svg[data-grid]");
  const lonInput = editor.querySelector("[data-centre-lon]");
  const latInput = editor.querySelector("[data-centre-lat]");
  const extent = editor.querySelector("[data-extent]");
  const count = editor.querySelector("[data-vertex-count]");
  let vertices = [];

  function parsed() {
    const raw = textarea.value.trim();
    if (!raw) return { geo: null };
    try { return { geo: JSON.parse(raw) }; } catch { return { error: t("js.error.json") }; }
  }

  function refreshPreview() {
    const { geo, error } = parsed();
    status.classList.remove("status-bad");
    if (error) {
      preview.replaceChildren();
      status.textContent = error;
      status.classList.add("status-bad");
    } else if (geo && drawFence(preview, geo)) {
      status.textContent = describe(geo);
    } else {
      status.textContent = geo ? t("js.fence.notPolygon") : t("js.fence.empty");
      if (geo) status.classList.add("status-bad");
    }
    drawGrid();
  }

  function gridFrame() {
    const lon0 = Number(lonInput.value);
    const lat0 = Number(latInput.value);
    const metres = Number(extent.value);
    return { lon0, lat0, metres, pxPerM: 360 / metres, ...projector(lon0, lat0) };
  }

  function drawGrid() {
    if (panel.hidden) return;
    const f = gridFrame();
    grid.replaceChildren();
    const lines = el("g", { class: "grid" });
    for (let i = 0; i <= 10; i += 1) {
      const p = i * 36;
      lines.append(el("line", { x1: p, y1: 0, x2: p, y2: 360, class: i === 5 ? "axis" : "" }),
        el("line", { x1: 0, y1: p, x2: 360, y2: p, class: i === 5 ? "axis" : "" }));
    }
    grid.append(lines);
    const toPx = (lon, lat) => {
      const [x, y] = f.toM(lon, lat);
      return [180 + x * f.pxPerM, 180 - y * f.pxPerM];
    };
    const { geo } = parsed();
    rings(geo).forEach((ring) => {
      grid.append(el("path", { class: "area", d: `M${ring.map((p) => toPx(p[0], p[1]).map((v) => v.toFixed(1)).join(",")).join(" L")} Z`, opacity: 0.5 }));
    });
    if (vertices.length) {
      const pts = vertices.map((v) => toPx(v[0], v[1]));
      grid.append(el("polyline", { class: "draft", points: pts.map((p) => p.join(",")).join(" ") }));
      pts.forEach(([x, y]) => grid.append(el("circle", { class: "vertex", cx: x, cy: y, r: 5 })));
    }
    const step = f.metres / 10;
    grid.append(el("text", { x: 8, y: 352 }, t("js.fence.gridStep").replace("{m}", step >= 1000 ? `${step / 1000} km` : `${step} m`)));
    const north = el("g", { class: "north", transform: "translate(338 14)" });
    north.append(el("path", { class: "head", d: "M0 0 L7 16 L0 12 L-7 16 Z" }), el("text", { x: 0, y: 30, "text-anchor": "middle" }, t("js.fence.north")));
    grid.append(north);
    count.textContent = t("js.fence.vertices").replace("{n}", vertices.length);
  }

  grid.addEventListener("click", (event) => {
    const point = grid.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const { x, y } = point.matrixTransform(grid.getScreenCTM().inverse());
    const f = gridFrame();
    const [lon, lat] = f.toLonLat((x - 180) / f.pxPerM, (180 - y) / f.pxPerM);
    vertices.push([Number(lon.toFixed(7)), Number(lat.toFixed(7))]);
    drawGrid();
  });
  editor.querySelector("[data-draw]").addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    drawGrid();
  });
  editor.querySelector("[data-undo]").addEventListener("click", () => { vertices.pop(); drawGrid(); });
  editor.querySelector("[data-clear]").addEventListener("click", () => { vertices = []; drawGrid(); });
  editor.querySelector("[data-close]").addEventListener("click", () => {
    if (vertices.length < 3) {
      status.textContent = t("js.fence.needThree");
      status.classList.add("status-bad");
      return;
    }
    const ring = [...vertices, vertices[0]];
    textarea.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    vertices = [];
    refreshPreview();
  });
  [lonInput, latInput, extent].forEach((input) => input.addEventListener("input", drawGrid));
  textarea.addEventListener("input", refreshPreview);
  refreshPreview();
}

document.querySelectorAll("[data-fence-editor]").forEach(bindEditor);
