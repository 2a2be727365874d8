/* ecograph 研判工作台 — case files (案卷): the chart, its positions, filters and notes, saved on the server,
 * reopened after a reload, shared with named users and roles from a dialog. */
"use strict";

const LAST_CASEFILE = "ecograph.casefile";

const CaseFiles = {
  current: null, // {id, name, version, mine, owner, shares}
  saving: null,
  timer: null,
  restoring: false,

  async load() {
    const ul = $("#casefile-list");
    $("#casefile-form").hidden = !can("share");
    try {
      const r = await api("/api/casefiles");
      ul.innerHTML = r.casefiles.length ? "" : `<li class="hint">还没有案卷</li>`;
      for (const c of r.casefiles) {
        const li = document.createElement("li");
        li.className = "casefile-item";
        li.dataset.id = c.id;
        li.innerHTML = `<b>${esc(c.name)}</b>${c.mine ? "" : `<span class="tag">共享自 ${esc(c.owner)}</span>`}<div class="hint">更新于 ${esc(showTime(c.updated_at))}（${esc(c.updated_by)}）</div>`;
        ul.appendChild(listRow(li, () => this.open(c.id)));
      }
    } catch (e) { ul.innerHTML = `<li class="error">${esc(e.message)}</li>`; }
  },
  async create(ev) {
    ev.preventDefault();
    const name = $("#casefile-new-name").value.trim();
    if (!name) return;
    try {
      const c = await api("/api/casefiles", { method: "POST", json: { name } });
      $("#casefile-new-name").value = "";
      this.setCurrent(c);
      await this.save(); // the chart as it is now becomes the case file's first state
      await this.load();
    } catch (e) { banner(e.message); }
  },
  setCurrent(c) {
    const typed = $("#casefile-notes") ? $("#casefile-notes").value : "";
    this.current = { id: c.id, name: c.name, version: c.version, mine: c.mine, owner: c.owner, shares: c.shares || [] };
    localStorage.setItem(LAST_CASEFILE, c.id);
    $("#casefile-name").textContent = `案卷：${c.name}`;
    const sharedTo = (c.shares || []).map((s) => (s.kind === "role" ? `角色 ${I18N.roles[s.grantee] || s.grantee}` : s.grantee)).join("、");
    $("#casefile-current").innerHTML = `<h3>当前案卷：<span id="casefile-title">${esc(c.name)}</span></h3>
      <div class="hint">所有人：${esc(c.owner)}${sharedTo ? `；已共享给：${esc(sharedTo)}` : ""}</div>
      <label>备注 <textarea id="casefile-notes" rows="4" placeholder="研判记录、待办事项…"></textarea></label>
      <button id="casefile-save" type="button">保存</button>
      ${c.mine || state.user.role === "admin" ? '<button id="casefile-share" type="button" class="secondary">共享…</button>' : ""}
      <button id="casefile-close" type="button" class="secondary">关闭案卷</button>
      <span id="casefile-status" class="hint" role="status"></span>
      <h3>实体与文书</h3><ul id="casefile-entities" class="list small"></ul>`;
    $("#casefile-notes").value = c.notes !== undefined ? c.notes : typed;
    $("#casefile-notes").oninput = () => this.schedule();
    $("#casefile-save").onclick = () => this.save();
    $("#casefile-close").onclick = () => this.close();
    const sh = $("#casefile-share");
    if (sh) sh.onclick = () => ShareDialog.open({ kind: "casefile", ref: c.id, title: c.name, shares: c.shares || [] });
    this.listEntities();
  },
  listEntities() {
    const ul = $("#casefile-entities");
    if (!ul || !Chart.cy) return;
    const nodes = Chart.cy.nodes().sort((a, b) => (a.data("label") + a.data("name")).localeCompare(b.data("label") + b.data("name")));
    ul.innerHTML = nodes.map((n) => `<li data-key="${esc(n.id())}"><span class="tag">${esc(labelName(n.data("label")))}</span>${esc(n.data("label") === "Document" ? docTitle({ key: n.id(), title: n.data("name") !== n.id() ? n.data("name") : "" }) : n.data("name"))}</li>`).join("");
    ul.querySelectorAll("li").forEach((li) => listRow(li, () => { Chart.cy.$(":selected").unselect(); Chart.cy.getElementById(li.dataset.key).select(); showEntity(li.dataset.key); }));
  },
  chartState() {
    const cy = Chart.cy;
    return { elements: { nodes: cy.nodes().jsons(), edges: cy.edges().jsons() }, filters: getFilters(), view: { zoom: cy.zoom(), pan: cy.pan() } };
  },
  schedule() {
    if (!this.current || this.restoring) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), 1500);
    const st = $("#casefile-status"); if (st) st.textContent = "未保存的修改…";
  },
  async save() {
    if (!this.current || !Chart.cy) return;
    clearTimeout(this.timer);
    const body = { state: this.chartState(), version: this.current.version };
    const notes = $("#casefile-notes");
    if (notes) body.notes = notes.value;
    const st = $("#casefile-status");
    try {
      const c = await api(`/api/casefiles/${enc(this.current.id)}`, { method: "PUT", json: body });
      this.current.version = c.version;
      if (st) st.textContent = `${t("saved")}（${showTime(c.updated_at)}）`;
      document.body.dataset.casefileVersion = String(c.version);
      this.listEntities();
    } catch (e) { if (st) st.textContent = e.message; }
  },
  async open(id) {
    try {
      const c = await api(`/api/casefiles/${enc(id)}`);
      this.restoring = true;
      const s = c.state || {};
      setFilters(s.filters || {});
      const els = s.elements || { nodes: [], edges: [] };
      Chart.cy.batch(() => { Chart.cy.elements().remove(); Chart.cy.add(els.nodes || []); Chart.cy.add(els.edges || []); });
      Chart.cy.nodes(".pinned").lock();
      Chart.undo = []; Chart.redo = [];
      applyFilters();
      if (s.view && s.view.zoom) { Chart.cy.zoom(s.view.zoom); Chart.cy.pan(s.view.pan); } else fitView();
      this.setCurrent(c);
      this.restoring = false;
      document.body.dataset.casefile = c.id;
      switchTab("cases");
    } catch (e) { this.restoring = false; banner(e.message); if (/找不到|未与您共享/.test(e.message)) localStorage.removeItem(LAST_CASEFILE); }
  },
  close() {
    this.current = null; localStorage.removeItem(LAST_CASEFILE);
    $("#casefile-current").innerHTML = ""; $("#casefile-name").textContent = "";
    delete document.body.dataset.casefile;
  },
  async restoreLast() {
    const id = localStorage.getItem(LAST_CASEFILE);
    if (id) await this.open(id);
  },
};

/** Sharing from a dialog: pick users and roles (case files) or users (a case document for prosecutors). */
const ShareDialog = {
  target: null,
  async open(target) {
    this.target = target;
    const dlg = $("#share-dialog");
    $("#share-title").textContent = `共享：${target.title}`;
    $("#share-error").textContent = ""; $("#share-extra").value = "";
    $("#share-roles-box").hidden = target.kind !== "casefile";
    const shared = new Set((target.shares || []).map((s) => `${s.kind}:${s.grantee}`));
    try {
      const r = await api("/api/share-targets");
      const users = target.kind === "case" ? r.users.filter((u) => u.role === "prosecutor") : r.users;
      $("#share-users").innerHTML = users.map((u) => `<label class="check"><input type="checkbox" name="u" value="${esc(u.username)}" ${shared.has("user:" + u.username) ? "checked" : ""}>` +
        `${esc(u.display_name)}（${esc(u.username)}，${esc(I18N.roles[u.role] || u.role)}）</label>`).join("") || `<div class="hint">${t("none")}</div>`;
      $("#share-roles").innerHTML = r.roles.map((x) => `<label class="check"><input type="checkbox" name="r" value="${esc(x.role)}" ${shared.has("role:" + x.role) ? "checked" : ""}>${esc(x.name)}</label>`).join("");
    } catch (e) { $("#share-error").textContent = e.message; }
    $("#share-current").textContent = (target.shares || []).length ? "已勾选的为当前共享对象；取消勾选即撤销共享。" : "";
    if (typeof dlg.showModal === "function") dlg.showModal(); else dlg.setAttribute("open", "");
  },
  close() { const dlg = $("#share-dialog"); if (dlg.open) dlg.close(); },
  async submit() {
    const tg = this.target;
    const users = [...document.querySelectorAll("#share-users input:checked")].map((i) => i.value)
      .concat($("#share-extra").value.split(/[,，\s]+/).filter(Boolean));
    const roles = [...document.querySelectorAll("#share-roles input:checked")].map((i) => i.value);
    try {
      if (tg.kind === "casefile") {
        const c = await api(`/api/casefiles/${enc(tg.ref)}/shares`, { method: "POST", json: { users, roles } });
        if (CaseFiles.current && CaseFiles.current.id === tg.ref) CaseFiles.setCurrent(Object.assign({}, CaseFiles.current, c, { notes: undefined }));
      } else {
        if (!users.length) { $("#share-error").textContent = "请选择共享对象"; return; }
        for (const u of users) await api("/api/shares", { method: "POST", json: { username: u, kind: tg.kind, ref: tg.ref } });
      }
      this.close();
      banner(t("shareDone", users.concat(roles.map((r) => I18N.roles[r] || r)).join("、")));
    } catch (e) { $("#share-error").textContent = t("shareFailed", e.message); }
  },
};

window.addEventListener("DOMContentLoaded", () => {
  $("#casefile-form").addEventListener("submit", (e) => CaseFiles.create(e));
  $("#share-ok").onclick = () => ShareDialog.submit();
  $("#share-cancel").onclick = () => ShareDialog.close();
  Chart.onChange = () => CaseFiles.schedule();
});
window.CaseFiles = CaseFiles;
