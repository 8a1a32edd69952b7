// The reconciliation board's stage chart: tonnes through ordered → loaded → delivered → settled →
// invoiced (Chart.js, loaded before this module as /static/vendor/chartjs). The numbers come from the
// page (#recon-chart-data, the totals of the table below it).
import { t } from "./api.js";

const node = document.getElementById("recon-chart-data");
const canvas = document.getElementById("recon-chart");
if (node && canvas && window.Chart) {
  const stages = JSON.parse(node.textContent);
  const labels = Array.from(document.querySelectorAll("[data-board] thead th.num"))
    .slice(1, 6).map((th) => th.firstChild.textContent.trim());
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: [{ label: t("js.recon.tonnes"), data: Object.values(stages),
                   backgroundColor: ["#94a3b8", "#2563eb", "#0f766e", "#7c3aed", "#c2410c"] }],
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } },
  });
}
