"""Domain repairs built on LAC's segmentation: full company names, address chains,
person-name fixes.  Input words are LAC's `(start, end, tag)` triples.
"""

from __future__ import annotations

import re

from nlp.rules import P_LOC_RULE, P_ORG_RULE, SURNAMES, Cand

Word = tuple[int, int, str]

# ------------------------------------------------------------------ companies

ORG_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "分公司",
    "公司",
    "集团",
    "专业合作社",
    "股份经济合作社",
    "合作社",
    "经营部",
    "商行",
    "门市部",
    "养殖场",
    "加工厂",
    "总厂",
    "分厂",
    "厂",
    "回收站",
    "收购站",
    "农家乐",
)
_ORG_SUFFIX_RE = re.compile(
    "(?:" + "|".join(sorted(ORG_SUFFIXES, key=len, reverse=True)) + r")(?:（[\u4e00-\u9fff]{2,6}）)?"
)
# branch office: "XX有限公司长兴分公司" — keep going after the first suffix
_BRANCH_RE = re.compile(r"[\u4e00-\u9fff]{2,5}(?:分公司|分厂|分店|营业部)")
# words that are industries/kinds, not names: "一家物流公司", "那个化工厂"
GENERIC_NAME_WORDS = set(
    "物流 运输 货运 化工 印染 电镀 建筑 环保 科技 贸易 工程 机械 建材 石材 汽修 物业 保洁 养殖 废品 回收 砂石 搅拌 "
    "混凝土 服装 童装 纺织 家具 木业 塑料 塑胶 五金 食品 水产 冷链 造纸 包装 铸造 钢铁 冶炼 金属 表面处理 "
    "材料 新材料 实业 投资 发展 农业 生态 渔业 石料 采石 矿业 加工 生产 制造 化纤 皮革 制革 酿造 小 大 老 新 这 那 该 某 "
    "一家 这家 那家 一个 那个 这个 个 家 的 本 外地 当地 附近 周边 隔壁 村里 镇上 村 镇 县 市 区 乡 "
    "黑 无证 非法 地下 小型 个体 私人".split()
)
_ORG_STOP_TAGS = {"v", "p", "c", "u", "w", "r", "d", "q", "f", "TIME", "xc", "ad", "vd", "m", "PER"}
_ORG_STOP_CHARS = set("的将把被由在从向对与和及或跟给经系是为其该这那了着过到往让叫说称说有")


def _org_start(text: str, words: list[Word], wi: int, suffix_start: int) -> int | None:
    """Start of the company name ending at `suffix_start`: walk back over LAC words
    (wi is the word holding suffix_start) while they look like name material."""
    w = words[wi]
    start = suffix_start
    if w[0] < suffix_start:  # suffix inside a word: "印染厂", or a whole LAC ORG
        start = w[0]
    j = wi - 1
    while j >= 0:
        s, e, tag = words[j]
        seg = text[s:e]
        if e != start or suffix_start - s > 24:
            break
        if not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9（）()]+", seg):
            break
        if tag in ("LOC", "ORG", "nz", "nw", "j", "nt", "ns"):
            pass
        elif tag in ("n", "vn", "an", "a", "s"):
            if any(c in _ORG_STOP_CHARS for c in seg):
                break
        elif tag == "v" and len(seg) >= 2 and not any(c in _ORG_STOP_CHARS for c in seg):
            # verbs inside names ("驰骋", "顺发") only when name material precedes them
            if j == 0 or words[j - 1][2] not in ("LOC", "ORG", "nz", "n"):
                break
        elif tag == "PER" and len(seg) <= 3:
            pass
        else:
            break
        start = s
        j -= 1
    return start


def find_orgs(text: str, words: list[Word]) -> list[Cand]:
    out: list[Cand] = []
    if not words:
        return out
    starts = [w[0] for w in words]
    import bisect

    for m in _ORG_SUFFIX_RE.finditer(text):
        s_suf, e = m.start(), m.end()
        # extend a branch office: "...有限公司长兴分公司"
        b = _BRANCH_RE.match(text, e)
        if b and m.group().endswith(("公司", "厂")):
            e = b.end()
        wi = bisect.bisect_right(starts, s_suf) - 1
        if wi < 0:
            continue
        start = _org_start(text, words, wi, s_suf)
        if start is None or start >= s_suf:
            continue
        # prefer a LAC ORG word that starts earlier and runs into this suffix
        name = text[start:s_suf]
        # strip leading generic or demonstrative words
        name_words = [w for w in words if w[0] >= start and w[1] <= s_suf]
        while name_words and (text[name_words[0][0] : name_words[0][1]] in GENERIC_NAME_WORDS and len(name_words) > 1):
            name_words.pop(0)
            start = name_words[0][0]
        name = text[start:s_suf]
        if not name:
            continue
        kind = m.group()
        if all(text[w[0] : w[1]] in GENERIC_NAME_WORDS for w in name_words):
            continue
        min_len = 2 if "公司" in kind or "合作社" in kind else 2
        if len(name) < min_len:
            continue
        conf = 0.9 if len(name) >= 4 else 0.75
        out.append(Cand(start, e, "ORG", "rule", P_ORG_RULE, conf))
    return out


# ------------------------------------------------------------------ addresses

_ADMIN_SUFFIX = re.compile(
    r"(?:省|市|自治州|地区|盟|县|自治县|区|旗|镇|乡|街道|村|社区|村委会|居委会|组|网格|路|街|大道|巷|弄|里|"
    r"河|江|溪|港|湖|塘|浦|漾|荡|湾|水库|渠|沟|桥|山|岭|岛|礁|洋|码头|渔港|口|大桥|坝|闸|矿|矿区|工业园区|工业园|园区|开发区|景区|保护区|林场|牧场|"
    r"服务区|收费站|高速|国道|省道|公园|广场|小区|新村|苑|庄|寺|庙|滩|湿地|草原|沙漠|峡谷|林区|山口)$"
)
_NUM_ADDR_RE = re.compile(
    r"(?:第?[0-9０-９一二三四五六七八九十]+(?:号|幢|栋|弄|组|单元|室|楼|层|网格|号楼|区块|车间|仓库))+"
)
_SITE_EXT_RE = re.compile(
    r"(?:(?:的)?(?:东|南|西|北|东南|东北|西南|西北)(?:侧|面|边|部|首|岸|头)?)?(?:的)?(?:废弃|原|老|一处|一个|那个|附近的?)?(?:的)?"
    r"(?:石矿坑|废矿坑|矿坑|采石场|石矿|废弃鱼塘|鱼塘|废塘|水塘|河道|河段|河埠头|河滩|江滩|沙滩|滩涂|码头|山沟|山坳|竹林|树林|林地|农田|耕地|菜地|空地|荒地|厂区|厂房|仓库|堆场|排污口|排口|入河口|入海口|桥下|桥洞|涵洞|大坝|水库|港池|锚地|海域|水域|湖面|沿岸|岸边|山口|后山|山顶|半山腰|垃圾场|填埋场|废品站)"
)
_LOCISH_TAGS = {"LOC", "ns"}


def _is_loc_piece(text: str, w: Word) -> bool:
    s, e, tag = w
    seg = text[s:e]
    if tag in _LOCISH_TAGS:
        return True
    if tag in ("n", "nz", "s", "ORG", "PER", "j") and len(seg) >= 3 and _ADMIN_SUFFIX.search(seg):
        # "尹家圩村" tagged n; "余英溪" mis-tagged PER; reject generic "河道", "村里"
        if seg in (
            "村里",
            "河里",
            "河道",
            "湖边",
            "山上",
            "镇上",
            "县里",
            "市里",
            "村口",
            "路口",
            "港口",
            "门口",
            "河边",
            "路边",
            "山里",
            "湖里",
            "江里",
            "村子",
        ):
            return False
        if tag == "PER" and not re.search(r"(?:溪|河|港|湖|江|村|镇|山|岭|塘|桥)$", seg):
            return False
        return True
    return False


def find_locs(text: str, words: list[Word]) -> list[Cand]:
    """Merge adjacent LOC pieces into one address chain, then extend it with house numbers
    and an attached site noun ("青岭村北侧废弃石矿坑")."""
    out: list[Cand] = []
    n = len(words)
    i = 0
    while i < n:
        if not _is_loc_piece(text, words[i]):
            i += 1
            continue
        s = words[i][0]
        e = words[i][1]
        j = i + 1
        while j < n:
            w = words[j]
            if w[0] != e:
                break
            seg = text[w[0] : w[1]]
            if _is_loc_piece(text, w):
                e = w[1]
                j += 1
                continue
            # road / number pieces: "大港路" + "128号"
            m = _NUM_ADDR_RE.match(text, w[0])
            if m:
                e = m.end()
                while j < n and words[j][1] <= e:
                    j += 1
                continue
            # "XX村委" etc. are ORG; stop
            if seg in ("以西", "以东", "以南", "以北"):
                break
            break
        # trailing numbers directly after
        m = _NUM_ADDR_RE.match(text, e)
        if m:
            e = m.end()
        m = _SITE_EXT_RE.match(text, e)
        if m:
            e = m.end()
        while j < n and words[j][0] < e:
            j += 1
        out.append(Cand(s, e, "LOC", "rule", P_LOC_RULE, 0.85))
        i = j
    return out


def merge_adjacent_locs(text: str, words: list[Word]) -> list[Cand]:
    """Baseline only: LAC's adjacent LOC words joined, nothing else."""
    out: list[Cand] = []
    i, n = 0, len(words)
    while i < n:
        if words[i][2] != "LOC":
            i += 1
            continue
        j = i + 1
        while j < n and words[j][2] == "LOC" and words[j][0] == words[j - 1][1]:
            j += 1
        out.append(Cand(words[i][0], words[j - 1][1], "LOC", "model", P_LOC_RULE, 0.8))
        i = j
    return out


def has_surname(name: str) -> bool:
    return bool(name) and name[0] in SURNAMES


# ------------------------------------------------------------------ persons

_ROLE_BEFORE_NAME = re.compile(
    r"(?:犯罪嫌疑人|嫌疑人|被告人|当事人|驾驶员|司机|船长|船主|车主|负责人|法定代表人|法人代表|实际控制人|老板|经理|厂长|"
    r"网格员|村民|村干部|护林员|巡护员|民警|工人|员工|户主|业主|经营者|举报人|报案人|来电人|同伙|伙同|雇佣|雇用|联系人)[：:]?$"
)
_NAME_END_RE = re.compile(
    r"[，,。、；;：:（(\s]|驾驶|开着|伙同|和|与|等|在|将|于|从|因|被|已|系|为|是|称|说|驾|把|到|向|的|男|女|，"
)


def find_persons(text: str, words: list[Word]) -> list[Cand]:
    """Names LAC misses right after a role word: "驾驶员费建明", "船主郑海波"."""
    out: list[Cand] = []
    for s, _e, tag in words:
        if tag == "PER" or text[s] not in SURNAMES:
            continue
        if not _ROLE_BEFORE_NAME.search(text[max(0, s - 8) : s]):
            continue
        # take 2-3 characters starting at s, ending where a delimiter or verb begins
        for ln in (3, 2):
            cand = text[s : s + ln]
            if len(cand) < ln or not re.fullmatch(r"[\u4e00-\u9fff]+", cand):
                continue
            if "某" in cand:
                break
            nxt = text[s + ln : s + ln + 2]
            if not nxt or _NAME_END_RE.match(nxt):
                out.append(Cand(s, s + ln, "PERSON", "rule", 60, 0.7))
                break
    return out


def postfilter(text: str, chosen: list[Cand]) -> list[Cand]:
    out = []
    for c in chosen:
        seg = text[c.start : c.end]
        if c.label == "PERSON":
            if len(seg) < 2 or re.search(r"[0-9A-Za-z]", seg):
                continue
        if c.label in ("LOC", "ORG") and len(seg) < 2:
            continue
        out.append(c)
    return out
