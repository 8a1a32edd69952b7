// 车辆实时位置: the LiveMap JSON (GET /api/{mine|regulator}/tracking/live) on a GeoMap, and the trucks
// listed beside it. Refreshes every 5 s while the tab is seen (no page reload); keeps the reader's
// zoom between refreshes and fits again only when the site or region changes.
import { api, errorText, lang, loginUrl, t } from "./api.js";
import { GeoMap, bboxOf, coordsOf, localTime } from "./geomap.js";

const REFRESH_MS = 5000;

function dataBbox(live) {
  if (Array.isArray(live.bbox) && live.bbox.length === 4 && live.bbox.every(Number.isFinite)) return live.bbox;
  const pts = [...(live.sites || []).flatMap((s) => coordsOf(s.fence)), ...(live.vehicles || []).map((v) => [v.lon, v.lat])];
  return bboxOf(pts);
}

function drawLive(layer, live, picked) {
  (live.zones || []).forEach((z) => {
    layer.polygon(z.geometry, `zone ${z.kind}`, { hatch: z.kind === "coverage_hole", label: z.name });
  });
  (live.sites || []).forEach((s) => {
    layer.polygon(s.fence, "site", { label: s.name, attrs: { "data-site": s.id } });
    // Gate names only when the yard is drawn large enough for them not to pile up on its name.
    const roomy = layer.widthPx(s.fence) > 160;
    (s.exits || []).forEach((x) => {
      const kind = x.designated ? "designated" : "other";
      const title = `${x.name || ""} · ${t(x.designated ? "js.gps.exit.designated" : "js.gps.exit.other")}`;
      layer.circle(x.lon, x.lat, `exit ${kind}`, { r: 6, title });
      if (x.name && roomy) layer.text(x.lon, x.lat, x.name, "exit-label", { dy: -10 });
    });
  });
  // Stale trucks under live ones, so a live one is never hidden by a greyed one.
  const trucks = [...(live.vehicles || [])].sort((a, b) => Number(b.stale) - Number(a.stale));
  trucks.forEach((v) => {
    const cls = `truck${v.stale ? " stale" : ""}${v.source === "phone" ? " phone" : ""}${v.vehicleId === picked ? " picked" : ""}`;
    layer.arrow(v.lon, v.lat, v.courseDeg, cls, {
      label: v.plate, title: `${v.plate} ${Math.round(v.speedKmh || 0)} km/h`, attrs: { "data-plate": v.plate, "data-vehicle": v.vehicleId },
    });
  });
}

function vehicleRow(v, app, onPick) {
  const li = document.createElement("li");
  li.dataset.vehicle = v.vehicleId;
  if (v.stale) li.classList.add("stale");
  const main = document.createElement("div");
  main.className = "main";
  const line = document.createElement("div");
  line.className = "plate-line";
  const plate = document.createElement("button");
  plate.type = "button";
  plate.className = "locate plate";
  plate.textContent = v.plate;
  plate.title = t("js.gps.locate");
  plate.addEventListener("click", () => onPick(v));
  line.append(plate);
  const badge = document.createElement("span");
  badge.className = `badge ${v.stale ? "muted" : "ok"}`;
  badge.textContent = t(v.stale ? "js.gps.stale" : "js.gps.live");
  const source = document.createElement("span");
  source.className = "badge info";
  source.textContent = t(v.source === "phone" ? "js.gps.source.phone" : "js.gps.source.jt808");
  line.append(badge, source);
  const figures = document.createElement("div");
  figures.className = "figures";
  const speed = document.createElement("span");
  speed.textContent = `${Math.round(v.speedKmh || 0)} km/h`;
  const at = document.createElement("span");
  at.textContent = `${t("js.gps.fixAt")} ${localTime(v.fixAt)}`;
  figures.append(speed, at);
  main.append(line, figures);
  li.append(main);
  if (v.waybillNo) {
    const link = document.createElement("a");
    link.className = "mono small";
    link.href = `/${app}/waybills/${encodeURIComponent(v.waybillNo)}`;
    link.textContent = v.waybillNo;
    li.append(link);
  } else {
    const none = document.createElement("span");
    none.className = "small muted";
    none.textContent = t("js.gps.noWaybill");
    li.append(none);
  }
  return li;
}

function bind(root) {
  const svg = root.querySelector("svg.geomap");
  const map = new GeoMap(svg);
  map.bindButtons(root.querySelector(".map-tools"));
  const list = root.querySelector("[data-vehicles]");
  const status = root.querySelector("[data-status]");
  const count = root.querySelector("[data-count]");
  const scope = root.querySelector("[data-scope]");
  const app = root.dataset.app;
  let live = null;
  let picked = null;
  let needFit = true;
  let timer = null;

  function url() {
    const param = root.dataset.param;
    const value = scope ? scope.value : "";
    return value ? `${root.dataset.api}?${param}=${encodeURIComponent(value)}` : root.dataset.api;
  }

  function pick(v) {
    picked = v.vehicleId;
    map.centreOn(v.lon, v.lat);
    show();
  }

  function show() {
    if (needFit) {
      map.fit(dataBbox(live) || null);
      needFit = false;
    }
    map.scene((layer) => drawLive(layer, live, picked));
    const vehicles = [...(live.vehicles || [])].sort((a, b) => Number(a.stale) - Number(b.stale) || a.plate.localeCompare(b.plate, "zh"));
    list.replaceChildren(...vehicles.map((v) => vehicleRow(v, app, pick)));
    if (!vehicles.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = t("js.gps.noVehicles");
      list.append(li);
    }
    if (count) count.textContent = String(vehicles.filter((v) => !v.stale).length);
  }

  async function load() {
    const { ok, status: code, data } = await api(url());
    if (code === 401) { location.href = loginUrl(); return; }
    if (!ok) {
      status.classList.add("bad");
      status.textContent = errorText(data);
      return;
    }
    live = data;
    status.classList.remove("bad");
    status.textContent = t("js.gps.updated").replace("{time}", localTime(new Date().toISOString(), true));
    show();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!document.hidden) await load();
      schedule();
    }, REFRESH_MS);
  }

  scope?.addEventListener("change", () => {
    const here = new URL(location.href);
    here.searchParams.set(scope.name, scope.value);
    history.replaceState(null, "", here);
    needFit = true;
    picked = null;
    load();
  });
  document.addEventListener("visibilitychange", () => { if (!document.hidden) load(); });

  const inline = document.getElementById("live-data");
  if (inline) {
    live = JSON.parse(inline.textContent);
    show();
  } else {
    load();
  }
  schedule();
  root.dataset.ready = lang();
}

document.querySelectorAll("[data-livemap]").forEach(bind);
