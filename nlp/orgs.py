"""Full company names and government-body chains, built on LAC's segmentation.

A company name runs to its legal suffix (公司/厂/合作社/经营部/商行/料场…):
LAC cuts it into pieces, and an address in front is split off while a generic
kind without a name (一家物流公司) is no ORG.  Government bodies are chains of
a place and an agency suffix (湖州市公安局南浔区分局).  Input words are LAC's
`(start, end, tag)` triples (`nlp.rules.Word`).
"""

from __future__ import annotations

import re

from nlp.places import ADMIN_SUFFIX, GENERIC_PLACE, LEAD_STRIP
from nlp.rules import P_ORG_RULE, Cand, Word

__all__ = ["AGENCY_SUFFIX", "GENERIC_NAME_WORDS", "ORG_SUFFIXES", "find_agencies", "find_orgs"]

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
        while start < s_suf and text[start] in LEAD_STRIP:
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
            or (w[2] in ("p", "v") and w[1] - w[0] >= 5 and text[w[0]] in LEAD_STRIP)
            or (w[2] in ("n", "nz", "j") and ADMIN_SUFFIX.search(text[w[0] : w[1]]))
        )
    ]
    used_until = -1
    for w in locs:
        if w[0] < used_until or text[w[0] : w[1]] in GENERIC_PLACE:
            continue
        s0 = w[0]
        while s0 < w[1] and text[s0] in LEAD_STRIP:
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
