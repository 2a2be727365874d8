"""Address chains built on LAC's segmentation: 县/镇/村/路/号/河/溪/港… pieces merged into one place.

LAC splits `长兴县煤山镇青岭村北侧废弃石矿坑` into pieces; a place is the
whole chain, with an attached site noun (北侧废弃石矿坑) and without the lead
words (住址, 位于) or a company tail.  Gazetteer places are overlaid on the
words first.  Input words are LAC's `(start, end, tag)` triples (`nlp.rules.Word`).
"""

from __future__ import annotations

import re

from graph_schema.sites import DISUSED_QUALIFIER, DISUSED_WORD, DUMP_SITE_WORDS, site_type
from nlp.rules import P_LOC_RULE, Cand, Word

__all__ = [
    "ADDRESS_LABELS",
    "ADDRESS_LABEL_RE",
    "ADMIN_SUFFIX",
    "GENERIC_PLACE",
    "LEAD_STRIP",
    "UNIT_CHARS",
    "find_locs",
    "longest_first",
    "merge_adjacent_locs",
    "overlay_places",
]

# characters a name or a place does not start with: "经…", "在…", "由…"
LEAD_STRIP = "经在对据于将向从接由"
ADMIN_SUFFIX = re.compile(
    r"(?:省|市|自治州|地区|盟|县|自治县|区|旗|镇|乡|街道|村|社区|村委会|居委会|组|网格|路|街|大道|巷|弄|里|"
    r"河|江|溪|港|湖|塘|浦|漾|荡|湾|水库|渠|沟|桥|山|岭|岛|礁|洋|码头|渔港|口|大桥|坝|闸|矿|矿区|工业园区|工业园|园区|开发区|景区|保护区|林场|牧场|"
    r"服务区|收费站|高速|国道|省道|公园|广场|小区|新村|苑|庄|寺|庙|滩|湿地|草原|沙漠|峡谷|林区|山口)$"
)
_NUM_ADDR_RE = re.compile(
    r"(?:第?[0-9０-９一二三四五六七八九十]+(?:号|幢|栋|弄|组|单元|室|楼|层|网格|号楼|区块|车间|仓库))+"
)
_SITE_EXT_RE = re.compile(
    rf"(?:(?:东|南|西|北|东南|东北|西南|西北)(?:侧|面|边|部)?)?{DISUSED_WORD}?"
    r"(?:石矿坑|废矿坑|矿坑|采石场|采石宕口|宕口|石矿|鱼塘|废塘|河埠头|滩涂|湿地|码头|渔港|山沟|山坳|后山|排污口|入河口|入海口|水库|垃圾场|填埋场)"
    r"|[\u4e00-\u9fff]{2}(?:渔港|码头|港区)"
)
_SITE_TYPE_WORDS = "|".join(map(re.escape, DUMP_SITE_WORDS))
# the site noun may name the site more closely after a first type word: 后山 + 老砖窑取土坑
_SITE_MORE_RE = re.compile(rf"{DISUSED_QUALIFIER}(?:{_SITE_TYPE_WORDS})")
# a village whose first character the segmenter took for a word of its own (善琏镇 + 和 + 溪村,
# 和孚镇 + 于 + 港村): a village's name has a stem of two characters or more, 溪村 alone is not one
_ONE_CHAR_VILLAGE_RE = re.compile(r"[\u4e00-\u9fff]村村?")
_TOWN_END_RE = re.compile(r"(?:镇|乡|街道)$")
GENERIC_PLACE = set(
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
UNIT_CHARS = set("省市县区镇乡村路街巷港溪河塘湖桥浦湾岛山")
# The labels of an address in a record ("户籍地址：…"), never part of a place; LAC may glue one
# to the place after it ("户籍地址递铺街道桃墩村") or tag it a place of its own.  In the order a
# record's address is taken in when it gives several (etl.caseparse): where the person lives
# first, the registered (户籍) address last.
ADDRESS_LABELS = (
    "住址", "现住址", "现住地址", "现居住地址", "现居住地", "现住地", "居住地址", "居住地", "家庭住址", "家庭地址",
    "暂住地址", "暂住址", "住所地", "户籍地", "户籍地址", "户籍所在地", "户籍住址",
)  # fmt: skip


def longest_first(words) -> re.Pattern[str]:
    """One alternation of `words`, longest first: 户籍地址 is not 户籍地 + a place 址…."""
    return re.compile("(?:" + "|".join(sorted(set(words), key=lambda w: (-len(w), w))) + ")")


ADDRESS_LABEL_RE = longest_first(ADDRESS_LABELS)
_LOC_LEAD_WORDS = longest_first((*ADDRESS_LABELS, "户籍", "家住", "住", "地址", "位于", "地处"))
_ORG_TAIL = re.compile(r"(?:公司|厂|合作社|经营部|商行|养殖场|料场|局|所|队|站|中心|委员会|村委|管委会|政府)$")
_ADMIN_UNIT_END = re.compile(r"(?:县|区|镇|乡|街道|村|社区)")


def _ends_with_site_type(name: str) -> bool:
    t = site_type(name)
    return t is not None and name.endswith(t.word)


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
    if seg in GENERIC_PLACE or _ORG_TAIL.search(seg):
        return False
    if len(seg) >= 3 and re.search(r"[上下边里内外旁]", seg[1:-1]) and not seg.endswith(("村", "镇", "乡")):
        return False  # "桥下河": a position phrase, not a name
    if tag in _LOCISH_TAGS:
        return len(seg) >= 2 or seg in ("浙", "苏", "皖")
    if tag in ("n", "nz", "s", "ORG", "PER", "j") and len(seg) >= 3 and ADMIN_SUFFIX.search(seg):
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
        while s < e - 2 and text[s] in LEAD_STRIP:
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
            if w[1] - w[0] == 1 and j + 1 < n and words[j + 1][0] == w[1] and _TOWN_END_RE.search(text, s, e):
                v = words[j + 1]
                if _ONE_CHAR_VILLAGE_RE.fullmatch(text, v[0], v[1]) and _piece_end(text, v) == v[1]:
                    e = v[1]
                    j += 2
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
        if text[e - 1 : e] not in UNIT_CHARS and ch and ch in UNIT_CHARS:
            if (
                ch in "路街巷村镇乡"
                or text[e : e + 2] not in GENERIC_PLACE
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
            if m.group() in GENERIC_PLACE or m.group()[-2:] in GENERIC_PLACE:
                break
            e = m.end()
        # "洪桥港边", "黑河边": a position word glued to the place
        if e - s >= 3 and text[e - 1] in "边旁里内外侧" and text[e - 2] in "河港溪湖塘江浦漾荡村镇路桥山":
            e -= 1
        # trailing generic tail or a hill/bridge that starts a direction phrase: "…村山脚下", "…村桥东侧"
        for tail in sorted(GENERIC_PLACE, key=len, reverse=True):
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
        if m is None and _ends_with_site_type(text[s:e]):
            m = _SITE_MORE_RE.match(text, e)
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
        # a label LAC glued to the first pieces ("户籍地址" + "递铺街道"): only the whole chain shows it
        lead = _LOC_LEAD_WORDS.match(text, s, e)
        if lead and e - lead.end() >= 2:
            s = lead.end()
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
