/* ecograph 研判工作台 — the one message catalogue: every string the workbench shows.
 * Domain names (labels, relation types, extraction methods, sources) mirror api/export/names.py
 * and are refreshed from GET /api/schema after log-in, so the exports and the UI name things alike;
 * the copies here cover the log-in screen and a server that is down. */
"use strict";

const I18N = {
  labels: { Person: "人员", Company: "单位", Vehicle: "车辆", Vessel: "船舶", Phone: "电话", Site: "地点",
    Document: "文书", WasteType: "废物", Species: "物种", Gang: "团伙", Alert: "预警", CaseFile: "案卷" },
  relations: { MENTIONS: "提及", INVOLVED_IN: "涉及", DRIVES: "驾驶", OWNS: "拥有/实际控制", REPRESENTS: "代表",
    WORKS_FOR: "受雇于", USES_PHONE: "使用电话", CO_OFFENDER: "共同作案", SEEN_AT: "经过", LOCATED_AT: "位于",
    TRANSFERRED_WASTE: "转移危废", TRANSPORTS: "承运", DUMPED_AT: "倾倒于", DISCHARGES_INTO: "排入", FLOWS_INTO: "流入",
    MONITORS: "监测", HANDLES: "经手废物", INVOLVES_SPECIES: "涉及物种", POSSIBLY_SAME: "疑似同一", MEMBER_OF: "团伙成员",
    FLAGS: "预警指向", LOCATED_IN: "地处", CHAIN_STEP: "链条环节" },
  // a relationship read against its arrow (a chain step drawn upstream → downstream)
  inverse: { WORKS_FOR: "雇用", OWNS: "归属于", DRIVES: "驾驶人", TRANSPORTS: "委托承运", DUMPED_AT: "倾倒来源",
    SEEN_AT: "过车", LOCATED_AT: "所在事项", INVOLVED_IN: "涉及", MENTIONS: "见于", TRANSFERRED_WASTE: "接收危废自",
    HANDLES: "经手单位", DISCHARGES_INTO: "接纳排放", FLOWS_INTO: "上游为", REPRESENTS: "法定代表人", USES_PHONE: "使用人" },
  methods: { structured: "结构化字段", rule: "规则抽取", model: "模型抽取", human: "人工录入", inferred: "推断" },
  sources: { hotline: "12345热线工单", grid: "网格事件", case: "案件", anpr: "卡口过车", manifest: "危废转移联单",
    outfall: "排口登记", segment: "河段登记", reading: "水质监测", water: "水系监测", gang: "团伙研判", alert: "预警" },
  siteKinds: { place: "地点", grid: "网格", checkpoint: "卡口", segment: "河段", outfall: "排口", station: "监测站",
    mine_pit: "矿坑", dump: "倾倒点", dump_site: "倾倒点", wetland: "湿地", river: "河流", river_bank: "河滩", port: "码头", pier: "码头",
    quarry: "采石场", grid_event: "网格事件", borrow_pit: "取土坑", farmland: "农田", factory: "厂区" },
  review: { confirmed: "已人工确认", rejected: "已否决", "": "未复核" },
  roles: { investigator: "侦查员", analyst: "情报研判", prosecutor: "检察官", admin: "管理员" },
  // property keys of nodes, relationships and records
  props: { name: "名称", title: "标题", source: "来源", record_id: "记录编号", time: "时间", file: "来源文件", row: "行号",
    sha256: "SHA-256", ingest_run: "导入批次", facts_digest: "事实摘要", case_id: "案件编号", cause: "案由", unit: "办案单位",
    address: "地址", birth: "出生日期", gender: "性别", caller: "来电人", caller_phone: "来电号码", caller_phone_masked: "来电号码（脱敏）",
    carrier: "承运单位", producer: "产废单位", receiver: "接收单位", category: "类别", closed_at: "办结时间", code: "编码",
    driver: "驾驶员", event_type: "事件类型", exceeded: "是否超标", grid: "所属网格", handling_unit: "承办单位",
    id_card: "身份证号", phone: "电话", indicator: "指标", value: "数值", station: "监测站", segment: "河段", kind: "类型",
    lat: "纬度", lon: "经度", manifest_id: "联单编号", manifest: "联单", masked_name: "脱敏姓名", note: "备注", number: "编号",
    plate: "车牌号", reply: "答复", reporter: "上报人", reporter_phone: "上报人电话", result: "处置结果", role: "角色",
    status: "状态", tons: "吨数", uscc: "统一社会信用代码", vehicle_type: "车辆类型", vessel_type: "船舶类型",
    waste: "废物", waste_code: "废物代码", waste_name: "废物名称", aliases: "已合并的键", merge_log: "合并记录",
    split_log: "拆分记录", score: "得分", size: "人数", leader: "首要分子", rank: "排名", confidence: "置信度", count: "次数",
    doc: "来源文书", start: "起始位置", end: "结束位置", fact: "事实编号", field: "来源字段", first_seen: "首次出现",
    last_seen: "最后出现", method: "抽取方式", quote: "原文", review: "复核结论", review_reason: "复核理由",
    reviewed_by: "复核人", reviewed_at: "复核时间", via: "经由别名", via_head: "经由别名（起点）", via_tail: "经由别名（终点）",
    reason: "理由", evidence: "证据", alias: "别名", canonical: "并入", moved: "迁移关系数", alias_props: "别名属性",
    rule: "规则", id: "编号", detector: "检测规则", message: "内容", targets: "指向", acked_by: "处理人",
    assignee: "指派给", alert_status: "处置状态", vessel: "船舶", species: "物种", members: "成员" },
  // the audit log's actions: the API route names
  audit: { login: "登录", me: "查看当前用户", schema_names: "读取名称表", search: "搜索", neighbours: "展开关联",
    timeline: "查看时间线", entity_documents: "查看来源文书", entity: "查看实体", document: "打开文书", paths: "路径查找",
    sites: "地图地点", cases: "案件列表", gangs: "团伙列表", detect_gangs: "重新发现团伙", gang: "查看团伙",
    chains: "危废链条", water_sites: "监测站点", upstream: "溯源上游", alerts: "预警列表", alert_action: "处置预警",
    review: "复核关联", export_evidence: "导出证据链", share: "共享", shares: "查看共享", unshare: "取消共享",
    audit: "查看审计日志", audit_verify: "校验审计哈希链", list_users: "用户列表", add_user: "新增用户",
    casefiles: "案卷列表", casefile: "打开案卷", casefile_create: "新建案卷", casefile_save: "保存案卷",
    casefile_share: "共享案卷", casefile_delete: "删除案卷", share_targets: "读取共享对象", basemap: "读取底图", incidents: "地图网格事件", health: "存活检查" },
  outcome: { ok: "成功", denied: "拒绝", error: "出错", throttled: "已限流" },
  alertStatus: { open: "待处理", acknowledged: "已确认", assigned: "已指派", dismissed: "已排除" },
  alertKinds: { night_transport: "夜间运输", manifest_gap: "联单缺口", repeat_dumping: "重复倾倒", dump_site: "倾倒点",
    exceedance: "水质超标" },
  // HTTP status → what the user is told when the server's message is not Chinese
  http: { 400: "请求有误", 401: "未登录或登录已失效", 403: "无权限执行此操作", 404: "找不到所请求的内容",
    409: "内容已被他人修改，请刷新后重试", 422: "参数有误", 429: "操作过于频繁，请稍后再试", 500: "服务器内部错误",
    502: "服务器无响应", 503: "服务暂不可用（图数据库未就绪）", 504: "服务器响应超时" },
  yes: "是", no: "否",
  msg: {
    network: "无法连接服务器，请检查网络或稍后重试",
    loginFailed: "登录失败：{0}",
    sessionExpired: "登录已失效，请重新登录",
    notLoggedIn: "未登录",
    loading: "加载中…",
    none: "无",
    noResults: "无结果",
    searching: "搜索中…",
    noLibrary: "图形库未安装：请运行 scripts/setup_assets.sh（npm ci 安装 cytoscape）",
    expandFailed: "展开失败：{0}",
    truncated: "邻居过多，只显示前 {0} 个",
    notFoundInput: "找不到“{0}”",
    pathSearching: "查找中…（可取消）",
    pathNone: "在 {0} 跳内没有路径",
    pathCancelled: "已取消路径查找",
    pathSummary: "共 {0} 跳：",
    exporting: "生成中…",
    exported: "已导出（SHA-256 {0}）",
    exportFailed: "导出失败：{0}",
    shareDone: "已共享给 {0}",
    shareFailed: "共享失败：{0}",
    reviewReasonNeeded: "请填写理由",
    reviewFailed: "复核失败：{0}",
    confirmed: "已确认",
    rejectedNote: "已否决（不再计入研判）",
    noDated: "无带时间的记录",
    noGangs: "未发现团伙",
    noChains: "未发现链条",
    noAlerts: "无预警",
    noSites: "没有带坐标的地点",
    auditOk: "哈希链完整：{0} 行",
    auditBad: "发现篡改：{0}",
    anonymous: "匿名",
    gangDetecting: "正在重新发现团伙…",
    gangDetected: "已重新发现团伙：{0} 个",
    saved: "已保存",
    pngSaved: "已导出图片",
  },
};

/** Fill `{0}`, `{1}` … of a catalogue message. */
function t(id, ...args) {
  const s = I18N.msg[id] ?? id;
  return s.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)] ?? ""));
}
const labelName = (l) => I18N.labels[l] || l || "";
const relName = (r) => I18N.relations[r] || r || "";
const methodName = (m) => I18N.methods[m] || m || "";
const sourceName = (s) => I18N.sources[s] || s || "";
const propName = (k) => I18N.props[k] || k;

/** The Chinese parts of a bilingual text ("中文 / english；中文 / english" → "中文；中文"). */
function zhText(s) {
  const text = String(s ?? "");
  if (!/[\u4e00-\u9fff]/.test(text)) return text;
  return text.split(/[；;]\s*/).map((part) => {
    const pieces = part.split(" / ");
    return pieces.filter((x) => /[\u4e00-\u9fff]/.test(x)).join(" ") || "";
  }).filter(Boolean).join("；");
}

/** The Chinese part of a server message ("中文 / english" → "中文"); else what the status means. */
function serverMessage(status, detail) {
  const text = typeof detail === "string" ? detail : Array.isArray(detail) ? "" : detail ? JSON.stringify(detail) : "";
  const zh = zhText(text).trim();
  if (/[\u4e00-\u9fff]/.test(zh)) return zh;
  return I18N.http[status] || `服务器错误（${status}）`;
}

/** A document's title a person can read; a plate read `doc:anpr:<checkpoint>@<time>@<plate>` has none. */
function docTitle(doc) {
  if (doc.title) return doc.title;
  const m = /^doc:([a-z_]+):(.*)$/.exec(doc.key || "");
  if (!m) return doc.key || "";
  const [, source, rest] = m;
  if (source === "anpr") {
    const [checkpoint, time, plate] = rest.split("@");
    return `${sourceName("anpr")}记录 ${plate || ""} ${(time || "").replace("T", " ")} ${checkpoint ? "卡口 " + checkpoint : ""}`.trim();
  }
  return `${sourceName(source)} ${rest.replace(/@/g, " ")}`;
}

/** A property value in words: sources, methods, kinds, booleans; lists and JSON as readable lists. */
function propValue(k, v) {
  if (v === null || v === undefined || v === "") return "";
  if (typeof v === "boolean") return v ? I18N.yes : I18N.no;
  if (k === "source") return sourceName(v);
  if (k === "method") return methodName(v);
  if (k === "kind") return I18N.siteKinds[v] || v;
  if (k === "review") return I18N.review[v] || v;
  if (k === "role") return I18N.roles[v] || v;
  if (k === "confidence" && typeof v === "number") return v.toFixed(2);
  if (k === "type" && I18N.relations[v]) return relName(v);
  if (typeof v === "string" && / \/ /.test(v)) return zhText(v);
  return v;
}
