/* ecograph 研判工作台 — the link chart: Cytoscape.js with fcose (force-directed) and dagre (chains).
 *
 * What an analyst needs from it and why it is built so:
 * - one edge per (head, type, tail) with a badge counting its sources: parallel facts from many
 *   records would otherwise draw as a fan of identical arrows;
 * - documents folded away by default (shown when asked for, or when they are all an expansion found):
 *   a hub's case files and plate reads otherwise outnumber the people and vehicles;
 * - labels that never overlap: the layout reserves room for them and a greedy pass hides the label
 *   of the less connected node where two would still collide (it shows again on hover / select);
 * - filters by type, time and confidence; hide, pin, undo/redo; PNG export; a lone node is not
 *   zoomed to fill the screen.
 */
"use strict";

const ICON_PATHS = {
  Person: '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7z"/>',
  Company: '<path d="M3 21V8l6-3v4l6-3v15zM15 21V4h6v17z"/>',
  Vehicle: '<path d="M2 6h11v9H2zM13 9h4l4 4v2h-8z"/><circle cx="6" cy="17" r="2"/><circle cx="17" cy="17" r="2"/>',
  Vessel: '<path d="M11 3h2v7h5l-2 3H4l2-3h5z"/><path d="M2 15h20l-3 5H5z"/>',
  Phone: '<path d="M7 2h10v20H7z" fill="none" stroke="#fff" stroke-width="2"/><circle cx="12" cy="18" r="1.3"/>',
  Site: '<path d="M12 2a7 7 0 0 1 7 7c0 5-7 13-7 13S5 14 5 9a7 7 0 0 1 7-7z"/><circle cx="12" cy="9" r="2.5" fill="#000" fill-opacity=".25"/>',
  Document: '<path d="M5 2h10l4 4v16H5z"/><path d="M8 10h8M8 14h8M8 18h5" stroke="#000" stroke-opacity=".3" stroke-width="1.5"/>',
  WasteType: '<path d="M6 4h12v16H6z"/><path d="M6 9h12M6 15h12" stroke="#000" stroke-opacity=".3" stroke-width="1.5"/>',
  Species: '<path d="M2 12c4-6 11-6 15 0-4 6-11 6-15 0zM17 12l5-4v8z"/>',
  Gang: '<circle cx="7" cy="8" r="3"/><circle cx="17" cy="8" r="3"/><circle cx="12" cy="7" r="3.4"/><path d="M2 20c0-4 3-6 5-6h10c2 0 5 2 5 6z"/>',
  Alert: '<path d="M12 2l10 19H2z"/><path d="M12 9v6M12 17v2" stroke="#000" stroke-opacity=".35" stroke-width="2"/>',
};
const TYPE_COLOR = { Person: "#d64545", Company: "#7a4fd6", Vehicle: "#2f74d0", Vessel: "#1f9bb0", Phone: "#6b7785",
  Site: "#2e9d46", Document: "#8b96a8", WasteType: "#c77c12", Species: "#6aa121", Gang: "#222", Alert: "#d98e04" };
const iconUri = (label) => "data:image/svg+xml;utf8," + encodeURIComponent(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="#fff">${ICON_PATHS[label] || '<circle cx="12" cy="12" r="5"/>'}</svg>`);
const MAX_FIT_ZOOM = 1.25; // fitting one node or two must not blow them up to fill the canvas
const EDGE_LABELS_UP_TO = 60; // beyond this many visible edges, edge labels show on hover / select only

const Chart = {
  cy: null,
  undo: [],
  redo: [],
  filters: { hiddenTypes: new Set(["Document"]), since: "", until: "", minConf: 0 },
  onNode: null, onEdge: null, onExpand: null, onChange: null,
  listeners: [], // called after every change of the chart or its filters (timeline, case file)
  settled: Promise.resolve(), // the last layout's completion (fcose ends after run() returns)
};

function chartStyle() {
  const st = [
    { selector: "node", style: { label: "data(name)", "background-color": "data(color)", "background-image": "data(icon)",
      "background-width": "62%", "background-height": "62%", color: "#1d2733", "font-size": 13, "text-valign": "bottom",
      "text-margin-y": 3, "text-wrap": "ellipsis", "text-max-width": 110, width: 30, height: 30, "border-width": 2,
      "border-color": "#fff", "text-background-color": "#fff", "text-background-opacity": 0.75, "text-background-padding": 1,
      "min-zoomed-font-size": 7 } },
    { selector: "node[label = 'Document']", style: { shape: "round-rectangle", width: 24, height: 28 } },
    { selector: "node.nolabel", style: { label: "" } },
    { selector: "node.nolabel:selected, node.nolabel.hover", style: { label: "data(name)", "z-index": 20 } },
    { selector: "node.leader", style: { "border-width": 5, "border-color": "#ffb400", width: 38, height: 38 } },
    { selector: "node.pinned", style: { "border-style": "double", "border-width": 5, "border-color": "#1d3557" } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#1d3557", "overlay-opacity": 0.08 } },
    { selector: "node.group", style: { shape: "round-rectangle", "background-color": "#eef2f8", "background-opacity": 0.6,
      "background-image": "none", "border-width": 2, "border-style": "dashed", "border-color": "#7b8aa3", label: "data(name)",
      "text-valign": "top", "text-halign": "center", "font-size": 13, "font-weight": "bold", padding: 12 } },
    { selector: ".f-hidden", style: { display: "none" } },
    { selector: "edge", style: { width: 1.6, "line-color": "#a9b5c6", "target-arrow-color": "#a9b5c6", "target-arrow-shape": "triangle",
      "curve-style": "bezier", label: "data(badge)", "font-size": 11, color: "#4a5668", "text-rotation": "autorotate",
      "text-background-color": "#fafbfd", "text-background-opacity": 0.85, "text-background-padding": 1, "min-zoomed-font-size": 8 } },
    { selector: "edge[n > 1]", style: { width: "mapData(n, 1, 10, 1.6, 5)" } },
    { selector: "edge.nolabel", style: { label: "" } },
    { selector: "edge.nolabel:selected, edge.nolabel.hover", style: { label: "data(badge)" } },
    { selector: "edge.rejected", style: { "line-style": "dashed", "line-color": "#e4a5a1", "target-arrow-color": "#e4a5a1" } },
    { selector: "edge.confirmed", style: { "line-color": "#3c9a55", "target-arrow-color": "#3c9a55" } },
    { selector: "edge.chainstep", style: { width: 3, "line-color": "#c77c12", "target-arrow-color": "#c77c12", "arrow-scale": 1.3,
      "text-rotation": "none", "font-size": 12, color: "#7a4a06" } },
    { selector: "edge.onpath", style: { "line-color": "#e8590c", "target-arrow-color": "#e8590c", width: 4, "text-rotation": "none" } },
    { selector: "node.onpath", style: { "border-color": "#e8590c", "border-width": 4 } },
    { selector: "edge:selected", style: { width: 4, "line-color": "#1d3557", "target-arrow-color": "#1d3557" } },
  ];
  return st;
}

function initChart(container) {
  if (typeof cytoscape === "undefined") return null;
  for (const ext of [window.cytoscapeFcose, window.cytoscapeDagre, window.cytoscapeSvg]) { try { if (ext) cytoscape.use(ext); } catch (e) { /* registered */ } }
  const cy = cytoscape({ container, wheelSensitivity: 0.3, minZoom: 0.1, maxZoom: 3, style: chartStyle() });
  Chart.cy = cy;
  cy.on("tap", "node", (e) => Chart.onNode && Chart.onNode(e.target));
  cy.on("tap", "edge", (e) => Chart.onEdge && Chart.onEdge(e.target));
  cy.on("dblclick dbltap", "node", (e) => Chart.onExpand && Chart.onExpand(e.target.id()));
  cy.on("mouseover", "node, edge", (e) => e.target.addClass("hover"));
  cy.on("mouseout", "node, edge", (e) => e.target.removeClass("hover"));
  cy.on("resize", () => fitView()); // a window or phone rotated: keep the chart in view
  return cy;
}

// ------------------------------------------------------------------ model: nodes, aggregated edges
function nodeJson(n, explicit) {
  return { group: "nodes", data: { id: n.key, key: n.key, name: n.name || n.key, label: n.label || "",
    color: TYPE_COLOR[n.label] || "#666", icon: iconUri(n.label) }, classes: explicit ? "explicit" : "" };
}
const factTime = (p) => String(p.time || p.first_seen || p.last_seen || "");
const edgeKey = (e) => `${e.head}|${e.type}|${e.tail}`;
function badge(type, facts) {
  const docs = new Set(facts.map((f) => f.doc).filter(Boolean)).size;
  return relName(type) + (docs > 1 ? ` ·${docs}份` : "");
}
function refreshEdge(el) {
  const facts = el.data("facts") || [];
  const b = badge(el.data("type"), facts);
  el.data({ n: facts.length, badge: el.data("stepName") ? b.replace(relName(el.data("type")), el.data("stepName")) : b,
    conf: Math.max(0, ...facts.map((f) => (typeof f.confidence === "number" ? f.confidence : 1))),
    tmin: facts.map(factTime).filter(Boolean).sort()[0] || "", tmax: facts.map(factTime).filter(Boolean).sort().pop() || "" });
  el.removeClass("confirmed rejected");
  if (facts.length && facts.every((f) => f.review === "rejected")) el.addClass("rejected");
  else if (facts.some((f) => f.review === "confirmed")) el.addClass("confirmed");
}

/** Add nodes and facts; returns the new elements.  `explicit`: these nodes were asked for (shown even if a filtered type). */
function chartAdd(nodes, edges, opts = {}) {
  const cy = Chart.cy;
  if (!cy) return cy;
  snapshot();
  const added = [];
  const near = opts.near ? cy.getElementById(opts.near) : null;
  const base = near && near.nonempty() ? near.position() : null;
  cy.batch(() => {
    for (const n of nodes) {
      const el = cy.getElementById(n.key);
      if (el.empty()) {
        const j = nodeJson(n, opts.explicit);
        if (base) j.position = { x: base.x + (Math.random() - 0.5) * 80, y: base.y + (Math.random() - 0.5) * 80 };
        added.push(cy.add(j));
      } else if (opts.explicit) el.addClass("explicit");
    }
    for (const e of edges) {
      if (cy.getElementById(e.head).empty() || cy.getElementById(e.tail).empty()) continue;
      const id = opts.edgeClass ? `${edgeKey(e)}|${opts.edgeClass}` : edgeKey(e);
      let el = cy.getElementById(id);
      const props = Object.assign({}, e.props || {});
      if (el.empty()) {
        el = cy.add({ group: "edges", data: { id, source: e.head, target: e.tail, head: e.head, tail: e.tail, type: e.type, facts: [] },
          classes: opts.edgeClass || "" });
        added.push(el);
      }
      const facts = el.data("facts");
      if (!facts.some((f) => (f.fact || "") === (props.fact || "") && (f.doc || "") === (props.doc || ""))) facts.push(props);
      refreshEdge(el);
    }
  });
  const newEls = cy.collection(added);
  // an expansion that found only documents shows them: otherwise nothing would appear
  const newNodes = newEls.nodes();
  if (newNodes.nonempty() && newNodes.every((n) => Chart.filters.hiddenTypes.has(n.data("label")))) newNodes.addClass("explicit");
  applyFilters(false);
  if (added.length && !opts.noLayout) relayout(opts.layout, opts.only);
  changed();
  return newEls;
}

// ------------------------------------------------------------------ filters and visibility
function applyFilters(relabel = true) {
  const cy = Chart.cy, f = Chart.filters;
  if (!cy) return;
  cy.batch(() => {
    cy.nodes().forEach((n) => {
      const hide = n.hasClass("user-hidden") || (f.hiddenTypes.has(n.data("label")) && !n.hasClass("explicit"));
      n.toggleClass("f-hidden", hide);
    });
    cy.edges().forEach((e) => {
      const d = e.data();
      let hide = e.source().hasClass("f-hidden") || e.target().hasClass("f-hidden");
      if (!hide && f.minConf > 0 && d.conf < f.minConf && !e.hasClass("chainstep")) hide = true;
      if (!hide && (f.since || f.until) && (d.tmin || d.tmax)) {
        if (f.since && (d.tmax || d.tmin).slice(0, 10) < f.since) hide = true;
        if (f.until && (d.tmin || d.tmax).slice(0, 10) > f.until) hide = true;
      }
      e.toggleClass("f-hidden", hide);
    });
    if (f.since || f.until || f.minConf > 0) {
      // a node whose every link the time or confidence filter removed goes too (unless asked for or pinned)
      cy.nodes().not(".f-hidden").forEach((n) => {
        const es = n.connectedEdges();
        if (es.nonempty() && es.every((e) => e.hasClass("f-hidden")) && !n.hasClass("explicit") && !n.hasClass("pinned")) n.addClass("f-hidden");
      });
    }
    const visEdges = cy.edges().not(".f-hidden");
    visEdges.toggleClass("nolabel", visEdges.length > EDGE_LABELS_UP_TO);
  });
  if (relabel) resolveLabels();
  document.body.dataset.visibleNodes = String(cy.nodes().not(".f-hidden").length);
}

/** Greedy label placement: keep labels by importance, hide one that would overlap a kept one. */
function resolveLabels() {
  const cy = Chart.cy;
  if (!cy) return;
  const nodes = cy.nodes().not(".f-hidden");
  cy.batch(() => nodes.removeClass("nolabel"));
  const rank = (n) => (n.hasClass("explicit") ? 1000 : 0) + (n.hasClass("onpath") ? 500 : 0) + (n.selected() ? 2000 : 0) + n.degree();
  const kept = [];
  const bodies = nodes.map((n) => ({ id: n.id(), bb: n.boundingBox({ includeLabels: false, includeOverlays: false }) }));
  const overlaps = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  const hide = [];
  nodes.sort((a, b) => rank(b) - rank(a)).forEach((n) => {
    const bb = n.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
    if (!(bb.w > 0)) return;
    if (kept.some((k) => overlaps(k, bb)) || bodies.some((o) => o.id !== n.id() && overlaps(o.bb, bb))) hide.push(n);
    else kept.push(bb);
  });
  cy.batch(() => hide.forEach((n) => n.addClass("nolabel")));
}

function relayout(kind, only) {
  const cy = Chart.cy;
  if (!cy) return;
  const els = only || cy.elements().not(".f-hidden");
  const pinned = cy.nodes(".pinned").not(".f-hidden");
  let opts;
  if (kind === "dagre") {
    // upstream first: left to right on a wide canvas, top to bottom on a tall one (labels stay full size)
    const wide = cy.width() >= cy.height() * 1.3;
    opts = { name: "dagre", rankDir: wide ? "LR" : "TB", nodeSep: 30, rankSep: wide ? 70 : 40, nodeDimensionsIncludeLabels: true, animate: false, fit: false };
  } else if (cy.nodes().not(".f-hidden").length <= 1 || typeof cytoscapeFcose === "undefined") {
    opts = { name: "grid", animate: false, fit: false, avoidOverlap: true };
  } else {
    opts = { name: "fcose", quality: "proof", randomize: false, animate: false, fit: false, nodeDimensionsIncludeLabels: true,
      nodeSeparation: 90, idealEdgeLength: () => 110, nodeRepulsion: () => 9000, packComponents: true, numIter: 2500,
      fixedNodeConstraint: pinned.length ? pinned.map((n) => ({ nodeId: n.id(), position: Object.assign({}, n.position()) })) : undefined };
  }
  // fcose finishes after run() returns: rings, labels and the view wait for its layoutstop
  const done = () => {
    if (kind !== "dagre") ringLeaves();
    resolveLabels();
    fitView(only);
    document.body.dataset.layouts = String(Number(document.body.dataset.layouts || 0) + 1);
  };
  let lay;
  try { lay = els.layout(opts); } catch (e) { lay = els.layout({ name: "cose", animate: false, fit: false, nodeDimensionsIncludeLabels: true }); }
  Chart.settled = new Promise((resolve) => lay.one("layoutstop", () => { done(); resolve(); }));
  lay.run();
  return Chart.settled;
}

/** A hub's one-link neighbours on concentric rings around it, in the order the force layout left them.
 * Why: a force layout packs a hundred leaves of one hub into a disc where names cover each other;
 * rings with a fixed arc per node leave every label its own slot. */
const RING_SLOT = 72, RING_GAP = 56, RING_FIRST = 120, HUB_MIN_LEAVES = 12;
function ringLeaves() {
  const cy = Chart.cy;
  const vis = cy.nodes().not(".f-hidden");
  vis.forEach((hub) => {
    const leaves = hub.neighborhood("node").not(".f-hidden").filter((n) =>
      !n.locked() && n.connectedEdges().not(".f-hidden").connectedNodes().not(n).every((m) => m.same(hub)));
    if (leaves.length < HUB_MIN_LEAVES) return;
    const c = hub.position();
    const sorted = leaves.sort((a, b) => Math.atan2(a.position().y - c.y, a.position().x - c.x) - Math.atan2(b.position().y - c.y, b.position().x - c.x));
    let i = 0, ring = 0;
    cy.batch(() => {
      while (i < sorted.length) {
        const r = RING_FIRST + ring * RING_GAP;
        const cap = Math.max(6, Math.floor((2 * Math.PI * r) / RING_SLOT));
        const take = Math.min(cap, sorted.length - i);
        const offset = (ring % 2) * (Math.PI / cap);
        for (let j = 0; j < take; j++, i++) {
          const a = offset + (2 * Math.PI * j) / take;
          sorted[i].position({ x: c.x + r * Math.cos(a), y: c.y + r * Math.sin(a) });
        }
        ring++;
      }
    });
  });
}

function fitView(eles) {
  const cy = Chart.cy;
  const vis = eles || cy.elements().not(".f-hidden");
  if (vis.empty()) return;
  cy.fit(vis, 40);
  if (cy.zoom() > MAX_FIT_ZOOM) { cy.zoom(MAX_FIT_ZOOM); cy.center(vis); }
}

// ------------------------------------------------------------------ hide, pin, undo/redo, export
function snapshot() {
  if (!Chart.cy) return;
  Chart.undo.push(Chart.cy.elements().jsons());
  if (Chart.undo.length > 40) Chart.undo.shift();
  Chart.redo = [];
}
function restore(json) {
  const cy = Chart.cy;
  cy.batch(() => { cy.elements().remove(); cy.add(json); });
  applyFilters();
  changed();
}
function chartUndo() { if (!Chart.undo.length) return; Chart.redo.push(Chart.cy.elements().jsons()); restore(Chart.undo.pop()); }
function chartRedo() { if (!Chart.redo.length) return; Chart.undo.push(Chart.cy.elements().jsons()); restore(Chart.redo.pop()); }
function hideSelected() {
  const sel = Chart.cy.$(":selected");
  if (sel.empty()) return;
  snapshot();
  sel.nodes().addClass("user-hidden");
  sel.edges().addClass("f-hidden");
  sel.unselect();
  applyFilters();
  changed();
}
function showAllHidden() { snapshot(); Chart.cy.nodes(".user-hidden").removeClass("user-hidden"); applyFilters(); changed(); }
function togglePin() {
  const sel = Chart.cy.nodes(":selected");
  if (sel.empty()) return;
  snapshot();
  sel.forEach((n) => { if (n.hasClass("pinned")) { n.removeClass("pinned"); n.unlock(); } else { n.addClass("pinned"); n.lock(); } });
  changed();
}
/** Put the selected nodes in one named group (a compound node): an analyst's "these belong together". */
function groupSelected(name) {
  const sel = Chart.cy.nodes(":selected").not(".group");
  if (sel.length < 2) return null;
  snapshot();
  const n = Chart.cy.nodes(".group").length + 1;
  const id = `group:${Date.now().toString(36)}-${n}`;
  Chart.cy.add({ group: "nodes", data: { id, name: name || `分组 ${n}（${sel.length} 个）`, label: "Group" }, classes: "group" });
  sel.move({ parent: id });
  Chart.cy.getElementById(id).select();
  changed();
  return id;
}
/** Dissolve the selected groups; their members stay on the chart. */
function ungroupSelected() {
  const groups = Chart.cy.nodes(":selected").filter(".group").union(Chart.cy.nodes(":selected").parent(".group"));
  if (groups.empty()) return;
  snapshot();
  groups.forEach((g) => { g.children().move({ parent: null }); g.remove(); });
  changed();
}
function clearChart() { snapshot(); Chart.cy.elements().remove(); changed(); }
function exportPng() { download(Chart.cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }), "关系图.png"); }
/** A vector copy for reports (cytoscape-svg); PNG when the extension is missing. */
function exportSvg() {
  if (typeof Chart.cy.svg !== "function") { exportPng(); return; }
  download(new Blob([Chart.cy.svg({ full: true, scale: 1, bg: "#ffffff" })], { type: "image/svg+xml;charset=utf-8" }), "关系图.svg");
}
function download(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob); a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}
function changed() {
  if (Chart.onChange) Chart.onChange();
  for (const f of Chart.listeners) f();
}

// ------------------------------------------------------------------ legend (doubles as the type filter) and filter bar
function buildLegend(box) {
  box.innerHTML = `<div class="legend-title">图例 / 类型筛选</div>` + Object.keys(TYPE_COLOR).map((l) =>
    `<label class="legend-item"><input type="checkbox" data-type="${l}" ${Chart.filters.hiddenTypes.has(l) ? "" : "checked"}>` +
    `<span class="swatch" style="background:${TYPE_COLOR[l]}"><img alt="" src="${iconUri(l)}"></span>${esc(labelName(l))}` +
    (l === "Document" ? `<span class="hint">（默认折叠为关系角标）</span>` : "") + `</label>`).join("");
  box.querySelectorAll("input[data-type]").forEach((cb) => {
    cb.onchange = () => {
      if (cb.checked) Chart.filters.hiddenTypes.delete(cb.dataset.type); else Chart.filters.hiddenTypes.add(cb.dataset.type);
      applyFilters(); changed();
    };
  });
}
function bindFilterBar() {
  const since = document.getElementById("f-since"), until = document.getElementById("f-until"), conf = document.getElementById("f-conf");
  const confOut = document.getElementById("f-conf-val");
  const apply = () => {
    const day = (v) => (/^\d{4}-\d{1,2}-\d{1,2}$/.test(v.trim()) ? v.trim().replace(/-(\d)(?!\d)/g, "-0$1") : "");
    Chart.filters.since = day(since.value); Chart.filters.until = day(until.value); Chart.filters.minConf = Number(conf.value) / 100;
    confOut.textContent = Chart.filters.minConf.toFixed(2);
    applyFilters(); changed();
  };
  since.onchange = apply; until.onchange = apply; conf.oninput = apply;
}
function setFilters(f) {
  Chart.filters.hiddenTypes = new Set(f.hiddenTypes || ["Document"]);
  Chart.filters.since = f.since || ""; Chart.filters.until = f.until || ""; Chart.filters.minConf = f.minConf || 0;
  document.getElementById("f-since").value = Chart.filters.since;
  document.getElementById("f-until").value = Chart.filters.until;
  document.getElementById("f-conf").value = String(Math.round(Chart.filters.minConf * 100));
  document.getElementById("f-conf-val").textContent = Chart.filters.minConf.toFixed(2);
  buildLegend(document.getElementById("legend"));
}
function getFilters() {
  const f = Chart.filters;
  return { hiddenTypes: [...f.hiddenTypes], since: f.since, until: f.until, minConf: f.minConf };
}
