// 运单轨迹: a WaybillDetail (GET /api/{mine|regulator|driver}/waybills/…) on a GeoMap — the corridor
// as a light band, origin and destination fences, the simplified track, events coloured by kind — with
// its facts (status, distance, duration) and the event list. An open waybill refreshes every 15 s.
// Also the waybill lists ([data-waybill-list]): pages of GET /api/{app}/waybills with a status filter.
import { api, errorText, lang, loginUrl, t } from "./api.js";
import { GeoMap, bboxOf, coordsOf, localTime } from "./geomap.js";

const REFRESH_MS = 15000;
const STATUS_BADGE = { open: "info", arrived: "ok", received: "ok", cancelled: "muted" };

export function km(metres) {
  return metres == null ? "—" : `${(metres / 1000).toFixed(metres < 10000 ? 2 : 1)} km`;
}

export function duration(seconds) {
  if (seconds == null) return "—";
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  return h ? t("js.gps.hm").replace("{h}", h).replace("{m}", minutes % 60) : t("js.gps.m").replace("{m}", minutes);
}

function node(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}

function statusBadge(status) {
  return node("span", `badge ${STATUS_BADGE[status] || "muted"}`, t(`js.wb.status.${status}`));
}

function kindLabel(kind) {
  const text = t(`js.gps.kind.${kind}`);
  return text.startsWith("js.") ? kind : text;
}

function waybillBbox(w) {
  const dest = w.destination || {};
  return bboxOf([
    ...coordsOf(w.corridor), ...coordsOf(w.track), ...coordsOf(w.origin?.fence), ...coordsOf(dest.fence),
    ...(Number.isFinite(dest.lon) ? [[dest.lon, dest.lat]] : []),
    ...(w.events || []).map((e) => [e.lon, e.lat]),
  ]);
}

function drawWaybill(layer, w) {
  const dest = w.destination || {};
  layer.polygon(w.corridor, "corridor");
  if (w.origin?.fence) layer.polygon(w.origin.fence, "site origin", { label: w.origin.name });
  if (dest.fence) layer.polygon(dest.fence, "site dest", { label: dest.name });
  else if (Number.isFinite(dest.lon)) {
    layer.circle(dest.lon, dest.lat, "dest-point", { r: 7, title: dest.name });
    layer.text(dest.lon, dest.lat, dest.name || "", "area-label", { dy: -12 });
  }
  layer.line(w.track, "track");
  // Where the truck is now (the track's last point), while the load is on the road.
  const pts = coordsOf(w.track);
  if (w.status === "open" && pts.length >= 2) {
    const [a, b] = pts.slice(-2);
    const course = (Math.atan2((b[0] - a[0]) * Math.cos((b[1] * Math.PI) / 180), b[1] - a[1]) * 180) / Math.PI;
    layer.arrow(b[0], b[1], course, "truck", { label: w.plate, attrs: { "data-plate": w.plate } });
  }
  (w.events || []).forEach((e, i) => {
    layer.circle(e.lon, e.lat, `ev ev-${e.kind}${e.status === "withdrawn" ? " withdrawn" : ""}`, {
      r: 7, title: `${localTime(e.at)} ${kindLabel(e.kind)}`, attrs: { "data-kind": e.kind, "data-index": i },
    });
  });
}

/** Length of a LineString in metres (local projection per segment; the simplified track, so a little short). */
export function lengthM(line) {
  const pts = coordsOf(line);
  let total = 0;
  for (let i = 1; i < pts.length; i += 1) {
    const [lon0, lat0] = pts[i - 1];
    const [lon1, lat1] = pts[i];
    const kx = 111320 * Math.cos((((lat0 + lat1) / 2) * Math.PI) / 180);
    total += Math.hypot((lon1 - lon0) * kx, (lat1 - lat0) * 110574);
  }
  return total;
}

function facts(box, w) {
  // An open waybill has no final figures yet: the distance so far (from the track) and the time since departure.
  const open = w.status === "open";
  const distanceM = w.distanceM ?? (open ? lengthM(w.track) : null);
  const durationS = w.durationS ?? (open && w.departedAt ? (Date.now() - new Date(w.departedAt).getTime()) / 1000 : null);
  const cells = [
    [km(distanceM), t(open ? "js.wb.distanceSoFar" : "js.wb.distance")],
    [duration(durationS), t(open ? "js.wb.durationSoFar" : "js.wb.duration")],
    [localTime(w.departedAt) || "—", t("js.wb.departed")], [localTime(w.arrivedAt) || "—", t("js.wb.arrived")],
  ];
  box.replaceChildren(...cells.map(([value, label]) => {
    const cell = node("div");
    cell.append(node("b", "", value), node("span", "", label));
    return cell;
  }));
}

function eventList(list, w) {
  const events = [...(w.events || [])].sort((a, b) => String(a.at).localeCompare(String(b.at)));
  if (!events.length) {
    list.replaceChildren(node("li", "empty", t("js.wb.noEvents")));
    return;
  }
  list.replaceChildren(...events.map((e) => {
    const li = node("li", `ev-${e.kind}${e.status === "withdrawn" ? " withdrawn" : ""}`);
    li.dataset.kind = e.kind;
    const what = node("div", "main what");
    what.append(node("div", "title", kindLabel(e.kind)));
    const message = lang() === "en" ? e.messageEn || e.messageZh : e.messageZh || e.messageEn;
    if (message) what.append(node("div", "sub msg", message));
    if (e.status === "withdrawn") what.append(node("div", "sub", t("js.wb.withdrawn")));
    li.append(node("span", "ev-dot"), node("span", "when", localTime(e.at)), what);
    return li;
  }));
}

function legend(box, w) {
  const kinds = [...new Set((w.events || []).map((e) => e.kind))];
  const items = [["corridor", t("js.wb.corridor")], ["track", t("js.wb.track")]];
  box.replaceChildren(...items.map(([cls, label]) => {
    const span = node("span");
    span.append(node("i", cls), label);
    return span;
  }), ...kinds.map((kind) => {
    const span = node("span", `ev-${kind}`);
    span.append(node("i", "ev-dot"), kindLabel(kind));
    return span;
  }));
}

function bindDetail(root) {
  const map = new GeoMap(root.querySelector("svg.geomap"));
  map.bindButtons(root.querySelector(".map-tools"));
  const part = (name) => root.querySelector(`[data-${name}]`);
  // "No current waybill" (the driver's page) sits beside the root, which it replaces.
  const none = document.querySelector("[data-wb-none]");
  let fitted = false;

  function show(w) {
    root.hidden = false;
    if (none) none.hidden = true;
    part("wb-no").textContent = w.waybillNo;
    part("wb-status").replaceChildren(statusBadge(w.status));
    const route = part("wb-route");
    route.replaceChildren(node("span", "", w.origin?.name || "—"), node("span", "muted", "→"), node("span", "", w.destination?.name || "—"));
    part("wb-plate").textContent = w.plate || "";
    part("wb-refs").textContent = [w.orderNo, w.ticketNo].filter(Boolean).join(" · ");
    facts(part("wb-facts"), w);
    part("wb-points").textContent = t("js.wb.points").replace("{n}", w.trackPoints ?? 0);
    if (!fitted) { map.fit(waybillBbox(w)); fitted = true; }
    map.scene((layer) => drawWaybill(layer, w));
    legend(part("legend"), w);
    eventList(part("events"), w);
    root.dataset.status = w.status;
  }

  async function load() {
    const { ok, status, data } = await api(root.dataset.api);
    if (status === 401) { location.href = loginUrl(); return null; }
    if (status === 404 && none) {
      root.hidden = true;
      none.hidden = false;
      return null;
    }
    const error = part("error");
    error.hidden = ok;
    if (!ok) { error.textContent = errorText(data); return null; }
    show(data);
    return data;
  }

  async function tick() {
    const w = document.hidden ? { status: root.dataset.status } : await load();
    if (!w || w.status === "open") setTimeout(tick, REFRESH_MS);
  }

  const inline = document.getElementById("waybill-data");
  const first = inline ? JSON.parse(inline.textContent) : null;
  if (first) {
    show(first);
    if (first.status === "open") setTimeout(tick, REFRESH_MS);
  } else {
    tick();
  }
}

function bindList(root) {
  const list = root.querySelector("[data-items]");
  const more = root.querySelector("[data-more]");
  const total = root.querySelector("[data-total]");
  const filter = root.querySelector("[data-filter]");
  const app = root.dataset.app;
  let offset = 0;

  function row(w) {
    const li = node("li");
    const main = node("a", "main");
    main.href = `/${app}/waybills/${encodeURIComponent(w.waybillNo)}`;
    main.append(node("div", "title", w.waybillNo));
    const from = w.originName || w.origin?.name || "";
    const to = w.destinationName || w.destination?.name || "";
    main.append(node("div", "sub", [w.plate, from && to ? `${from} → ${to}` : from || to, localTime(w.departedAt)].filter(Boolean).join(" · ")));
    const side = node("div", "row");
    side.append(node("span", "small muted", km(w.distanceM)), statusBadge(w.status));
    li.append(main, side);
    return li;
  }

  async function load(reset) {
    if (reset) offset = 0;
    const query = new URLSearchParams({ offset: String(offset), limit: "20" });
    if (filter?.value) query.set("status", filter.value);
    const { ok, status, data } = await api(`${root.dataset.api}?${query}`);
    if (status === 401) { location.href = loginUrl(); return; }
    if (!ok) { list.replaceChildren(node("li", "empty", errorText(data))); return; }
    const rows = (data.items || []).map(row);
    if (reset) list.replaceChildren(...rows);
    else list.append(...rows);
    if (reset && !rows.length) list.replaceChildren(node("li", "empty", t("js.wb.none")));
    offset += rows.length;
    total.textContent = String(data.total ?? rows.length);
    more.hidden = offset >= (data.total ?? 0);
  }

  filter?.addEventListener("change", () => {
    const here = new URL(location.href);
    if (filter.value) here.searchParams.set("status", filter.value); else here.searchParams.delete("status");
    history.replaceState(null, "", here);
    load(true);
  });
  more.addEventListener("click", () => load(false));
  load(true);
}

document.querySelectorAll("[data-waybill]").forEach(bindDetail);
document.querySelectorAll("[data-waybill-list]").forEach(bindList);
