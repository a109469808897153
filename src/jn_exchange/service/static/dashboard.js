// The dashboard's charts, drawn with plotly.js (served from /static/vendor, MIT licence) from the
// same figures the page's tables show; each point or bar opens the submissions behind it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const data = JSON.parse(document.getElementById("dash-data").textContent);
  if (!window.Plotly) return;
  const layout = (extra) => Object.assign({ margin: { l: 50, r: 10, t: 10, b: 40 }, height: 320,
    font: { family: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" }, legend: { orientation: "h" } }, extra);
  const config = { displayModeBar: false, responsive: true };
  const quality = data.organisations.filter((o) => o.quality.length).map((o) => ({
    type: "scatter", mode: "lines+markers", name: o.organisation.name,
    x: o.quality.map((q) => q.received_at), y: o.quality.map((q) => q.per_1000),
    customdata: o.quality.map((q) => q.link),
    hovertemplate: "%{x}<br>每千行 %{y}<extra>" + o.organisation.name + "</extra>" }));
  const q = document.getElementById("chart-quality");
  Plotly.newPlot(q, quality, layout({ yaxis: { title: "每千行问题数", rangemode: "tozero" } }), config);
  q.on("plotly_click", (e) => { if (e.points.length) window.location.href = e.points[0].customdata; });
  const totals = {};
  data.organisations.forEach((o) => o.top_rules.forEach((r) => { totals[r.code] = (totals[r.code] || 0) + r.findings; }));
  const codes = Object.keys(totals).sort((a, b) => totals[b] - totals[a]).slice(0, 10);
  const r = document.getElementById("chart-rules");
  Plotly.newPlot(r, [{ type: "bar", orientation: "h", x: codes.map((c) => totals[c]), y: codes,
    hovertemplate: "%{y}：%{x} 处<extra></extra>" }],
    layout({ yaxis: { autorange: "reversed", automargin: true }, xaxis: { title: "问题数" } }), config);
  r.on("plotly_click", (e) => { if (e.points.length) window.location.href = "/?code=" + encodeURIComponent(e.points[0].y); });
});
