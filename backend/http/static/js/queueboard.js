// A site's queue board (排队叫号): waiting trucks in order, called trucks with their deadlines, the
// call-next-N control and per-truck 过号. Kept live by the site's event stream; times follow the
// server's clock (the board carries `at`), so a tablet with a wrong clock still counts down right.
import { api, errorText, lang, loginUrl, refreshSession, t } from "./api.js";

const root = document.getElementById("board");
const siteId = root.dataset.siteId;
const products = JSON.parse(root.dataset.products || "{}");
const $ = (selector) => root.querySelector(selector);
const message = $("[data-board-msg]");
const liveBox = document.querySelector("[data-live]");

let board = null;
let offsetMs = 0; // server clock minus this device's
let line = new URLSearchParams(location.search).get("line") || "";
let stream = null;

const pad = (n) => String(n).padStart(2, "0");
const now = () => Date.now() + offsetMs;
function fill(key, values) {
  return Object.entries(values).reduce((text, [k, v]) => text.replaceAll(`{${k}}`, v), t(key));
}
function productName(code) {
  const pair = products[code];
  return pair ? pair[lang() === "en" ? 1 : 0] : code;
}
function say(kind, text) {
  message.hidden = !text;
  message.className = `alert ${kind}`;
  message.textContent = text || "";
}
function mmss(seconds) {
  const s = Math.abs(seconds);
  return `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-") || key.startsWith("aria-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function plate(item) {
  // As macros.html draws it: heavy trucks carry yellow plates, yellow-green when new-energy.
  return el("span", { class: `plate ${item.newEnergy ? "yellow_green" : "yellow"}`, "data-plate": item.plate },
    `${item.plate.slice(0, 2)}·${item.plate.slice(2)}`);
}

function skipButton(item) {
  const button = el("button", { class: "btn sm danger", type: "button", "data-skip": item.orderId }, t("js.board.skip"));
  button.addEventListener("click", async () => {
    if (!window.confirm(fill("js.board.skip.confirm", { plate: item.plate }))) return;
    button.disabled = true;
    const result = await api(`/api/mine/sites/${siteId}/queue/${item.orderId}/skip`, { method: "POST" });
    button.disabled = false;
    if (!result.ok) say("bad", errorText(result.data));
    else say("", "");
    refresh();
  });
  return button;
}

function currentLine() {
  const lines = board?.lines || [];
  return lines.find((l) => l.line === line) || lines[0] || null;
}

function drawTabs() {
  const lines = board?.lines || [];
  const tabs = $("[data-lines]");
  tabs.hidden = lines.length < 2;
  tabs.replaceChildren(...lines.map((l) => {
    const tab = el("button", { type: "button", role: "tab", "aria-selected": String(l.line === currentLine()?.line) },
      `${productName(l.line)} ${l.waiting.length}`);
    tab.addEventListener("click", () => {
      line = l.line;
      history.replaceState(null, "", `?line=${encodeURIComponent(line)}`);
      draw();
    });
    return tab;
  }));
}

function draw() {
  drawTabs();
  const current = currentLine();
  const waiting = current?.waiting || [];
  const called = current?.called || [];
  $("[data-call]").disabled = !current;
  root.dataset.line = current?.line || "";
  $("[data-served]").textContent = current
    ? fill("js.board.served", { n: current.servedToday, m: Math.max(1, Math.round(current.serviceIntervalS / 60)) }) : "";

  $("[data-called-count]").textContent = called.length;
  $("[data-called-empty]").hidden = called.length > 0;
  $("[data-called-list]").replaceChildren(...called.map((item, index) => el("li", { "data-order-id": item.orderId, "data-plate": item.plate },
    el("span", { class: "q-pos" }, String(index + 1)),
    el("div", { class: "q-main" },
      el("div", { class: "row" }, plate(item), item.newEnergy ? el("span", { class: "badge nev" }, t("js.board.nev")) : null),
      el("div", { class: "sub" },
        el("span", { class: "deadline", "data-deadline": item.callDeadlineAt }), " · ", fill("js.board.order", { no: item.orderNo }),
        item.requeues ? ` · ${fill("js.board.requeues", { n: item.requeues })}` : "")),
    skipButton(item))));

  $("[data-waiting-count]").textContent = waiting.length;
  $("[data-waiting-empty]").hidden = waiting.length > 0;
  $("[data-waiting-list]").replaceChildren(...waiting.map((item) => el("li", { "data-order-id": item.orderId, "data-plate": item.plate },
    el("span", { class: "q-pos" }, String(item.position)),
    el("div", { class: "q-main" },
      el("div", { class: "row" }, plate(item), item.newEnergy ? el("span", { class: "badge nev" }, t("js.board.nev")) : null),
      el("div", { class: "sub" }, fill("js.board.order", { no: item.orderNo }), " · ",
        el("span", { "data-waited": item.checkedInAt }),
        item.requeues ? ` · ${fill("js.board.requeues", { n: item.requeues })}` : "")),
    skipButton(item))));
  tick();
}

function tick() {
  root.querySelectorAll("[data-deadline]").forEach((node) => {
    const left = Math.round((Date.parse(node.dataset.deadline) - now()) / 1000);
    node.textContent = left >= 0 ? fill("js.board.left", { t: mmss(left) }) : fill("js.board.overdue", { t: mmss(left) });
    node.classList.toggle("late", left < 0);
  });
  root.querySelectorAll("[data-waited]").forEach((node) => {
    node.textContent = fill("js.board.waited", { n: Math.max(0, Math.floor((now() - Date.parse(node.dataset.waited)) / 60000)) });
  });
}
setInterval(tick, 1000);

function take(data) {
  if (!data) return;
  if (data.at) offsetMs = Date.parse(data.at) - Date.now();
  if (Array.isArray(data.lines)) {
    board = data;
  } else if (data.line && Array.isArray(data.waiting)) {
    // One line's fresh state: replace it in the board we hold.
    board = board || { lines: [] };
    const others = board.lines.filter((l) => l.line !== data.line);
    board = { ...board, lines: [...others, data].sort((a, b) => a.line.localeCompare(b.line)) };
  } else {
    return;
  }
  draw();
}

async function refresh() {
  const result = await api(`/api/mine/sites/${siteId}/queue`);
  if (result.status === 401) {
    location.assign(loginUrl());
    return;
  }
  if (result.ok) take(result.data);
  else say("bad", errorText(result.data));
}

function live(on) {
  liveBox.querySelector(".dot").className = `dot ${on ? "on" : "off"}`;
  liveBox.querySelector("[data-live-text]").textContent = t(on ? "js.live.on" : "js.live.off");
}

function listen() {
  stream = new EventSource(`/api/mine/sites/${siteId}/queue/events`);
  const onBoard = (event) => {
    try {
      take(JSON.parse(event.data));
    } catch { /* keep-alive */ }
  };
  stream.onmessage = onBoard;
  stream.addEventListener("board", onBoard);
  stream.addEventListener("line", onBoard);
  stream.onopen = () => {
    live(true);
    refresh(); // anything missed while the stream was down
  };
  stream.onerror = async () => {
    live(false);
    if (stream.readyState !== EventSource.CLOSED) return;
    stream = null;
    await refreshSession();
    setTimeout(listen, 3000);
  };
}

const countInput = $("[data-call-count]");
root.querySelectorAll("[data-step]").forEach((button) => {
  button.addEventListener("click", () => {
    const next = (Number.parseInt(countInput.value, 10) || 1) + Number(button.dataset.step);
    countInput.value = String(Math.min(20, Math.max(1, next)));
  });
});

$("[data-call]").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  const current = currentLine();
  if (!current) return;
  button.disabled = true;
  const count = Math.min(20, Math.max(1, Number.parseInt(countInput.value, 10) || 1));
  const result = await api(`/api/mine/sites/${siteId}/queue/call`, { method: "POST", body: { line: current.line, count } });
  button.disabled = false;
  if (!result.ok) say("bad", errorText(result.data));
  else if (!result.data?.called?.length) say("warn", t("js.board.nobody"));
  else say("ok", fill("js.board.calledN", { n: result.data.called.length }));
  refresh();
});

await refresh();
listen();
