/* ecograph 研判工作台 — the chart's facts on a time axis, with a brush that filters the chart.
 * Why a strip under the canvas and not a list: an analyst reads bursts (nights of plate reads,
 * a week of manifests) at a glance and narrows the chart to them by dragging. */
"use strict";

const Timeline = {
  range: null, // [t0, t1] ms of the drawn axis
  draw() {
    const box = document.getElementById("timeline");
    if (!box || !Chart.cy) return;
    const days = [];
    Chart.cy.edges().not(".user-hidden").forEach((e) => (e.data("facts") || []).forEach((f) => {
      const d = String(f.time || f.first_seen || f.last_seen || "").slice(0, 10);
      if (/^\d{4}-\d{2}-\d{2}$/.test(d)) days.push(d);
    }));
    const svg = document.getElementById("timeline-svg");
    if (!days.length) { svg.innerHTML = ""; this.range = null; document.getElementById("timeline-info").textContent = "画布上没有带时间的关系"; return; }
    const ms = (d) => Date.parse(d + "T00:00:00Z");
    days.sort();
    const t0 = ms(days[0]), t1 = ms(days[days.length - 1]) + 86400000;
    this.range = [t0, t1];
    const W = svg.clientWidth || 600, H = 56, n = Math.max(1, Math.round((t1 - t0) / 86400000));
    const binDays = n <= 90 ? 1 : n <= 400 ? 7 : 30;
    const bins = new Map();
    for (const d of days) { const b = Math.floor((ms(d) - t0) / (binDays * 86400000)); bins.set(b, (bins.get(b) || 0) + 1); }
    const nb = Math.ceil(n / binDays), bw = W / nb, max = Math.max(...bins.values());
    const x = (t) => ((t - t0) / (t1 - t0)) * W;
    let bars = "";
    for (const [b, c] of bins) bars += `<rect class="bar" x="${(b * bw).toFixed(1)}" y="${(H - 14 - (c / max) * (H - 18)).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${((c / max) * (H - 18)).toFixed(1)}"><title>${new Date(t0 + b * binDays * 86400000).toISOString().slice(0, 10)}：${c} 条</title></rect>`;
    const f = Chart.filters;
    const sel = f.since || f.until ? [f.since ? ms(f.since) : t0, f.until ? ms(f.until) + 86400000 : t1] : null;
    const brush = sel ? `<rect class="brush" x="${x(sel[0]).toFixed(1)}" y="0" width="${Math.max(2, x(sel[1]) - x(sel[0])).toFixed(1)}" height="${H - 12}"/>` : "";
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.innerHTML = bars + brush + `<text x="2" y="${H - 2}" class="tick">${days[0]}</text><text x="${W - 2}" y="${H - 2}" class="tick end">${days[days.length - 1]}</text>`;
    document.getElementById("timeline-info").textContent = `${days.length} 条带时间的关系` + (sel ? `，已选 ${f.since || days[0]} 至 ${f.until || days[days.length - 1]}` : "，拖动选择时间段");
  },
  /** Dragging across the strip sets the chart's time filter to the days covered. */
  bind() {
    const svg = document.getElementById("timeline-svg");
    let start = null;
    const at = (ev) => { const r = svg.getBoundingClientRect(); return Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width)); };
    const day = (frac) => new Date(this.range[0] + frac * (this.range[1] - this.range[0])).toISOString().slice(0, 10);
    svg.addEventListener("pointerdown", (ev) => { if (!this.range) return; start = at(ev); svg.setPointerCapture(ev.pointerId); });
    svg.addEventListener("pointerup", (ev) => {
      if (start === null || !this.range) return;
      const end = at(ev), a = Math.min(start, end), b = Math.max(start, end);
      start = null;
      if (b - a < 0.005) return;
      this.apply(day(a), day(Math.min(b, 0.99999)));
    });
    document.getElementById("timeline-clear").onclick = () => this.apply("", "");
  },
  apply(since, until) {
    document.getElementById("f-since").value = since; document.getElementById("f-until").value = until;
    Chart.filters.since = since; Chart.filters.until = until;
    applyFilters(); changed();
  },
};
window.addEventListener("DOMContentLoaded", () => { Timeline.bind(); Chart.listeners.push(() => Timeline.draw()); });
