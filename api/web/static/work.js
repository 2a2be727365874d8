/* ecograph 研判工作台 — gangs, chains, alerts and upstream search as work items:
 * each can be (re-)run, opened with its evidence, drawn on the chart and acted on. */
"use strict";

const KIND_ZH = { station: "监测站", segment: "河段", outfall: "排口" };
const CHAIN_KIND = { waste: "危废链条", water: "水污染链条" };

/** Evidence items of any shape (a document key, or {rule, documents}) as readable rows with document links. */
function evidenceHtml(items) {
  if (!items || !items.length) return `<div class="hint">${t("none")}</div>`;
  return `<ul class="evidence">` + items.map((it) => {
    if (typeof it === "string") return `<li>${it.startsWith("doc:") ? `<a href="#" class="doclink" data-key="${esc(it)}">${esc(docTitle({ key: it }))}</a>` : esc(it)}</li>`;
    const rule = it.rule_zh || it.label || it.rule_name || it.reason || it.rule || it.type || "";
    const docs = it.documents || it.docs || it.evidence || (it.doc ? [it.doc] : []);
    const withWhom = it.with_name || it.other_name || it.with || "";
    return `<li><span class="rule">${esc(I18N.relations[rule] || rule)}</span>${withWhom ? ` · ${esc(withWhom)}` : ""}` +
      (docs.length ? `：${docs.map((d) => `<a href="#" class="doclink" data-key="${esc(d)}">${esc(docTitle({ key: d }))}</a>`).join("、")}` : "") + "</li>";
  }).join("") + "</ul>";
}

const Work = {
  gangs: [],
  async loadGangs() {
    const ul = $("#gang-list");
    ul.innerHTML = `<li>${t("loading")}</li>`;
    $("#gangs-detect").hidden = !can("detect");
    try {
      const r = await api("/api/gangs");
      this.renderGangs(r.gangs);
    } catch (e) { ul.innerHTML = `<li class="error">${esc(e.message)}</li>`; }
  },
  renderGangs(gangs) {
    const ul = $("#gang-list");
    this.gangs = gangs;
    ul.innerHTML = gangs.length ? "" : `<li>${t("noGangs")}</li>`;
    gangs.forEach((g, i) => {
      const li = document.createElement("li");
      li.className = "gang-item";
      li.innerHTML = `团伙 ${i + 1}：${g.members.length} 人，首要分子 <span class="leader">${esc(g.leader ? g.leader.name : "未定")}</span><span class="score">${g.score != null ? Number(g.score).toFixed(2) : ""}</span>`;
      ul.appendChild(listRow(li, () => this.showGang(g, i)));
    });
  },
  async detectGangs() {
    const st = $("#gangs-status");
    st.innerHTML = `<progress></progress> ${t("gangDetecting")}`;
    $("#gangs-detect").disabled = true;
    try {
      const r = await api("/api/gangs/detect", { method: "POST" });
      this.renderGangs(r.gangs);
      st.textContent = t("gangDetected", r.gangs.length);
    } catch (e) { st.innerHTML = `<span class="error">${esc(e.message)}</span>`; }
    finally { $("#gangs-detect").disabled = false; }
  },
  showGang(g, i) {
    const view = $("#gang-view");
    const leaderWhy = g.leader && (g.leader.reason || g.leader.why || (g.props && g.props.leader_reason));
    const members = g.members.map((m) => {
      const lead = g.leader && g.leader.key === m.key;
      return `<li class="member" data-key="${esc(m.key)}" tabindex="0">${lead ? '<span class="leader">首要分子</span> ' : ""}<b>${esc(m.name)}</b> <span class="hint">${esc(m.id_card || "")}</span>
        ${m.evidence ? `<div class="member-evidence">${evidenceHtml(m.evidence)}</div>` : ""}</li>`;
    }).join("");
    view.innerHTML = `<h3>团伙 ${i + 1}</h3>
      ${g.leader ? `<div>首要分子：<span class="leader">${esc(g.leader.name)}</span>${leaderWhy ? `<div class="hint">${esc(leaderWhy)}</div>` : ""}</div>` : ""}
      <ul class="list members">${members}</ul>
      ${g.vehicles && g.vehicles.length ? `<div>车辆：${g.vehicles.map((v) => esc(v.name || v.key || v)).join("、")}</div>` : ""}
      ${g.vessels && g.vessels.length ? `<div>船舶：${g.vessels.map((v) => esc(v.name || v.key || v)).join("、")}</div>` : ""}
      ${g.evidence && g.evidence.length ? `<h3>团伙证据</h3>${evidenceHtml(g.evidence)}` : ""}
      <button id="gang-draw" type="button">在画布上显示</button>`;
    wireDocLinks(view);
    view.querySelectorAll(".member").forEach((li) => listRow(li, () => addEntity(li.dataset.key, g.members.find((m) => m.key === li.dataset.key).name, "Person")));
    $("#gang-draw").onclick = () => this.drawGang(g);
  },
  /** Members with their ties: links between members, and the records two or more of them share. */
  async drawGang(g) {
    const keys = new Set(g.members.map((m) => m.key));
    const nodes = g.members.map((m) => ({ key: m.key, name: m.name, label: "Person" }));
    const edges = [], docs = new Map();
    await Promise.all(g.members.map(async (m) => {
      try {
        const nb = await api(`/api/entities/${enc(m.key)}/neighbours?hops=1&limit=300`);
        for (const e of nb.edges) {
          const other = e.head === m.key ? e.tail : e.head;
          if (keys.has(other)) edges.push(e);
          else if (other.startsWith("doc:")) {
            const d = docs.get(other) || { members: new Set(), edges: [], node: nb.nodes.find((n) => n.key === other) };
            d.members.add(m.key); d.edges.push(e); docs.set(other, d);
          }
        }
      } catch (e) { /* a member we may not expand */ }
    }));
    const shared = [...docs.values()].filter((d) => d.members.size >= 2 && d.node);
    chartAdd(nodes.concat(shared.map((d) => d.node)), edges.concat(...shared.map((d) => d.edges)), { explicit: true });
    if (g.leader) { Chart.cy.getElementById(g.leader.key).addClass("leader"); await addEntity(g.leader.key, g.leader.name, "Person"); }
    document.body.dataset.gangDrawn = String(edges.length + shared.length);
  },

  // ---------------------------------------------------------------- chains, upstream → downstream
  async loadChains() {
    const ul = $("#chain-list");
    ul.innerHTML = `<li>${t("loading")}</li>`;
    try {
      const r = await api("/api/chains");
      ul.innerHTML = r.chains.length ? "" : `<li>${t("noChains")}</li>`;
      for (const c of r.chains) {
        const li = document.createElement("li");
        li.className = "chain-item";
        const manifests = (c.evidence || []).filter((d) => d.startsWith("doc:manifest:")).length;
        const extra = [c.waste ? `废物：${c.waste}` : "", c.tons ? `${c.tons} 吨` : "", manifests ? `联单 ${manifests} 份` : "",
          c.evidence ? `证据 ${c.evidence.length} 份` : ""].filter(Boolean).join("，");
        li.innerHTML = `<span class="tag">${esc(CHAIN_KIND[c.kind] || c.kind)}</span>${c.path.map((p) => esc(p.name)).join(" → ")}` +
          `<span class="score">${c.score != null ? Number(c.score).toFixed(2) : ""}</span><div class="hint">${esc(extra)}</div>`;
        ul.appendChild(listRow(li, () => this.drawChain(c)));
      }
    } catch (e) { ul.innerHTML = `<li class="error">${esc(e.message)}</li>`; }
  },
  /** The chain in list order, left to right (dagre): one step edge per consecutive pair, its facts as evidence. */
  async drawChain(c) {
    const steps = await Promise.all(c.path.slice(0, -1).map(async (p, i) => {
      const q = c.path[i + 1];
      let hops = [];
      try { const r = await api(`/api/paths?a=${enc(p.key)}&b=${enc(q.key)}&max_hops=1`); hops = r.paths.length ? r.paths[0].hops : []; } catch (e) { /* no direct link */ }
      const type = hops.length ? hops[0].type : "CHAIN_STEP";
      return { head: p.key, tail: q.key, type, facts: hops.map((h) => Object.assign({ rel: h.type, rel_head: h.head, rel_tail: h.tail }, h.props || {})) };
    }));
    const nodes = c.path.map((p) => ({ key: p.key, name: p.name, label: p.label || p.type }));
    const edges = [];
    for (const s of steps) (s.facts.length ? s.facts : [{}]).forEach((f) => edges.push({ head: s.head, tail: s.tail, type: s.type, props: f }));
    Chart.cy.elements().removeClass("onpath");
    chartAdd(nodes, edges, { explicit: true, edgeClass: "chainstep", noLayout: true });
    const keys = new Set(c.path.map((p) => p.key));
    const els = Chart.cy.nodes().filter((n) => keys.has(n.id()));
    const chainEls = els.union(els.edgesWith(els).filter(".chainstep"));
    chainEls.addClass("onpath");
    // a step whose fact points against the chain (a driver WORKS_FOR the carrier) is named as read downstream
    chainEls.edges().forEach((e) => {
      const f = (e.data("facts") || [])[0] || {};
      if (f.rel_head && f.rel_head === e.data("tail")) { e.data("stepName", I18N.inverse[e.data("type")] || relName(e.data("type"))); refreshEdge(e); }
    });
    await relayout("dagre", chainEls);
    this.showChain(c);
    document.body.dataset.chainDrawn = c.id || "1";
  },
  /** The chain as a work item: its steps in order, and what the manifests say (waste, tonnage). */
  async showChain(c) {
    $("#panel-empty").hidden = true;
    const manifests = (c.evidence || []).filter((d) => d.startsWith("doc:manifest:"));
    $("#panel-body").innerHTML = `<h2><span class="tag">${esc(CHAIN_KIND[c.kind] || c.kind)}</span>${esc(c.path[0].name)} → ${esc(c.path[c.path.length - 1].name)}</h2>
      <ol class="list chain-steps">${c.path.map((p) => `<li><span class="tag">${esc(labelName(p.label || p.type))}</span>${esc(p.name)}</li>`).join("")}</ol>
      <div id="chain-waste" class="hint">${manifests.length ? t("loading") : ""}</div>
      <h3>证据（${(c.evidence || []).length} 份）</h3>${evidenceHtml(c.evidence || [])}`;
    wireDocLinks($("#panel-body"));
    if (!manifests.length) return;
    const rows = (await Promise.all(manifests.slice(0, 30).map((k) => api(`/api/entities/${enc(k)}`).catch(() => null)))).filter(Boolean);
    const wastes = [...new Set(rows.map((r) => [r.props.waste_name, r.props.waste_code].filter(Boolean).join(" ")).filter(Boolean))];
    const tons = rows.reduce((sum, r) => sum + (Number.parseFloat(r.props.tons) || 0), 0);
    const box = $("#chain-waste");
    if (box) box.innerHTML = `<table class="props"><tr><th>废物</th><td>${esc(wastes.join("、") || "—")}</td></tr>
      <tr><th>联单</th><td>${manifests.length} 份</td></tr><tr><th>合计吨数</th><td>${tons ? tons.toFixed(2) + " 吨" : "—"}</td></tr></table>`;
  },
  showStep(el) {
    const d = el.data(), facts = d.facts || [];
    $("#panel-empty").hidden = true;
    const cy = Chart.cy;
    $("#panel-body").innerHTML = `<h2>${esc(cy.getElementById(d.head).data("name"))} —[${esc(d.stepName || relName(d.type))}]→ ${esc(cy.getElementById(d.tail).data("name"))}</h2>
      <div class="hint">链条环节（上游 → 下游）</div><ol class="list facts">${facts.map((f) => `<li>${esc(relName(f.rel))}：
      ${esc(cy.getElementById(f.rel_head).data("name") || f.rel_head || "")} → ${esc(cy.getElementById(f.rel_tail).data("name") || f.rel_tail || "")}
      ${f.doc ? `<div><a href="#" class="doclink" data-key="${esc(f.doc)}">${esc(docTitle({ key: f.doc }))}</a></div>` : ""}
      ${f.quote ? `<div class="quote">${esc(f.quote)}</div>` : ""}</li>`).join("")}</ol>`;
    wireDocLinks($("#panel-body"));
  },

  // ---------------------------------------------------------------- alerts: evidence, acknowledge / assign / dismiss
  async loadAlerts() {
    const ul = $("#alert-list");
    try {
      const r = await api("/api/alerts");
      ul.innerHTML = r.alerts.length ? "" : `<li>${t("noAlerts")}</li>`;
      const rv = r.review;  // analysts' decisions: the alert system's precision on real data
      if (rv && r.alerts.length) {
        const li = document.createElement("li");
        li.className = "alert-review";
        li.id = "alert-review";
        li.textContent = reviewText(rv);
        ul.appendChild(li);
      }
      for (const a of r.alerts) {
        const li = document.createElement("li");
        li.className = "alert-item";
        li.dataset.key = a.key;
        const st = a.status || "open";
        li.innerHTML = `<span class="tag">${esc(a.kind_name || I18N.alertKinds[a.kind] || "预警")}</span><span class="status st-${esc(st)}">${esc(I18N.alertStatus[st] || st)}</span>` +
          `<span class="score">${a.score != null ? Number(a.score).toFixed(2) : ""}</span><div>${esc(a.title || a.message || "")}</div>`;
        ul.appendChild(listRow(li, () => this.showAlert(a)));
      }
    } catch (e) { ul.innerHTML = `<li class="error">${esc(e.message)}</li>`; }
  },
  async showAlert(a) {
    const view = $("#alert-view");
    const st = a.status || "open";
    view.innerHTML = `<h3>${esc(a.kind_name || "预警")}</h3><div>${esc(a.title || "")}</div>
      <table class="props"><tr><th>${propName("time")}</th><td>${esc(showTime(a.time))}</td></tr>
      <tr><th>${propName("score")}</th><td>${a.score != null ? Number(a.score).toFixed(2) : ""}</td></tr>
      <tr><th>处置状态</th><td id="alert-status">${esc(I18N.alertStatus[st] || st)}${a.status_by ? `（${esc(a.status_by)}${a.assignee ? " → " + esc(a.assignee) : ""}：${esc(a.status_reason || "")}）` : ""}</td></tr></table>
      <h3>证据（${(a.evidence || []).length} 份）</h3>${evidenceHtml(a.evidence || [])}
      <div id="alert-actions" ${can("review") ? "" : "hidden"}><h3>处置</h3>
        <textarea id="alert-reason" rows="2" placeholder="理由（必填）"></textarea>
        <label>指派给（用户名） <input id="alert-assignee" autocomplete="off"></label>
        <button type="button" data-act="acknowledge">确认预警</button><button type="button" data-act="assign" class="secondary">指派</button>
        <button type="button" data-act="dismiss" class="danger">排除（误报）</button><div id="alert-msg"></div></div>`;
    wireDocLinks(view);
    view.querySelectorAll("[data-act]").forEach((b) => { b.onclick = () => this.actOnAlert(a, b.dataset.act); });
    const targets = (a.targets || []).slice(0, 12);
    const ents = await Promise.all(targets.map((k) => api(`/api/entities/${enc(k)}`).catch(() => null)));
    chartAdd(ents.filter(Boolean).map((e) => ({ key: e.key, name: e.name, label: e.label })), [], { explicit: true });
  },
  async actOnAlert(a, action) {
    const reason = $("#alert-reason").value.trim(), assignee = $("#alert-assignee").value.trim();
    if (!reason) { $("#alert-msg").textContent = t("reviewReasonNeeded"); return; }
    if (action === "assign" && !assignee) { $("#alert-msg").textContent = "请填写指派对象"; return; }
    try {
      const r = await api(`/api/alerts/${enc(a.key)}/action`, { method: "POST", json: { action, reason, assignee: assignee || null } });
      Object.assign(a, r);
      $("#alert-msg").textContent = "已" + (I18N.alertStatus[r.status] || r.status).replace(/^已/, "");
      const li = document.querySelector(`.alert-item[data-key="${CSS.escape(a.key)}"] .status`);
      if (li) { li.textContent = I18N.alertStatus[r.status] || r.status; li.className = `status st-${r.status}`; }
      $("#alert-status").textContent = `${I18N.alertStatus[r.status] || r.status}（${r.status_by}${r.assignee ? " → " + r.assignee : ""}：${r.status_reason}）`;
      this.refreshAlertReview();
    } catch (e) { $("#alert-msg").textContent = e.message; }
  },
  /** The decisions summary under the alert list, read again after a decision. */
  async refreshAlertReview() {
    try {
      const rv = (await api("/api/alerts")).review;
      const li = $("#alert-review");
      if (rv && li) li.textContent = reviewText(rv);
    } catch (e) { /* the list itself still shows the decision */ }
  },
};

function reviewText(rv) {
  return `处置统计：确认 ${rv.acknowledged}、指派 ${rv.assigned}、排除 ${rv.dismissed}、待处置 ${rv.open}` +
    (rv.precision != null ? `；按处置计的准确率 ${Number(rv.precision).toFixed(2)}` : "");
}

// ---------------------------------------------------------------- upstream (water): station / segment → outfalls → owners
Work.loadWaterSites = async function loadWaterSites() {
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
Work.traceUpstream = async function traceUpstream() {
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
      listRow(li, () => { Chart.cy.elements().removeClass("onpath"); highlightUpstream(c, r.station); addEntity(c.company && c.company.key ? c.company.key : c.outfall, owner, c.company && c.company.key ? "Company" : "Site"); });
      ol.appendChild(li);
    });
    document.body.dataset.upstream = String(r.candidates.length);
  } catch (e) { ol.innerHTML = `<li class="error">${esc(e.message)}</li>`; }
}
function drawUpstream(r, siteName) {
  if (!Chart.cy) return;
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
  chartAdd(nodes, edges, { explicit: true });
  Chart.cy.elements().removeClass("onpath");
  if (r.candidates.length) highlightUpstream(r.candidates[0], r.station);
}
function highlightUpstream(c, station) {
  const path = (c.details || {}).segment_path || [];
  const keys = [c.company && c.company.key, c.outfall, ...path, station].filter(Boolean);
  keys.forEach((k) => Chart.cy.getElementById(k).addClass("onpath"));
  Chart.cy.edges().filter((e) => keys.includes(e.data("head")) && keys.includes(e.data("tail"))).addClass("onpath");
}

