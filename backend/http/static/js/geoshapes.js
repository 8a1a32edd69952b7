// The drawing half of js/geomap.js: GeoJSON helpers, Asia/Shanghai times, and the Layer a map's
// scene draws with (polygons, lines, circles, course arrows, labels), projected by its GeoMap.
const SVG = "http://www.w3.org/2000/svg";

export function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  Object.entries(attrs).forEach(([k, v]) => { if (v !== undefined && v !== null) node.setAttribute(k, v); });
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The polygons of a GeoJSON Polygon / MultiPolygon (or a Feature of one), as lists of rings. */
export function polygons(geo) {
  if (!geo || typeof geo !== "object") return [];
  if (geo.type === "Feature") return polygons(geo.geometry);
  if (geo.type === "Polygon") return [geo.coordinates || []];
  if (geo.type === "MultiPolygon") return geo.coordinates || [];
  return [];
}

/** Every [lon, lat] of a geometry, whatever its type. */
export function coordsOf(geo) {
  if (!geo || typeof geo !== "object") return [];
  if (geo.type === "Feature") return coordsOf(geo.geometry);
  if (geo.type === "Point") return [geo.coordinates];
  if (geo.type === "LineString" || geo.type === "MultiPoint") return geo.coordinates || [];
  if (geo.type === "MultiLineString") return (geo.coordinates || []).flat();
  return polygons(geo).flat(2);
}

/** [minLon, minLat, maxLon, maxLat] of some [lon, lat] points; null when there are none. */
export function bboxOf(points) {
  const ok = points.filter((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (!ok.length) return null;
  const lons = ok.map((p) => p[0]);
  const lats = ok.map((p) => p[1]);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

const TZ = "Asia/Shanghai"; // times are stored in UTC and read as the coal regions' clocks
const dayOf = new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" });

/** An ISO time as HH:MM (or HH:MM:SS) in Asia/Shanghai, with MM-DD in front when not today. */
export function localTime(iso, seconds = false) {
  if (!iso) return "";
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return "";
  const clock = new Intl.DateTimeFormat("en-GB", { timeZone: TZ, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    ...(seconds ? { second: "2-digit" } : {}) }).format(when);
  const day = dayOf.format(when);
  return day === dayOf.format(new Date()) ? clock : `${day.slice(5)} ${clock}`;
}


/** What a scene draws with: each method projects and appends; classes style (css/geomap.css). */
export class Layer {
  constructor(map) {
    this.map = map;
    this.shapes = el("g", { class: "shapes" });
    this.marks = el("g", { class: "marks" });
    this.labels = el("g", { class: "labels" });
    map.svg.append(this.shapes, this.marks, this.labels);
  }

  path(points, close) {
    return `M${points.map((p) => this.map.toPx(p[0], p[1]).map((v) => v.toFixed(1)).join(",")).join(" L")}${close ? " Z" : ""}`;
  }

  /** How wide a geometry is drawn, in px (to leave out labels that would not fit). */
  widthPx(geo) {
    const box = bboxOf(coordsOf(geo));
    if (!box) return 0;
    return Math.abs(this.map.toPx(box[2], box[1])[0] - this.map.toPx(box[0], box[1])[0]);
  }

  /** A polygon (or multipolygon); `label` at the middle of its largest ring's bounding box, or just
   * above it when the shape is drawn too small to hold it. */
  polygon(geo, cls, { label, hatch = false, attrs = {} } = {}) {
    const polys = polygons(geo);
    if (!polys.length) return null;
    const d = polys.flatMap((rings) => rings.filter((r) => r.length >= 3).map((r) => this.path(r, true))).join(" ");
    const node = el("path", { class: cls, d, "fill-rule": "evenodd", ...attrs });
    if (hatch) node.setAttribute("fill", `url(#${this.map.prefix}-hatch)`);
    this.shapes.append(node);
    if (label) {
      const outer = polys.map((rings) => rings[0] || []).sort((a, b) => b.length - a.length)[0];
      const box = bboxOf(outer);
      const small = this.widthPx(geo) < label.length * 14 + 16;
      if (box) {
        this.text((box[0] + box[2]) / 2, small ? box[3] : (box[1] + box[3]) / 2, label, `area-label ${cls.split(" ")[0]}-label`,
          { dy: small ? -8 : 4 });
      }
    }
    return node;
  }

  line(geo, cls) {
    const pts = coordsOf(geo);
    if (pts.length < 2) return null;
    const node = el("path", { class: cls, d: this.path(pts, false) });
    this.shapes.append(node);
    return node;
  }

  circle(lon, lat, cls, { r = 6, title, attrs = {} } = {}) {
    const [x, y] = this.map.toPx(lon, lat);
    const node = el("circle", { class: cls, cx: x.toFixed(1), cy: y.toFixed(1), r, ...attrs });
    if (title) node.append(el("title", {}, title));
    this.marks.append(node);
    return node;
  }

  /** A vehicle: an arrow pointing along `courseDeg` (0 = north, clockwise), with its plate beside. */
  arrow(lon, lat, courseDeg, cls, { label, title, attrs = {} } = {}) {
    const [x, y] = this.map.toPx(lon, lat);
    const g = el("g", { class: cls, transform: `translate(${x.toFixed(1)} ${y.toFixed(1)})`, ...attrs });
    g.append(el("path", { class: "body", d: "M0 -11 L8 9 L0 4 L-8 9 Z", transform: `rotate(${Number(courseDeg) || 0})` }));
    if (title) g.append(el("title", {}, title));
    this.marks.append(g);
    // The plate to the right of the arrow, or to its left near the right edge (it would be cut off).
    const flip = x > this.map.width - 84;
    if (label) {
      this.text(lon, lat, label, `plate-label${cls.includes("stale") ? " stale" : ""}`,
        { dx: flip ? -12 : 12, dy: -8, anchor: flip ? "end" : "start" });
    }
    return g;
  }

  text(lon, lat, text, cls, { dx = 0, dy = 0, anchor = "middle" } = {}) {
    const [x, y] = this.map.toPx(lon, lat);
    const node = el("text", { class: cls, x: (x + dx).toFixed(1), y: (y + dy).toFixed(1), "text-anchor": anchor }, text);
    this.labels.append(node);
    return node;
  }
}
