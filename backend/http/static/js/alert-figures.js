// The regulator's handling figures as a chart: per enterprise, the share of its alerts acknowledged
// and closed in time (Chart.js, loaded before this module as /static/vendor/chartjs). The numbers
// come from the page (#figures-data, the same figures as the table).
import { t } from "./api.js";

const node = document.getElementById("figures-data");
const canvas = document.getElementById("figures-chart");
if (node && canvas && window.Chart) {
  const { items } = JSON.parse(node.textContent);
  const percent = (share) => (share === null ? null : Math.round(share * 1000) / 10);
  const rows = items.slice(0, 20); // the worst twenty: the table holds them all
  canvas.parentElement.style.height = `${Math.max(220, 70 + rows.length * 46)}px`;
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map((r) => r.orgName),
      datasets: [
        { label: t("js.figures.ackShare"), data: rows.map((r) => percent(r.ackedInTimeShare)), backgroundColor: "#2563eb" },
        { label: t("js.figures.closeShare"), data: rows.map((r) => percent(r.closedInTimeShare)), backgroundColor: "#15803d" },
      ],
    },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } },
        // On a phone a long enterprise name would squeeze the bars: shortened there (the table has it whole).
        y: { ticks: { callback(value) {
          const name = this.getLabelForValue(value);
          return canvas.clientWidth < 500 && name.length > 8 ? `${name.slice(0, 7)}…` : name;
        } } },
      },
      plugins: { legend: { position: "bottom" }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${c.raw ?? "—"}%` } } },
    },
  });
}
