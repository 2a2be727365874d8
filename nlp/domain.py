"""Domain repairs built on LAC's segmentation: full company names, address chains,
person-name fixes.  Input words are LAC's `(start, end, tag)` triples.
"""

from __future__ import annotations

import re

from nlp.rules import P_LOC_RULE, P_ORG_RULE, SURNAMES, Cand
from nlp.times import keep_time

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
    "维修部",
    "修理部",
    "服务部",
    "销售部",
    "加工部",
    "商行",
    "门市部",
    "养殖场",
    "砂石料场",
    "砂石场",
    "石料场",
    "料场",
    "采砂场",
    "洗砂场",
    "屠宰场",
    "加工场",
    "农场",
    "林场",
    "渔场",
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
    "单位 企业 工厂 厂家 厂方 涉案单位 涉事企业 产废单位 运输单位 接收单位 黑 无证 非法 地下 小型 个体 私人 洗煤 洗砂 砖 砖瓦 水泥 石灰 木材 竹制品 竹木 饲料 化肥 农药 屠宰 冷库 修理 汽车维修 印花 湖笔".split()
)
_INDUSTRY_VERBS = set(
    "处理 加工 维修 修理 制造 回收 运输 养殖 印染 铸造 冶炼 清运 拆解 经营 销售 贸易 开发 生产 建设 装饰 装修 "
    "种植 包装 印刷 服务 检测 配送 租赁 设计 营造 制作 研发 发展 管理 物流 储运 收购 利用 再生 治理".split()
)
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
        elif tag in ("v", "vn") and seg in _INDUSTRY_VERBS:
            pass
        elif tag == "v" and len(seg) == 1 and j > 0 and words[j - 1][2] == "LOC" and seg not in _ORG_STOP_CHARS:
            pass  # "湖州" + "练" + "市丰收…合作社": the segmenter split a place name
        elif tag == "v" and len(seg) >= 2 and not any(c in _ORG_STOP_CHARS for c in seg):
            # verbs inside names ("驰骋", "顺发") only right after a place or brand
            if j == 0 or words[j - 1][2] not in ("LOC", "ORG", "nz") or words[j - 1][1] != s:
                break
        elif tag == "PER" and len(seg) <= 3:
            pass
        else:
            break
        start = s
        j -= 1
    return start


_ADDR_END = re.compile(r"(?:镇|乡|街道|村|社区|路|号|组|弄|工业园区|开发区)")
_LEAD_STRIP = "经在对据于将向从接由"


def find_orgs(text: str, words: list[Word]) -> list[Cand]:
    out: list[Cand] = []
    if not words:
        return out
    import bisect

    starts = [w[0] for w in words]
    for m in _ORG_SUFFIX_RE.finditer(text):
        s_suf, e = m.start(), m.end()
        before = text[max(0, s_suf - 6) : s_suf]
        # "…有限公司厂后": a suffix right after another company suffix is not a new name
        if re.search(r"(?:公司|厂|合作社|经营部)$", before):
            continue
        b = _BRANCH_RE.match(text, e)
        if b and m.group().endswith(("公司", "厂")):
            e = b.end()
        name_end = s_suf
        if text[s_suf - 1 : s_suf] in ("）", ")"):
            # "浙江天能电池（长兴）有限公司": walk back from before the bracket
            ob = max(text.rfind("（", max(0, s_suf - 10), s_suf), text.rfind("(", max(0, s_suf - 10), s_suf))
            if ob > 0:
                name_end = ob
        wi = bisect.bisect_right(starts, name_end) - 1
        if wi < 0:
            continue
        start = _org_start(text, words, wi, name_end)
        if start is None or start >= name_end:
            continue
        name_words = [w for w in words if w[0] >= start and w[1] <= s_suf]
        # cut a common-noun lead-in before the first place name: "渣土车所属湖州通衢…"
        for k, w in enumerate(name_words):
            if w[2] in ("LOC", "ORG") and k > 0:
                lead = name_words[:k]
                if all(x[2] in ("n", "v", "vn", "a", "s", "f", "r", "d") for x in lead):
                    name_words = name_words[k:]
                    start = w[0]
                break
        while name_words and text[name_words[0][0] : name_words[0][1]] in GENERIC_NAME_WORDS and len(name_words) > 1:
            name_words.pop(0)
            start = name_words[0][0]
        while start < s_suf and text[start] in _LEAD_STRIP:
            start += 1
        # an address in front of the name.  Town-level prefixes belong to registered names
        # ("德清县新市镇兴旺畜禽养殖专业合作社"); a village, road or house number does not
        # ("织里镇河西村湖州织里顺风童装厂").
        last_addr = None
        for am in _ADDR_END.finditer(text, start, s_suf):
            if text[am.end() : am.end() + 1] not in ("市", "县", "区", "镇"):
                last_addr = am
        if last_addr is not None:
            rest = text[last_addr.end() : s_suf]
            if len(rest) < 4 and not (len(rest) >= 2 and m.group() in ("有限公司", "有限责任公司", "股份有限公司")):
                continue  # "长城村养殖场", "善琏镇湖笔厂": a place plus a kind, no name
            if last_addr.group() not in ("镇", "乡", "街道"):
                start = last_addr.end()
        # a verb of provenance or handover in front is not part of the name: "废液来自长兴兴盛…公司"
        cuts = list(re.finditer(r"来自|源自|出自|属于|交由|交给|委托|卖给|售给|运往|运至|驾驶|使用", text[start:s_suf]))
        if cuts:
            start += cuts[-1].end()
        name = text[start:s_suf]
        if re.match(r"上述|前述|涉案", name):
            continue  # "上述厂区": a reference back, not a name
        inner = [w for w in name_words if w[0] >= start]
        if not name or (inner and all(text[w[0] : w[1]] in GENERIC_NAME_WORDS for w in inner)):
            continue
        if len(name) < 2:
            continue
        conf = 0.9 if len(name) >= 4 else 0.75
        out.append(Cand(start, e, "ORG", "rule", P_ORG_RULE, conf))
    out.extend(find_agencies(text, words))
    # "会同煤山派出所" segmented as one verb: the body after the verb
    for ws, we, _tag in words:
        m = _VERB_AGENCY_RE.fullmatch(text, ws, we)
        if m:
            out.append(Cand(m.start(1), we, "ORG", "rule", P_ORG_RULE, 0.75))
    return out


AGENCY_SUFFIX = (
    r"(?:人民政府|政府|公安局|公安分局|分局|派出所|边防派出所|森林公安局|森林公安|生态环境局|环境保护局|环保局|林业局|林业和草原局|"
    r"农业农村局|自然资源和规划局|自然资源局|水利局|海洋与渔业局|海洋渔业局|渔业局|综合行政执法局|行政执法局|执法局|市场监督管理局|"
    r"交通运输局|应急管理局|卫生健康委员会|管委会|管理委员会|管理局|管理处|管理站|管护中心|管护站|保护站|救护中心|检测中心|监测站|"
    r"环卫所|环卫站|林业站|农业站|水利站|兽医站|综合行政执法队|综合执法队|执法大队|执法中队|执法队|中队|大队|支队|总队|海警局|海警工作站|海事局|海事处|检察院|人民检察院|法院|人民法院|"
    r"村民委员会|村委会|居委会|村委|街道办事处|办事处|生态办|农办|卫生院|医院|学校|中学|小学|研究所|研究院|鉴定中心|处置中心|保护区管理局|"
    r"水务局|城管局|城市管理局|气象局|林草局|畜牧兽医局|渔政站|渔政大队|海警工作站|工作站|局)"
)
_AGENCY_RE = re.compile(AGENCY_SUFFIX)
_VERB_AGENCY_RE = re.compile(
    r"(?:会同|联合|配合|协同|协助|移交|移送|报告|通知|报|交)([\u4e00-\u9fff]{2,8}?" + AGENCY_SUFFIX + ")"
)
_AGENCY_MID_VERB = re.compile(
    r"会同|联合|配合|协助|移送|移交|转办|转交|接到|组织|通报|报告|责令|要求|通知|联系|调查|检查|查处"
)
_AGENCY_MID_STOP = set("的了在是有将把被从到向对等个那这其该已并称说接，。、；：（）()")


def find_agencies(text: str, words: list[Word]) -> list[Cand]:
    """Government bodies: place chain + agency ("湖州市生态环境局南浔分局", "煤山派出所")."""
    out: list[Cand] = []
    locs = [
        w
        for w in words
        if w[1] - w[0] >= 2
        and (
            w[2] in ("LOC", "ORG")
            or (w[2] in ("p", "v") and w[1] - w[0] >= 5 and text[w[0]] in _LEAD_STRIP)
            or (w[2] in ("n", "nz", "j") and _ADMIN_SUFFIX.search(text[w[0] : w[1]]))
        )
    ]
    used_until = -1
    for w in locs:
        if w[0] < used_until or text[w[0] : w[1]] in _GENERIC_PLACE:
            continue
        s0 = w[0]
        while s0 < w[1] and text[s0] in _LEAD_STRIP:
            s0 += 1
        pos = s0
        end = None
        while True:
            m = _AGENCY_RE.search(text, pos, min(len(text), pos + 22))
            if not m:
                break
            mid = text[pos : m.start()]
            if (
                any(c in _AGENCY_MID_STOP for c in mid)
                or re.search(r"[0-9A-Za-z]", mid)
                or _AGENCY_MID_VERB.search(mid)
            ):
                break
            if end is not None and (len(mid) > 10 or re.search(r"[和与及同]", mid)):
                break
            end = m.end()
            pos = end
        if end is not None:
            co = re.match(r"(?:股份有限公司|有限责任公司|有限公司)", text[end:])
            if co:
                end += co.end()
            # a unit under the agency continues the name: "公安局" + "吴兴区分局", "+环境犯罪侦查支队"
        if end is None:
            continue
        # the agency must start at the place name (or be one LAC ORG word)
        if end - s0 < 4:
            continue
        out.append(Cand(s0, end, "ORG", "rule", P_ORG_RULE, 0.85))
        used_until = end
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
    r"(?:(?:东|南|西|北|东南|东北|西南|西北)(?:侧|面|边|部)?)?(?:废弃|原|老)?"
    r"(?:石矿坑|废矿坑|矿坑|采石场|采石宕口|宕口|石矿|鱼塘|废塘|河埠头|滩涂|湿地|码头|渔港|山沟|山坳|后山|排污口|入河口|入海口|水库|垃圾场|填埋场)"
    r"|[\u4e00-\u9fff]{2}(?:渔港|码头|港区)"
)
_GENERIC_PLACE = set(
    "村里 河里 河道 湖边 山上 镇上 县里 市里 村口 路口 港口 门口 河边 路边 山里 湖里 江里 村子 山区 水域 海域 岸边 沿岸 湖面 "
    "禁渔区 保护区 雨水沟 水沟 山沟 河沟 鱼塘 池塘 水塘 废塘 山塘 清塘 护林 江边 海边 溪边 溪里 塘里 港里 村委 小区 景区 园区 厂区 "
    "城区 市区 郊区 辖区 库区 矿区 林区 社区 片区 地区 交叉口 江南 河西 湖南 山东 山西 镇里 镇村 村镇 乡里 "
    "林带 林地 湿地 河面 水面 江面 海面 塘边 河岸 湖岸 江岸 海岸 岸上 桥下 桥上 桥头 溪沟 河段 路段 路面 路口 路上".split()
)
_CONT_RE = re.compile(
    r"[上下]?[^\W\d_的了在是有和与及往把被将从到向对等个那这其该于已并经由说都也就还又很一处弃沿境内近附边旁里侧下上面]{1,4}?"
    r"(?:街道|社区|镇|乡|村|路|街|大道|巷|弄|港|溪|河|塘|湖|浦|漾|荡|渠|江|桥)"
)
_GENERIC_AFTER = {
    "河": "道里边上面口岸头水沿床滩",
    "港": "口里",
    "溪": "里边水",
    "塘": "里边",
    "湖": "里边面",
    "村": "里民委子口",
    "江": "里边",
    "路": "上边口",
    "街": "上头",
    "桥": "下上头边",
    "镇": "上里",
    "乡": "下里",
}
_LOCISH_TAGS = {"LOC", "ns"}
_UNIT_CHARS = set("省市县区镇乡村路街巷港溪河塘湖桥浦湾岛山")
_LOC_LEAD_WORDS = re.compile(r"(?:户籍地|户籍所在地|户籍|家住|住址|居住地|住所地|住|地址|位于|地处)")
_ORG_TAIL = re.compile(r"(?:公司|厂|合作社|经营部|商行|养殖场|料场|局|所|队|站|中心|委员会|村委|管委会|政府)$")
_ADMIN_UNIT_END = re.compile(r"(?:县|区|镇|乡|街道|村|社区)")


def _piece_end(text: str, w: Word) -> int | None:
    """End of the place part of a LAC word: all of a LOC word; for a word that runs into
    a company or fragment ("河西村湖州织里顺风童装厂", "善琏镇湖") the part up to the last
    administrative unit."""
    s, e, tag = w
    seg = text[s:e]
    if _is_loc_piece(text, w) and tag != "ORG":
        return e
    if tag == "ORG" or (tag in ("LOC", "nz", "n") and _ORG_TAIL.search(seg)):
        last = None
        for m in _ADMIN_UNIT_END.finditer(seg):
            if seg[m.end() : m.end() + 1] not in ("市", "县", "区", "镇", "场"):
                last = m.end()
        if last and last >= 2 and last < len(seg) and not re.search(r"局|公司|厂|所|队|院|站|中心", seg[:last]):
            return s + last
    return None


def _is_loc_piece(text: str, w: Word) -> bool:
    s, e, tag = w
    seg = text[s:e]
    if seg in _GENERIC_PLACE or _ORG_TAIL.search(seg):
        return False
    if len(seg) >= 3 and re.search(r"[上下边里内外旁]", seg[1:-1]) and not seg.endswith(("村", "镇", "乡")):
        return False  # "桥下河": a position phrase, not a name
    if tag in _LOCISH_TAGS:
        return len(seg) >= 2 or seg in ("浙", "苏", "皖")
    if tag in ("n", "nz", "s", "ORG", "PER", "j") and len(seg) >= 3 and _ADMIN_SUFFIX.search(seg):
        if re.search(r"[上下边里内外旁]", seg[1:-1]):
            return False  # "桥下河": a position phrase, not a name
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
        pe = _piece_end(text, words[i])
        if pe is None:
            i += 1
            continue
        s = words[i][0]
        e = pe
        if pe < words[i][1]:  # the word runs on into a company name: the chain ends here
            out.append(Cand(s, e, "LOC", "rule", P_LOC_RULE, 0.8))
            i += 1
            continue
        while s < e - 2 and text[s] in _LEAD_STRIP:
            s += 1
        lead = _LOC_LEAD_WORDS.match(text, s, e)
        if lead and e - lead.end() >= 2:
            s = lead.end()
        if e - s < 2 or text[s] in "座个条块片处家":
            i += 1
            continue
        j = i + 1
        while j < n:
            w = words[j]
            if w[0] != e:
                break
            pe = _piece_end(text, w)
            if pe is not None:
                e = pe
                j += 1
                if pe < w[1]:
                    break
                continue
            # road / number pieces: "大港路" + "128号"
            m = _NUM_ADDR_RE.match(text, w[0])
            if m:
                e = m.end()
                while j < n and words[j][1] <= e:
                    j += 1
                continue
            break
        # a name whose unit character was split off: "下昂" + "村", "青年" + "路上"
        ch = text[e : e + 1]
        if text[e - 1 : e] not in _UNIT_CHARS and ch and ch in _UNIT_CHARS:
            if (
                ch in "路街巷村镇乡"
                or text[e : e + 2] not in _GENERIC_PLACE
                or (ch in "河港溪湖塘江浦" and text[e + 1 : e + 2] in "里边上中内")
            ):
                e += 1
        # continuation the segmenter missed: "安吉县" + "报福镇", "织里镇" + "轧村"
        while True:
            m = _CONT_RE.match(text, e)
            if not m:
                break
            nxt = text[m.end() : m.end() + 1]
            if nxt and nxt in _GENERIC_AFTER.get(m.group()[-1], ""):
                break
            if m.group() in _GENERIC_PLACE or m.group()[-2:] in _GENERIC_PLACE:
                break
            e = m.end()
        # "洪桥港边", "黑河边": a position word glued to the place
        if e - s >= 3 and text[e - 1] in "边旁里内外侧" and text[e - 2] in "河港溪湖塘江浦漾荡村镇路桥山":
            e -= 1
        # trailing generic tail or a hill/bridge that starts a direction phrase: "…村山脚下", "…村桥东侧"
        for tail in sorted(_GENERIC_PLACE, key=len, reverse=True):
            if text.endswith(tail, s, e) and e - len(tail) - s >= 2:
                e -= len(tail)
                break
        if (
            e - s >= 3
            and text[e - 1] in "山桥"
            and text[e - 2] in "村镇乡"
            and text[e : e + 1] in "脚上下头边东西南北里坡顶腰"
        ):
            e -= 1
        # a named segment: "长兴港雉城段", "104国道长兴段"
        if text[e : e + 1] == "段" and e - s >= 3:
            e += 1
        # trailing numbers directly after
        m = _NUM_ADDR_RE.match(text, e)
        if m:
            e = m.end()
        m = _SITE_EXT_RE.match(text, e)
        if m:
            e = m.end()
        while j < n and words[j][0] < e:
            j += 1
        if m:
            # the chain may go on after a site: "下渚湖湿地" + "二都村段"
            while j < n and words[j][0] == e:
                pe = _piece_end(text, words[j])
                if pe is None or pe < words[j][1]:
                    break
                e = pe
                j += 1
            if e > m.end() and text[e : e + 1] == "段":
                e += 1
        out.append(Cand(s, e, "LOC", "rule", P_LOC_RULE, 0.85))
        i = j
    return out


def overlay_places(text: str, words: list[Word], places: list[tuple[int, int]]) -> list[Word]:
    """Re-segment LAC's words so each gazetteer place is one LOC word ("太/湖边" -> "太湖/边")."""
    if not places:
        return words
    chosen: list[tuple[int, int]] = []
    for ps, pe in sorted(set(places), key=lambda p: (-(p[1] - p[0]), p[0])):
        if all(pe <= a or ps >= b for a, b in chosen):
            chosen.append((ps, pe))
    if not chosen:
        return words
    import bisect

    starts = [w[0] for w in words]
    keep: list[tuple[int, int]] = []
    for ps, pe in sorted(chosen):
        k = max(0, bisect.bisect_right(starts, ps) - 1)
        protected = False
        while k < len(words) and words[k][0] < pe:
            w = words[k]
            if w[1] > ps and (w[0] < ps or w[1] > pe) and (w[2] == "ORG" or _ORG_TAIL.search(text[w[0] : w[1]])):
                protected = True  # inside a company name the place stays part of the name
                break
            k += 1
        if not protected:
            keep.append((ps, pe))
    if not keep:
        return words
    owner = [-1] * (words[-1][1] if words else 0)
    for i, (ps, pe) in enumerate(keep):
        for x in range(ps, min(pe, len(owner))):
            owner[x] = i
    out: list[Word] = []
    for ws, we, tag in words:
        x = ws
        while x < we:
            pid = owner[x]
            y = x + 1
            while y < we and owner[y] == pid:
                y += 1
            if pid < 0:
                out.append((x, y, tag))
            elif x == keep[pid][0]:
                out.append((keep[pid][0], keep[pid][1], "LOC"))
            x = y
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


# ------------------------------------------------------------------ persons

_ROLE_BEFORE_NAME = re.compile(
    r"(?:犯罪嫌疑人|嫌疑人|被告人|当事人|驾驶员|司机|船长|船主|车主|负责人|法定代表人|法人代表|实际控制人|老板|经理|厂长|"
    r"网格员|村民|村干部|护林员|巡护员|民警|工人|员工|户主|业主|经营者|举报人|报案人|来电人|同伙|伙同|雇佣|雇用|联系人|"
    r"举报|抓获|传唤|拘留|约谈|询问|讯问|船老大|船东|货主|渔民)[：:]?$"
)
_NAME_END_RE = re.compile(
    r"[，,。、；;：:（(\s]|驾驶|开着|伙同|和|与|等|在|将|于|从|因|被|已|系|为|是|称|说|驾|把|到|向|的|男|女|，"
)


_NOT_NAMES = set(
    "司机 师傅 老板 工人 村民 民警 干部 群众 家属 邻居 老乡 同伙 同事 朋友 亲戚 船员 车主 船主 货主 业主 孙子 钱款 金额 包装 包括 马上 马路 高速 高价 方面 方向 方式 范围 成本 成员 周边 周围 周末 周某 江边 江面 黄色 白色 黑色 常年 常用 常住 时间 时候 明显 明天 和平 平时 安全 万元".split()
)


_NOT_NAME_TAIL = set("说讲称在将把被从到和与及等的了是为系驾开带去来也都又还就已曾先再才等人")
_ROLE_PREFIX = re.compile(
    r"(?:实际控制人|控制人|法定代表人|法人代表|代表人|承包人|经营人|船老大|老大|船东|货主|渔民|老板|船主|车主|司机|驾驶员|船长|负责人|经营者|业主|户主|村民|嫌疑人|当事人|法人|股东|员工|工人)"
)


_PERSON_CONTEXT_BEFORE = re.compile(
    r"(?:犯罪嫌疑人|嫌疑人|被告人|被害人|证人|当事人|举报人|报案人|驾驶员|司机|船长|负责人|法定代表人|实际控制人|老板|经理|厂长|"
    r"书记|局长|副局长|大队长|支队长|队长|所长|站长|科长|处长|主任|县长|市长|镇长|乡长|村长|主席|部长|厅长|院长|检察官|法官|"
    r"民警|辅警|警官|记者|同志|伙同|雇用|指使|我叫|名叫|叫做)[：:、，]?$"
)
_PERSON_CONTEXT_AFTER = re.compile(r"^(?:同志|等人|等\d|等[一二三四五六七八九十]|[，,]?(?:男|女)[，,])")


# A person role directly before a name (no verbs: "抓获犯罪…" is not a name after 抓获).
_ROLE_RIGHT_BEFORE = re.compile(
    r"(?:犯罪嫌疑人|嫌疑人|被告人|被害人|证人|当事人|举报人|驾驶员|司机|船长|负责人|法定代表人|实际控制人|老板|经理|厂长|"
    r"书记|局长|大队长|支队长|队长|所长|站长|科长|处长|主任|县长|市长|镇长|乡长|村长|民警|辅警|记者)[：:]?$"
)
_VERBISH = {"v", "vd", "vn", "ad", "a", "d", "p", "c", "u", "f", "m", "q", "r"}
_RARE_NAME_END = re.compile(r"[，,。、；;：:（(\s]|等|同志|及|和|与|因|于|驾驶|系|$")


def person_context(text: str, s: int, e: int) -> bool:
    """Evidence beside a name the model found that its first character is a surname:
    a role or title right before it (局长笪红梅, 犯罪嫌疑人訾某), or 同志 / 等人 / 男， after.

    *Why not a surname list*: rare surnames (仝, 亓, 禤, 訾, 逯, 笪) are real and the list
    dropped every one of them; the context words are what a reader uses too."""
    if text[s] == "姓":  # "姓吴": a surname given, not a name
        return False
    return bool(_PERSON_CONTEXT_BEFORE.search(text[max(0, s - 6) : s]) or _PERSON_CONTEXT_AFTER.match(text[e : e + 4]))


def find_persons(text: str, words: list[Word]) -> list[Cand]:
    """Names LAC misses right after a role word: "驾驶员费建明", "船主郑海波"."""
    out: list[Cand] = []
    bounds = {w[1] for w in words}
    for s, _e, tag in words:
        if tag == "PER":
            # "施建" + "强，男": LAC stopped one character short of a name before a delimiter
            if (
                _e - s == 2
                and _ROLE_BEFORE_NAME.search(text[max(0, s - 8) : s])
                and re.match(r"[\u4e00-\u9fff](?:[，,、。；（(]|$)", text[_e : _e + 2])
                and text[_e] not in _NOT_NAME_TAIL
            ):
                out.append(Cand(s, _e + 1, "PERSON", "rule", P_LOC_RULE + 2, 0.7))
            continue
        rm = _ROLE_PREFIX.match(text, s, _e)
        if rm and _e - rm.end() in (2, 3) and text[rm.end()] in SURNAMES and "某" not in text[rm.end() : _e]:
            # "老板钱永福" segmented as one word
            if text[rm.end() : _e] not in _NOT_NAMES:
                out.append(Cand(rm.end(), _e, "PERSON", "rule", P_LOC_RULE + 2, 0.7))
            continue
        rare = text[s] not in SURNAMES
        if rare and (not _ROLE_RIGHT_BEFORE.search(text[max(0, s - 6) : s]) or (_e - s >= 2 and tag in _VERBISH)):
            continue  # "老板拉走": a verb after the role, not a name
        if not _ROLE_BEFORE_NAME.search(text[max(0, s - 8) : s]) and not rare:
            continue
        # take 2-3 characters starting at s, ending where a delimiter or verb begins
        for ln in (3, 2):
            cand = text[s : s + ln]
            if len(cand) < ln or not re.fullmatch(r"[\u4e00-\u9fff]+", cand):
                continue
            if "某" in cand:
                break
            nxt = text[s + ln : s + ln + 2]
            if rare and nxt and not _RARE_NAME_END.match(nxt):
                continue  # a rare surname: only a name that ends at a clear delimiter
            if not nxt or _NAME_END_RE.match(nxt) or (s + ln) in bounds:
                if cand in _NOT_NAMES or cand[-1] in "机员长人工主户":
                    break
                out.append(Cand(s, s + ln, "PERSON", "rule", P_LOC_RULE + 2, 0.7))
                break
    return out


_ORGISH_END = re.compile(
    r"(?:公司|厂|局|所|队|院|会|委|办|站|中心|社|部|处|科|行|店|馆|场|集团|银行|学校|政府|法院|检察院|协会|联社|合作社|管委会|基地)$"
)
_VAGUE_TIME = set(
    "雨后 雨前 饭后 现在 目前 当时 之前 以前 以后 之后 最近 近期 这两天 两天 这几天 几天 这个月 这段时间 平时 每次 有时 经常 一直 刚才 后来 以往 往年 今后 将来 随后 此前".split()
)
_CASE_NO_RE = re.compile(r"[\u4e00-\u9fff]{1,8}[（(][\u4e00-\u9fff]{1,2}[）)][\u4e00-\u9fff]{0,3}字?[〔\[【(（]?\d{4}")
_IDENT_LABELS = {"PLATE", "VESSEL", "PHONE", "ID_CARD"}
_ORG_LEAD_WORDS = re.compile(
    r"(?:产废单位|运输单位|接收单位|涉案单位|涉事单位|涉事企业|涉案企业|承运单位|处置单位|单位|企业|涉事|涉案|所属|隔壁|对面|附近)"
)
_GENERIC_ORG_START = re.compile(
    r"^(?:[镇县村乡区市](?![\u4e00-\u9fff]{0,1}(?:县|市|区))|上游|下游|沿湖|沿河|沿江|附近|周边|国家公园|本村|本镇|该|这家|那家|一家|某)"
)
_WASTE_NOT_BEFORE = re.compile(
    r"^(?:仓库|库房|暂存|贮存|堆场|车|经营许可证|经营许可|经营资质|许可证|处置中心|处置资质|收集|鉴定|名录|池|罐车|运输资质|产生单位|"
    r"转移联单|联单|转移电子联单|管理计划|台账)"
)


def propagate(text: str, chosen: list[Cand]) -> list[Cand]:
    """A name recognised once is the same name elsewhere in the document: "实际控制人马永福 …
    将马永福抓获"."""
    names = {text[c.start : c.end]: c for c in chosen if c.label in ("PERSON", "ORG") and c.end - c.start >= 2}
    if not names:
        return chosen
    occupied = bytearray(len(text))
    for c in chosen:
        occupied[c.start : c.end] = b"\1" * (c.end - c.start)
    extra = []
    for name in sorted(names, key=len, reverse=True):
        c = names[name]
        pos = text.find(name)
        while pos >= 0:
            end = pos + len(name)
            # not inside a longer name: "王某" in "王某某", "周卫东" in "小周卫东"
            if not any(occupied[pos:end]) and text[end : end + 1] not in ("某", "甲", "乙", "丙"):
                extra.append(c._replace(start=pos, end=end, confidence=round(c.confidence * 0.95, 2)))
                occupied[pos:end] = b"\1" * (end - pos)
            pos = text.find(name, end)
    return sorted(chosen + extra, key=lambda x: x.start) if extra else chosen


def postfilter(text: str, chosen: list[Cand]) -> list[Cand]:
    out = []
    # case numbers "长公(环)立字〔2024〕00057号": no names or places inside
    blocked = [(m.start(), m.end()) for m in _CASE_NO_RE.finditer(text)]
    for c in chosen:
        seg = text[c.start : c.end]
        if seg != seg.strip():  # never start or end an entity on whitespace
            lead = len(seg) - len(seg.lstrip())
            seg = seg.strip()
            if not seg:
                continue
            c = c._replace(start=c.start + lead, end=c.start + lead + len(seg))
        if blocked and c.label not in _IDENT_LABELS and any(c.start < b and c.end > a for a, b in blocked):
            continue
        if c.label == "PERSON":
            if len(seg) < 2 or re.search(r"[0-9A-Za-z]", seg):
                continue
            if (c.method == "model" and text[max(0, c.start - 1) : c.start] == "姓") or seg[0] == "姓":
                continue  # "姓吴", "我姓陈": a surname given, not a name
            if c.method == "model" and re.match(r"期间|季节|时节|以来|以后|时期|前后", text[c.end : c.end + 2]):
                continue
        elif c.label in ("LOC", "ORG"):
            if len(seg) < 2 or seg in _GENERIC_PLACE:
                continue
            lead = _ORG_LEAD_WORDS.match(seg) if c.label == "ORG" else None
            if lead and len(seg) - lead.end() >= 4:
                c = c._replace(start=c.start + lead.end())
                seg = seg[lead.end() :]
            if c.label == "ORG" and c.method != "agency" and _GENERIC_ORG_START.match(seg):
                continue  # "镇农办", "上游生猪养殖合作社": a kind of body, not a named one
            if c.label == "ORG" and c.method == "model" and re.search(r"(?:办|局|队|所|站)(?:和|及|与)", seg):
                continue  # "海防办和执法大队": two generic bodies joined
            if c.label == "LOC" and seg[-1] in "艇船车机":
                continue
            if c.label == "LOC" and text[c.end : c.end + 1] == "长" and seg[-1] in "镇乡村县市区":
                # "长乐镇原副镇" + "长": the chain ran into a title (原副镇长, 镇长)
                cut = re.search(r"(?:原|前)?(?:常务)?副?[镇乡村县市区]$", seg)
                rest = seg[: cut.start()] if cut else seg
                if len(rest) < 2:
                    continue
                c = c._replace(end=c.start + len(rest))
                seg = rest
            if c.label == "LOC" and (seg[0] in "各每全" or seg.endswith(("专案组", "工作组", "专班", "领导小组"))):
                continue  # "各乡镇": a class of places; "专案组": a team, not a place
            if c.label == "LOC" and len(seg) == 2 and seg[0] in "里内" and seg[1] not in _UNIT_CHARS:
                continue  # "厂里拉东西": a position word and a verb
            if c.label == "LOC" and c.start > 0 and text[c.start - 1] == "以" and seg[0] in "东西南北":
                # "马蹄寺以西山沟": 以西 is a direction, the rest a generic place
                rest = seg[1:]
                if len(rest) < 2 or rest in _GENERIC_PLACE or rest in ("海", "海域", "山沟", "山"):
                    continue
                c = c._replace(start=c.start + 1)
                seg = rest
            if seg[0] in "座个条块片处家" or (len(seg) == 2 and seg[0] in _LEAD_STRIP):
                continue
            if c.label == "ORG" and c.method == "model" and not _ORGISH_END.search(seg):
                continue
        elif c.label == "TIME":
            if seg in _VAGUE_TIME or len(seg) < 2:
                continue
            kept = keep_time(text, c)
            if kept is None:
                continue  # a duration, a frequency, a vague word, an age
            c = kept
            if c.method == "model" and re.match(
                r"^(?:[一两几数多半]|这一?)个?(?:礼拜|星期|月|小时|钟头|年|天|周)", seg
            ):
                continue  # durations, not points in time
            if (
                c.start > 0
                and text[c.start - 1] in "一整每"
                and seg in ("晚上", "夜", "天", "上午", "下午", "夜里", "早上")
            ):
                continue
        elif c.label == "WASTE":
            if _WASTE_NOT_BEFORE.match(text[c.end : c.end + 6]) and not re.fullmatch(r"HW\d\d", seg, re.I):
                continue
        out.append(c)
    # contiguous time expressions are one TIME: "4月13日至15日" + "每日傍晚"
    merged: list[Cand] = []
    for c in out:
        if merged and c.label == "TIME" and merged[-1].label == "TIME" and merged[-1].end == c.start:
            merged[-1] = merged[-1]._replace(end=c.end, method="rule")
        else:
            merged.append(c)
    return merged
