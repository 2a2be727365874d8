/* ecograph 研判工作台 — plain JS over the JSON API; graph canvas by Cytoscape.js (npm). */
"use strict";

const LABEL_ZH = { Person: "人员", Company: "单位", Vehicle: "车辆", Vessel: "船舶", Phone: "电话", Site: "地点",
  Document: "文书", WasteType: "废物", Species: "物种", Gang: "团伙", Alert: "预警" };
const LABEL_COLOR = { Person: "#d64545", Company: "#7a4fd6", Vehicle: "#2f74d0", Vessel: "#1f9bb0", Phone: "#888",
  Site: "#2e9d46", Document: "#9aa5b5", WasteType: "#c77c12", Species: "#6aa121", Gang: "#000", Alert: "#e0a100" };
let REL_ZH = {};
const PERMS = { explore: ["investigator", "analyst", "admin"], review: ["analyst", "admin"], share: ["investigator", "analyst", "admin"], audit: ["admin"] };

const state = { token: sessionStorage.getItem("ecograph.token"), user: null, lastPath: null };
const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const enc = encodeURIComponent;

// ------------------------------------------------------------------ API
async function api(path, opts = {}) {
  const headers = Object.assign({}, opts.headers || {});
  if (state.token) headers.Authorization = "Bearer " + state.token;
  const res = await fetch(path, Object.assign({}, opts, { headers }));
  if (res.status === 401 && path !== "/api/auth/token") { logout("登录已失效，请重新登录"); throw new Error("未登录"); }
  if (!res.ok) {
    let msg = res.status + "";
    try { msg = (await res.json()).detail || msg; } catch (e) { /* not JSON */ }
    throw new Error(typeof msg === "string" ? msg : JSON.stringify(msg));
  }
  return opts.raw ? res : res.json();
}
function banner(msg) { const b = $("#banner"); if (!msg) { b.hidden = true; return; } b.textContent = msg; b.hidden = false; setTimeout(() => { b.hidden = true; }, 6000); }
function can(perm) { return state.user && (PERMS[perm] ? PERMS[perm].includes(state.user.role) : true); }

// ------------------------------------------------------------------ login
async function login(ev) {
  ev.preventDefault();
  $("#login-error").textContent = "";
  const body = new URLSearchParams({ username: $("#username").value, password: $("#password").value });
  try {
    const r = await api("/api/auth/token", { method: "POST", body });
    state.token = r.access_token; sessionStorage.setItem("ecograph.token", state.token);
    await start();
  } catch (e) { $("#login-error").textContent = "登录失败：" + e.message; }
}
function logout(msg) {
  state.token = null; state.user = null; sessionStorage.removeItem("ecograph.token");
  $("#login").hidden = false; if (msg) $("#login-error").textContent = msg;
}
async function start() {
  state.user = await api("/api/auth/me");
  $("#login").hidden = true;
  $("#whoami").textContent = `${state.user.display_name}（${state.user.role_zh}）`;
  document.querySelectorAll("[data-perm]").forEach((b) => { b.hidden = !can(b.dataset.perm); });
  try { REL_ZH = (await api("/api/schema")).relations; } catch (e) { REL_ZH = {}; }
  document.body.dataset.ready = "1";
}

// ------------------------------------------------------------------ graph canvas
let cy = null;
function initCanvas() {
  if (typeof cytoscape === "undefined") {
    banner("图形库未安装：请运行 scripts/setup_assets.sh（npm ci 安装 cytoscape）");
    return;
  }
  cy = cytoscape({
    container: $("#cy"),
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { label: "data(name)", "background-color": "data(color)", color: "#1d2733", "font-size": 11,
        "text-valign": "bottom", "text-margin-y": 4, width: 26, height: 26, "border-width": 1, "border-color": "#fff" } },
      { selector: "node[label = 'Document']", style: { shape: "round-rectangle", width: 20, height: 24 } },
      { selector: "node[label = 'Site']", style: { shape: "diamond" } },
      { selector: "node.leader", style: { "border-width": 4, "border-color": "#ffb400", width: 34, height: 34 } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#1d3557" } },
      { selector: "edge", style: { width: 1.5, "line-color": "#b6c1d1", "target-arrow-color": "#b6c1d1", "target-arrow-shape": "triangle",
        "curve-style": "bezier", label: "data(label)", "font-size": 9, color: "#637083", "text-rotation": "autorotate" } },
      { selector: "edge.rejected", style: { "line-style": "dashed", "line-color": "#e4a5a1", "target-arrow-color": "#e4a5a1" } },
      { selector: "edge.confirmed", style: { "line-color": "#3c9a55", "target-arrow-color": "#3c9a55" } },
      { selector: "edge.onpath", style: { "line-color": "#e8590c", "target-arrow-color": "#e8590c", width: 4 } },
      { selector: "node.onpath", style: { "border-color": "#e8590c", "border-width": 4 } },
      { selector: "edge:selected", style: { width: 4, "line-color": "#1d3557" } },
    ],
  });
  window.cy = cy;
  cy.on("tap", "node", (e) => showEntity(e.target.id()));
  cy.on("tap", "edge", (e) => showEdge(e.target.data()));
  cy.on("dblclick dbltap", "node", (e) => expand(e.target.id()));
}
function nodeData(n) {
  return { id: n.key, key: n.key, name: n.name || n.key, label: n.label, color: LABEL_COLOR[n.label] || "#666" };
}
function edgeId(e) { return `${e.head}|${e.type}|${e.tail}|${(e.props && e.props.fact) || ""}`; }
function addGraph(nodes, edges) {
  if (!cy) return [];
  const added = [];
  for (const n of nodes) if (cy.getElementById(n.key).empty()) added.push(cy.add({ group: "nodes", data: nodeData(n) }));
  for (const e of edges) {
    const id = edgeId(e);
    if (!cy.getElementById(id).empty() || cy.getElementById(e.head).empty() || cy.getElementById(e.tail).empty()) continue;
    const review = (e.props || {}).review;
    const el = cy.add({ group: "edges", data: { id, source: e.head, target: e.tail, type: e.type, label: REL_ZH[e.type] || e.type, head: e.head, tail: e.tail, props: e.props || {} } });
    if (review) el.addClass(review);
    added.push(el);
  }
  if (added.length) relayout();
  return added;
}
function relayout() {
  cy.layout({ name: "cose", animate: false, randomize: false, nodeRepulsion: 9000, idealEdgeLength: 90, fit: true, padding: 40 }).run();
}
async function addEntity(key, name, label) {
  if (cy && cy.getElementById(key).empty()) addGraph([{ key, name, label }], []);
  if (cy) { cy.$(":selected").unselect(); cy.getElementById(key).select(); }
  await showEntity(key);
}
async function expand(key) {
  try {
    const g = await api(`/api/entities/${enc(key)}/neighbours?hops=1&limit=200`);
    addGraph(g.nodes, g.edges);
    if (g.truncated) banner("邻居过多，只显示前 200 个");
    document.body.dataset.expanded = String(Number(document.body.dataset.expanded || 0) + 1);
  } catch (e) { banner("展开失败：" + e.message); }
}

// ------------------------------------------------------------------ side panel
function propsTable(props) {
  const rows = Object.entries(props || {}).filter(([k]) => !["key", "text", "fact"].includes(k))
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(typeof v === "object" ? JSON.stringify(v) : v)}</td></tr>`);
  return `<table class="props">${rows.join("")}</table>`;
}
async function showEntity(key) {
  $("#panel-empty").hidden = true;
  const body = $("#panel-body");
  body.innerHTML = "加载中…";
  try {
    const ent = await api(`/api/entities/${enc(key)}`);
    body.innerHTML = `<h2><span class="tag">${esc(ent.label_zh || ent.label)}</span>${esc(ent.name)}</h2>
      <div><button id="expand-btn" type="button">展开关联</button>
      <button id="set-from" type="button" class="secondary">设为起点</button>
      <button id="set-to" type="button" class="secondary">设为终点</button></div>
      <div class="hint">键：${esc(ent.key)}</div>
      <h3>属性</h3>${propsTable(ent.props)}
      <h3>来源文书</h3><div id="entity-docs">加载中…</div>
      <h3>时间线</h3><ul id="entity-timeline" class="list timeline">加载中…</ul>`;
    $("#expand-btn").onclick = () => expand(key);
    $("#set-from").onclick = () => { $("#path-from").value = ent.name; $("#path-from").dataset.key = key; switchTab("path"); };
    $("#set-to").onclick = () => { $("#path-to").value = ent.name; $("#path-to").dataset.key = key; switchTab("path"); };
    if (ent.label === "Document" && ent.props.source === "case" && can("share")) {
      $("#expand-btn").insertAdjacentHTML("afterend", '<button id="share-btn" type="button" class="secondary">共享给检察官</button>');
      $("#share-btn").onclick = async () => {
        const who = window.prompt("共享给哪位检察官（用户名）？", "prosecutor");
        if (!who) return;
        try {
          await api("/api/shares", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: who, kind: "case", ref: key }) });
          banner(`已将案件共享给 ${who}`);
        } catch (e) { banner("共享失败：" + e.message); }
      };
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
    if (!d.documents.length) { box.textContent = "无"; return; }
    box.innerHTML = "";
    for (const doc of d.documents.slice(0, 30)) {
      const div = document.createElement("div");
      div.className = "doc";
      div.innerHTML = `<div class="title">${esc(doc.title || doc.key)}</div><div class="hint">${esc(doc.source || "")} ${esc(doc.time || "")}</div>`;
      div.querySelector(".title").onclick = () => showDocument(doc.key, div);
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
      html += `<mark class="${esc(s.label)}" data-key="${esc(s.key)}" data-name="${esc(s.name)}" data-label="${esc(s.label)}" title="${esc(LABEL_ZH[s.label] || s.label)}">${esc(d.text.slice(s.start, s.end))}</mark>`;
      pos = s.end;
    }
    html += esc(d.text.slice(pos));
    let el = container.querySelector(".text");
    if (!el) { el = document.createElement("div"); el.className = "text"; container.appendChild(el); }
    el.innerHTML = html + `<div class="hint">SHA-256：${esc(d.sha256 || "—")}</div>`;
    el.querySelectorAll("mark").forEach((m) => { m.onclick = () => addEntity(m.dataset.key, m.dataset.name, m.dataset.label); });
    if (replace) container.insertAdjacentHTML("afterbegin", `<div class="hint">${esc(d.source || "")} ${esc(d.time || "")}</div>`);
  } catch (e) { container.insertAdjacentHTML("beforeend", `<div class="error">${esc(e.message)}</div>`); }
}
async function loadTimeline(key) {
  const ul = $("#entity-timeline");
  try {
    const t = await api(`/api/entities/${enc(key)}/timeline`);
    ul.innerHTML = t.events.length ? "" : "<li>无带时间的记录</li>";
    for (const ev of t.events.slice(0, 200)) {
      const li = document.createElement("li");
      li.innerHTML = `<span class="t">${esc(ev.time)}</span>${esc(REL_ZH[ev.type] || ev.type)} · ${esc(ev.other.name)}`;
      ul.appendChild(li);
    }
  } catch (e) { ul.innerHTML = `<li>${esc(e.message)}</li>`; }
}
const REVIEW_ZH = { confirmed: "已人工确认", rejected: "已否决" };
function showEdge(data) {
  $("#panel-empty").hidden = true;
  const p = data.props || {};
  const rv = p.review ? `<span class="review ${esc(p.review)}">${REVIEW_ZH[p.review]}（${esc(p.reviewed_by)}：${esc(p.review_reason)}）</span>` : `<span class="review">未复核</span>`;
  const headName = cy.getElementById(data.head).data("name"), tailName = cy.getElementById(data.tail).data("name");
  $("#panel-body").innerHTML = `<h2>${esc(headName)} —[${esc(REL_ZH[data.type] || data.type)}]→ ${esc(tailName)}</h2>
    <div>${rv}</div>
    <h3>来源</h3><div class="quote">${esc(p.quote || "（无原文）")}</div>
    <table class="props"><tr><td>来源文书</td><td><a href="#" id="edge-doc">${esc(p.doc || "")}</a></td></tr>
    <tr><td>抽取方式</td><td>${esc(p.method || "")}</td></tr><tr><td>置信度</td><td>${esc(p.confidence ?? "")}</td></tr>
    <tr><td>时间</td><td>${esc(p.time || p.first_seen || "")}</td></tr></table>
    <div id="review-box" ${can("review") && p.fact ? "" : "hidden"}>
      <h3>复核</h3><textarea id="review-reason" rows="2" style="width:100%" placeholder="理由（必填）"></textarea>
      <button id="review-confirm" type="button">确认关联</button><button id="review-reject" type="button" class="danger">否决关联</button>
      <div id="review-status"></div></div>`;
  const docLink = $("#edge-doc");
  if (p.doc) docLink.onclick = (ev) => { ev.preventDefault(); addEntity(p.doc, p.doc, "Document"); };
  const send = async (decision) => {
    const reason = $("#review-reason").value.trim();
    if (!reason) { $("#review-status").textContent = "请填写理由"; return; }
    try {
      const r = await api("/api/review", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ head: data.head, type: data.type, tail: data.tail, fact: p.fact, decision, reason }) });
      const el = cy.getElementById(data.id);
      el.data("props", r.props); el.removeClass("confirmed rejected").addClass(decision);
      showEdge(el.data());
      $("#review-status").textContent = decision === "confirmed" ? "已确认" : "已否决（不再计入研判）";
    } catch (e) { $("#review-status").textContent = "复核失败：" + e.message; }
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
  ul.innerHTML = "<li>搜索中…</li>";
  try {
    const r = await api(`/api/search?q=${enc(q)}&limit=30`);
    ul.innerHTML = r.hits.length ? "" : "<li>无结果</li>";
    for (const h of r.hits) {
      const li = document.createElement("li");
      li.className = "hit";
      li.dataset.key = h.key;
      li.innerHTML = `<span class="tag">${esc(LABEL_ZH[h.label] || h.label)}</span>${esc(h.name)}<span class="score">${Math.round(h.score)}</span>`;
      li.onclick = () => addEntity(h.key, h.name, h.label);
      ul.appendChild(li);
    }
  } catch (e) { ul.innerHTML = `<li class="error">${esc(e.message)}</li>`; }
}
async function resolveInput(input) {
  const v = input.value.trim();
  if (input.dataset.key && input.dataset.name === v) return input.dataset.key;
  if (input.dataset.key && !input.dataset.name) { input.dataset.name = v; return input.dataset.key; }
  if (/^[a-z]+:/.test(v)) return v;
  const r = await api(`/api/search?q=${enc(v)}&limit=1`);
  if (!r.hits.length) throw new Error(`找不到“${v}”`);
  input.dataset.key = r.hits[0].key; input.dataset.name = v;
  return r.hits[0].key;
}

// ------------------------------------------------------------------ paths & export
async function findPath() {
  const out = $("#path-result");
  out.textContent = "查找中…";
  $("#export-box").hidden = true;
  try {
    const a = await resolveInput($("#path-from")), b = await resolveInput($("#path-to"));
    let r;
    try { r = await api(`/api/paths?a=${enc(a)}&b=${enc(b)}&max_hops=${$("#path-hops").value}&all_simple=true&limit=20`); }
    catch (e) { r = await api(`/api/paths?a=${enc(a)}&b=${enc(b)}&max_hops=${$("#path-hops").value}`); }
    if (!r.paths.length) { out.textContent = "在限定跳数内没有路径"; return; }
    // Prefer a chain of facts between entities over hops through a document (as the evidence export does).
    const viaDocs = (p) => p.keys.slice(1, -1).filter((k) => k.startsWith("doc:")).length;
    const p = r.paths.slice().sort((x, y) => viaDocs(x) - viaDocs(y) || x.length - y.length)[0];
    cy.elements().removeClass("onpath");
    addGraph(r.nodes, p.hops);
    const names = Object.fromEntries(r.nodes.map((n) => [n.key, n.name]));
    p.keys.forEach((k) => cy.getElementById(k).addClass("onpath"));
    p.hops.forEach((h) => cy.getElementById(edgeId(h)).addClass("onpath"));
    out.innerHTML = `<div id="path-summary">共 ${p.length} 跳：</div>` + p.hops.map((h, i) =>
      `<div class="hop">${i + 1}. ${esc(names[h.head] || h.head)} —[${esc(REL_ZH[h.type] || h.type)}]→ ${esc(names[h.tail] || h.tail)}</div>`).join("");
    state.lastPath = { a, b };
    $("#export-box").hidden = false;
    document.body.dataset.pathFound = "1";
  } catch (e) { out.innerHTML = `<span class="error">${esc(e.message)}</span>`; }
}
async function exportChain(fmt) {
  if (!state.lastPath) return;
  const st = $("#export-status");
  st.textContent = "生成中…";
  try {
    const { a, b } = state.lastPath;
    const res = await api(`/api/export/evidence?from=${enc(a)}&to=${enc(b)}&format=${fmt}&max_hops=${$("#path-hops").value}`, { raw: true });
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url; link.download = `证据链.${fmt}`;
    document.body.appendChild(link); link.click(); link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    st.textContent = `已导出（SHA-256 ${res.headers.get("X-File-SHA256") || ""}）`;
  } catch (e) { st.textContent = "导出失败：" + e.message; }
}

// ------------------------------------------------------------------ gangs, chains, alerts
async function loadGangs() {
  const ul = $("#gang-list");
  ul.innerHTML = "<li>加载中…</li>";
  try {
    const r = await api("/api/gangs");
    ul.innerHTML = r.gangs.length ? "" : "<li>未发现团伙</li>";
    r.gangs.forEach((g, i) => {
      const li = document.createElement("li");
      li.className = "gang-item";
      li.innerHTML = `团伙 ${i + 1}：${g.members.length} 人，首要分子 <span class="leader">${esc(g.leader ? g.leader.name : "未定")}</span><span class="score">${g.score != null ? Number(g.score).toFixed(2) : ""}</span>`;
      li.onclick = () => showGang(g, i);
      ul.appendChild(li);
    });
  } catch (e) { ul.innerHTML = `<li class="error">${esc(e.message)}</li>`; }
}
function showGang(g, i) {
  const view = $("#gang-view");
  const members = g.members.map((m) => `<li class="member" data-key="${esc(m.key)}">${g.leader && g.leader.key === m.key ? '<span class="leader">首要分子</span> ' : ""}${esc(m.name)} <span class="hint">${esc(m.id_card || "")}</span></li>`).join("");
  view.innerHTML = `<h3>团伙 ${i + 1}</h3><ul class="list">${members}</ul>
    ${g.vehicles && g.vehicles.length ? `<div>车辆：${g.vehicles.map((v) => esc(v.name || v.key || v)).join("、")}</div>` : ""}
    ${g.vessels && g.vessels.length ? `<div>船舶：${g.vessels.map((v) => esc(v.name || v.key || v)).join("、")}</div>` : ""}
    <button id="gang-draw" type="button">在画布上显示</button>`;
  view.querySelectorAll(".member").forEach((li) => { li.onclick = () => addEntity(li.dataset.key, li.textContent, "Person"); });
  $("#gang-draw").onclick = async () => {
    addGraph(g.members.map((m) => ({ key: m.key, name: m.name, label: "Person" })), []);
    if (g.leader) { cy.getElementById(g.leader.key).addClass("leader"); await addEntity(g.leader.key, g.leader.name, "Person"); }
  };
}
async function loadChains() {
  const ul = $("#chain-list");
  ul.innerHTML = "<li>加载中…</li>";
  try {
    const r = await api("/api/chains");
    ul.innerHTML = r.chains.length ? "" : "<li>未发现链条</li>";
    for (const c of r.chains) {
      const li = document.createElement("li");
      li.innerHTML = `<span class="tag">${esc(c.kind)}</span>${c.path.map((p) => esc(p.name)).join(" → ")}<span class="score">${c.score != null ? Number(c.score).toFixed(2) : ""}</span>`;
      li.onclick = () => drawChain(c);
      ul.appendChild(li);
    }
  } catch (e) { ul.innerHTML = `<li class="error">${esc(e.message)}</li>`; }
}
function drawChain(c) {
  const nodes = c.path.map((p) => ({ key: p.key, name: p.name, label: p.label || p.type }));
  addGraph(nodes, []);
  cy.elements().removeClass("onpath");
  c.path.forEach((p) => cy.getElementById(p.key).addClass("onpath"));
  for (let i = 0; i + 1 < c.path.length; i++) expandBetween(c.path[i].key, c.path[i + 1].key);
}
async function expandBetween(a, b) {
  try {
    const r = await api(`/api/paths?a=${enc(a)}&b=${enc(b)}&max_hops=2`);
    if (r.paths.length) { addGraph(r.nodes, r.paths[0].hops); r.paths[0].hops.forEach((h) => cy.getElementById(edgeId(h)).addClass("onpath")); }
  } catch (e) { /* a chain step without a direct link */ }
}
async function loadAlerts() {
  const ul = $("#alert-list");
  try {
    const r = await api("/api/alerts");
    ul.innerHTML = r.alerts.length ? "" : "<li>无预警</li>";
    for (const a of r.alerts) {
      const li = document.createElement("li");
      li.innerHTML = `<span class="tag">${esc(a.kind_name || a.kind || a.detector || "预警")}</span><span class="score">${a.score != null ? Number(a.score).toFixed(2) : ""}</span>${esc(a.title || a.message || a.key)}`;
      li.onclick = () => (a.targets || []).slice(0, 20).forEach((k) => addEntity(k, k, ""));
      ul.appendChild(li);
    }
  } catch (e) { ul.innerHTML = `<li class="error">${esc(e.message)}</li>`; }
}

// ------------------------------------------------------------------ upstream (water): station / segment → outfalls → owners
const KIND_ZH = { station: "监测站", segment: "河段", outfall: "排口" };
async function loadWaterSites() {
  const sel = $("#upstream-site");
  try {
    const r = await api("/api/water/sites");
    sel.innerHTML = r.sites.length ? "" : '<option value="">没有监测站点或河段</option>';
    for (const s of r.sites) {
      const opt = document.createElement("option");
      opt.value = s.key;
      const code = s.key.replace(/^site:/, "");
      opt.textContent = `${KIND_ZH[s.kind] || s.kind}　${s.name && s.name !== code ? s.name + "（" + code + "）" : code}` +
        (s.exceedances ? `　超标 ${s.exceedances} 次` : "");
      sel.appendChild(opt);
    }
  } catch (e) { sel.innerHTML = `<option value="">${esc(e.message)}</option>`; }
}
async function traceUpstream() {
  const key = $("#upstream-site").value, ol = $("#upstream-list"), sum = $("#upstream-summary");
  if (!key) return;
  ol.innerHTML = "<li>溯源中…</li>"; sum.textContent = "";
  const ind = $("#upstream-indicator").value.trim();
  try {
    const r = await api(`/api/upstream/${enc(key)}?detail=true` + (ind ? `&indicator=${enc(ind)}` : ""));
    const sites = r.sites || {};
    const siteName = (k) => (sites[k] && sites[k].name) || k.replace(/^site:/, "");
    const exc = (r.exceedances || []).map((e) => `${esc(e.indicator)} ${esc(e.value)}（${esc(e.time)}）`);
    sum.innerHTML = `<div>${esc(siteName(r.station))}：上游排口 ${r.candidates.length} 个</div>` +
      (exc.length ? `<div class="hint">超标：${exc.slice(0, 6).join("；")}${exc.length > 6 ? "…" : ""}</div>` : "");
    drawUpstream(r, siteName);
    ol.innerHTML = r.candidates.length ? "" : "<li>该站点上游没有登记排口</li>";
    r.candidates.forEach((c, i) => {
      const d = c.details || {}, owner = c.company && c.company.key ? c.company.name || c.company.key : "（未登记单位）";
      const why = [d.pollutant_match && d.pollutant_match.length ? `污染物吻合：${d.pollutant_match.map((x) => (x === "ph" ? "pH" : x === "cod" ? "COD" : x)).join("、")}` : "",
        c.hops ? `相距 ${c.hops} 个河段` : "同一河段", d.complaints && d.complaints.length ? `周边投诉 ${d.complaints.length} 件` : "",
        d.timing ? `转移量骤减 ${Number(d.timing).toFixed(2)}` : ""].filter(Boolean).join("，");
      const li = document.createElement("li");
      li.className = "upstream-item";
      li.dataset.key = c.outfall;
      li.innerHTML = `<span class="rank">${i + 1}</span><span class="owner">${esc(owner)}</span> · ${esc(d.outfall_name || siteName(c.outfall))}` +
        `<span class="score">${Number(c.score).toFixed(2)}</span><div class="hint">${esc(why)}</div>`;
      li.onclick = () => { cy.elements().removeClass("onpath"); highlightUpstream(c, r.station); addEntity(c.company && c.company.key ? c.company.key : c.outfall, owner, c.company && c.company.key ? "Company" : "Site"); };
      ol.appendChild(li);
    });
    document.body.dataset.upstream = String(r.candidates.length);
  } catch (e) { ol.innerHTML = `<li class="error">${esc(e.message)}</li>`; }
}
function drawUpstream(r, siteName) {
  if (!cy) return;
  const nodes = [{ key: r.station, name: siteName(r.station), label: "Site" }], edges = [];
  const seen = new Set([r.station]);
  const node = (key, name, label) => { if (!seen.has(key)) { seen.add(key); nodes.push({ key, name, label }); } };
  for (const seg of r.segments || []) {
    node(seg, siteName(seg), "Site");
    if (seg !== r.station) edges.push({ head: r.station, type: "MONITORS", tail: seg, props: {} });
  }
  for (const c of r.candidates) {
    const path = (c.details || {}).segment_path || [];
    path.forEach((k, i) => { node(k, siteName(k), "Site"); if (i + 1 < path.length) edges.push({ head: k, type: "FLOWS_INTO", tail: path[i + 1], props: {} }); });
    node(c.outfall, (c.details || {}).outfall_name || siteName(c.outfall), "Site");
    if (path.length) edges.push({ head: c.outfall, type: "DISCHARGES_INTO", tail: path[0], props: {} });
    if (c.company && c.company.key) {
      node(c.company.key, c.company.name || c.company.key, "Company");
      edges.push({ head: c.company.key, type: "OWNS", tail: c.outfall, props: {} });
    }
  }
  addGraph(nodes, edges);
  cy.elements().removeClass("onpath");
  if (r.candidates.length) highlightUpstream(r.candidates[0], r.station);
}
function highlightUpstream(c, station) {
  const path = (c.details || {}).segment_path || [];
  const keys = [c.company && c.company.key, c.outfall, ...path, station].filter(Boolean);
  keys.forEach((k) => cy.getElementById(k).addClass("onpath"));
  cy.edges().filter((e) => keys.includes(e.data("head")) && keys.includes(e.data("tail"))).addClass("onpath");
}

// ------------------------------------------------------------------ map (SVG by lon/lat; no tile server)
async function loadMap() {
  const box = $("#map");
  try {
    const sites = await api("/api/sites");
    if (!sites.length) { box.textContent = "没有带坐标的地点"; return; }
    const W = 300, H = 300, pad = 20;
    const lons = sites.map((s) => s.lon), lats = sites.map((s) => s.lat);
    const [x0, x1, y0, y1] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
    const sx = (x1 - x0) || 1, sy = (y1 - y0) || 1, k = Math.min((W - 2 * pad) / sx, (H - 2 * pad) / sy);
    const color = (kind) => (/pit|mine|dump|矿/.test(kind || "") ? "#b3261e" : /wetland|湿地|river|segment/.test(kind || "") ? "#1f9bb0" : "#2e9d46");
    const dots = sites.map((s) => `<circle cx="${pad + (s.lon - x0) * k}" cy="${H - pad - (s.lat - y0) * k}" r="6" fill="${color(s.kind)}" data-key="${esc(s.key)}" data-name="${esc(s.name)}"><title>${esc(s.name)}（${esc(s.kind || "")}）${s.lon}, ${s.lat}</title></circle>`).join("");
    box.innerHTML = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="地点分布图">${dots}</svg><div class="hint">红：矿坑/倾倒点　蓝：水体/湿地　绿：其他</div>`;
    box.querySelectorAll("circle").forEach((c) => { c.onclick = () => addEntity(c.dataset.key, c.dataset.name, "Site"); });
  } catch (e) { box.textContent = e.message; }
}

// ------------------------------------------------------------------ audit (admin)
async function loadAudit() {
  const ul = $("#audit-list");
  try {
    const r = await api("/api/audit?limit=200");
    ul.innerHTML = r.entries.map((e) => `<li>#${e.seq} ${esc(e.time)} ${esc(e.user || "匿名")} ${esc(e.action)} ${esc(e.status)}</li>`).join("");
  } catch (e) { ul.innerHTML = `<li class="error">${esc(e.message)}</li>`; }
}
async function verifyAudit() {
  try {
    const r = await api("/api/audit/verify");
    $("#audit-status").innerHTML = r.ok ? `哈希链完整：${r.lines} 行` : `<span class="error">发现篡改：${r.problems.map((p) => `第 ${p.line} 行 ${esc(p.reason)}`).join("；")}</span>`;
  } catch (e) { $("#audit-status").textContent = e.message; }
}

// ------------------------------------------------------------------ tabs & wiring
const LOADERS = { gangs: loadGangs, chains: loadChains, upstream: loadWaterSites, alerts: loadAlerts, map: loadMap, audit: loadAudit };
function switchTab(name) {
  document.querySelectorAll(".tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
  document.querySelectorAll(".tab").forEach((s) => s.classList.toggle("active", s.id === "tab-" + name));
  const loader = LOADERS[name];
  const sec = $("#tab-" + name);
  if (loader && !sec.dataset.loaded) { sec.dataset.loaded = "1"; loader(); }
}
window.addEventListener("DOMContentLoaded", async () => {
  initCanvas();
  $("#login-form").addEventListener("submit", login);
  $("#logout-btn").onclick = () => logout();
  $("#clear-btn").onclick = () => cy && cy.elements().remove();
  $("#search-form").addEventListener("submit", search);
  $("#path-btn").onclick = findPath;
  ["#path-from", "#path-to"].forEach((s) => $(s).addEventListener("input", (e) => { delete e.target.dataset.key; delete e.target.dataset.name; }));
  $("#export-pdf").onclick = () => exportChain("pdf");
  $("#export-docx").onclick = () => exportChain("docx");
  $("#export-json").onclick = () => exportChain("json");
  $("#gangs-reload").onclick = loadGangs;
  $("#chains-reload").onclick = loadChains;
  $("#audit-verify").onclick = verifyAudit;
  $("#upstream-btn").onclick = traceUpstream;
  document.querySelectorAll(".tabs button").forEach((b) => { b.onclick = () => switchTab(b.dataset.tab); });
  if (state.token) { try { await start(); } catch (e) { logout(); } }
});
window.app = { state, addEntity, expand, findPath, search, traceUpstream };
