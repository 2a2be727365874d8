"""Rule recognisers over raw text: identifiers, time expressions, masked names,
company names, address chains.  Each returns `Cand` tuples; the merger in
`nlp/merge.py` chooses among overlapping candidates by priority.

Identifiers are validated with the shared helpers in `graph_schema.identifiers`
so ETL, NLP and resolution agree on what a plate, phone or ID is.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from graph_schema.identifiers import (
    PLATE_IN_TEXT,
    PROVINCE_CHARS,
    VESSEL_CORE_IN_TEXT,
    is_valid_resident_id,
    normalize_plate,
    normalize_resident_id,
    normalize_uscc,
    normalize_vessel,
    parse_phone,
)


class Cand(NamedTuple):
    start: int
    end: int
    label: str
    method: str
    priority: int
    confidence: float
    normalized: str | None = None


# one LAC word: its (start, end, tag) in the text; the domain finders read these
Word = tuple[int, int, str]


# priorities: higher wins an overlap; ties go to the longer span
P_ID = 100
P_IDENT = 95
P_ORG_RULE = 85
P_PERSON_RULE = 85
P_GAZ = 75
P_LOC_RULE = 70
P_TIME_RULE = 65
P_MODEL_PER = 55
P_MODEL_ORG = 50
P_MODEL_LOC = 45
P_MODEL_TIME = 40

CJK = "\u4e00-\u9fff"
_AL = "A-Za-zＡ-Ｚａ-ｚ"
_DG = "0-9０-９"
_ALNUM = _AL + _DG

# ---------------------------------------------------------------- identifiers

_PLATE_RE = PLATE_IN_TEXT  # shared with ETL's fallback rules (graph_schema.identifiers)
_VESSEL_CORE_RE = VESSEL_CORE_IN_TEXT
_ID_RE = re.compile(rf"(?<![{_ALNUM}])[{_DG}]{{17}}[{_DG}Xx](?![{_ALNUM}])")
_MOBILE_RE = re.compile(
    rf"(?<![{_ALNUM}\*＊])(?:\+86[ \-]?)?[1１][3-9３-９][{_DG}](?:[{_DG}]{{8}}|[\*＊xX]{{4}}[{_DG}]{{4}}|[ \-][{_DG}]{{4}}[ \-][{_DG}]{{4}})(?![{_ALNUM}\*＊])"
)
_LANDLINE_RE = re.compile(rf"(?<![{_ALNUM}])[（(]?0[{_DG}]{{2,3}}[）)]?[\-－—]?[{_DG}]{{7,8}}(?![{_ALNUM}])")
_USCC_RE = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])")
_ID_CONTEXT = re.compile(r"(身份证|证件|公民身份|身份号码|身份证号)")


def find_identifiers(text: str) -> tuple[list[Cand], list[tuple[int, int, str]]]:
    """PLATE, VESSEL, PHONE, ID_CARD candidates, plus valid USCCs (start, end, code)."""
    out: list[Cand] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    usccs: list[tuple[int, int, str]] = []
    for m in _USCC_RE.finditer(text):
        code = normalize_uscc(m.group())
        if code and not is_valid_resident_id(m.group()):
            usccs.append((m.start(), m.end(), code))
            taken.append((m.start(), m.end()))
    for m in _ID_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        raw = m.group().upper()
        norm = normalize_resident_id(raw)
        if norm:
            out.append(Cand(m.start(), m.end(), "ID_CARD", "rule", P_ID, 1.0, norm))
            taken.append((m.start(), m.end()))
        elif _ID_CONTEXT.search(text, max(0, m.start() - 10), m.start()):
            # written as an ID but the check digit fails: still an ID mention, not an identity
            out.append(Cand(m.start(), m.end(), "ID_CARD", "rule", P_ID, 0.6, None))
            taken.append((m.start(), m.end()))
    for m in _MOBILE_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        ph = parse_phone(m.group())
        if ph:
            out.append(Cand(m.start(), m.end(), "PHONE", "rule", P_IDENT, 1.0 if not ph.masked else 0.9, ph.digits))
            taken.append((m.start(), m.end()))
    for m in _LANDLINE_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        ph = parse_phone(m.group())
        if ph:
            out.append(Cand(m.start(), m.end(), "PHONE", "rule", P_IDENT, 0.95, ph.digits))
            taken.append((m.start(), m.end()))
    for m in _PLATE_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        norm = normalize_plate(m.group())
        if norm:
            out.append(Cand(m.start(), m.end(), "PLATE", "rule", P_IDENT, 1.0, norm))
            taken.append((m.start(), m.end()))
    for m in _VESSEL_CORE_RE.finditer(text):
        # look back for the province character: nearest first (shortest prefix)
        for k in range(1, 5):
            s = m.start() - k
            if s < 0:
                break
            if text[s] in PROVINCE_CHARS:
                norm = normalize_vessel(text[s : m.end()])
                if norm and free(s, m.end()):
                    out.append(Cand(s, m.end(), "VESSEL", "rule", P_IDENT, 1.0, norm))
                    taken.append((s, m.end()))
                    break
            elif not ("\u4e00" <= text[s] <= "\u9fff"):
                break
    return out, usccs


# ---------------------------------------------------------------- time

_CN_NUM = "〇零一二三四五六七八九十两"
_D = rf"[{_DG}]"
_N12 = rf"(?:{_D}{{1,2}}|[{_CN_NUM}]{{1,3}})"
_PART = r"(?:大半夜|下半夜|上半夜|凌晨|清晨|早晨|早上|上午|中午|午后|下午|傍晚|晚上|晚间|夜里|夜间|深夜|半夜|后半夜|前半夜|午夜|黎明|天亮前|天黑后)"
_CLOCK = rf"(?:{_N12}(?:时|点)(?:{_N12}分|半|多|钟|整)?(?:许|左右|前后)?|{_D}{{1,2}}[:：]{_D}{{2}}(?:[:：]{_D}{{2}})?)"
_DATE_FULL = rf"(?:{_D}{{4}}|[{_CN_NUM}]{{4}})年(?:{_N12}月(?:{_N12}[日号])?)?"
_DATE_NUM = rf"{_D}{{4}}[\-/\.]{_D}{{1,2}}[\-/\.]{_D}{{1,2}}"
_DATE_MD = rf"{_N12}月{_N12}[日号]"
_DATE_M = rf"{_N12}月(?:份)?(?:上旬|中旬|下旬|初|底|末|中)?"
_REL_DAY = r"(?:大前天|前天|昨天|今天|明天|昨日|今日|当天|当日|次日|翌日|前日|当晚|昨晚|今晚|前晚|昨夜|今早|当夜|同日|同一天|每天|每晚|每日|近日|日前|(?:上|下|这|本|这个|上个)?(?:周|星期|礼拜)[一二三四五六日天]|上周|本周|上个?礼拜|上个?星期|(?:上个月|这个月|本月|上月|下个月)(?:初|底|末|中旬|上旬|下旬)?|去年|今年|前年|年初|年底|(?:春节|国庆节?|五一|十一|清明节?|端午节?|中秋节?|元旦|除夕|元宵节?|劳动节)(?![点月日号时个年天岁分路街])(?:期间|前后|假期|当天|前|后)?)"
_YEAR_REL = r"(?:今年|去年|前年|明年|当年|同年|本年)"
_DATE_ANY = rf"(?:{_DATE_NUM}|{_DATE_FULL}(?:上旬|中旬|下旬|初|底|末)?|{_YEAR_REL}?(?:{_DATE_MD}|{_DATE_M})|{_REL_DAY})"
_TIME_UNIT = rf"(?:{_DATE_ANY}(?:[ \u3000]?(?:{_PART}|夜(?![里间])))?(?:[ \u3000]?{_CLOCK})?|{_PART}(?:[ \u3000]?{_CLOCK})?|{_CLOCK})"
_TIME_RE = re.compile(rf"(?<![{_ALNUM}]){_TIME_UNIT}(?:(?:至|到|—|－|-|~|～)(?:{_TIME_UNIT}|{_N12}[日号]))?(?![{_DG}])")
_HOLIDAYS = {
    "春节",
    "国庆",
    "国庆节",
    "五一",
    "十一",
    "清明",
    "清明节",
    "端午",
    "端午节",
    "中秋",
    "中秋节",
    "元旦",
    "除夕",
    "元宵",
    "元宵节",
    "劳动节",
}
_NOT_TIME_AFTER = re.compile(r"^(?:个|天|年|次|小时|分钟|米|吨|公斤|元)")


def find_times(text: str) -> list[Cand]:
    out = []
    for m in _TIME_RE.finditer(text):
        s, e = m.start(), m.end()
        g = m.group()
        if e - s < 2:
            continue
        if re.fullmatch(rf"{_N12}(?:时|点)", g) and not re.search(r"[时点]", g[-1]):
            continue
        # bare clock like "3点" needs a part-of-day or following 钟/多; avoid "三点" as "three points"
        if re.fullmatch(rf"[{_CN_NUM}]+点", g):
            continue
        if re.fullmatch(rf"{_D}{{4}}年", g) and _NOT_TIME_AFTER.match(text[e:]):
            continue
        if g in _HOLIDAYS and s > 0 and text[s - 1] in SURNAMES:
            continue  # "马国庆" is a person
        out.append(Cand(s, e, "TIME", "rule", P_TIME_RULE, 0.95))
    return out


# ---------------------------------------------------------------- persons

SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "轩辕",
    "令狐",
    "端木",
    "独孤",
    "南宫",
    "西门",
)
_SURNAME_ALT = "|".join(COMPOUND_SURNAMES) + "|[" + "".join(sorted(SURNAMES)) + "]"
_MASKED_RE = re.compile(rf"(?:{_SURNAME_ALT})某(?:某|[甲乙丙丁戊己庚辛壬癸]|[{_DG}])?")
# A masked name with a surname outside the common list (宓某, 厍某, 禤某某): any Han
# character can be a surname, so the evidence is the shape "X某(某|甲…)" itself, kept only
# where X cannot be a function word or the end of a place or unit ("在某地", "该某", "村某").
_MASKED_ANY_RE = re.compile(rf"([\u4e00-\u9fff])某(?:某|[甲乙丙丁戊己庚辛壬癸]|[{_DG}])?")
_NOT_MASK_HEAD = set(
    "的了在是有将把被从到向对与和及或跟给经系为其该这那每各某一二三两几数多个位名些此本等由于因以至往去来上下中内外"
    "前后里间时日月年天号路街村镇乡区县市省河港湖溪塘桥山岛家户厂司店场处所局队站院部会委组人方边地段"
)
_TITLE_RE = re.compile(
    rf"(?:{_SURNAME_ALT})(?:先生|女士|师傅|老板娘|老板|大爷|阿姨|大姐|大哥|老师|经理|厂长|站长|书记|主任|队长|村长|支书|会计|警官)"
)


_NICK_NOT = set(
    "小区 老公 老婆 小孩 小时 老师 小学 老家 小姐 老板 小组 老人 小伙 老乡 小型 老化 小米 老大 小心 小说 老实 小吃 老汉 小麦 "
    "小便 老虎 小鸟 小船 老鼠 小车 小路 小河 小山 老街 老路 小桥 小店 老店".split()
)
_NICK_RE = re.compile(
    rf"(?:(?<=[的是叫找和跟与给让被说问，,：:])|(?<![\u4e00-\u9fff]))(?:老|小)(?:{_SURNAME_ALT})(?=[，,。、说讲称家的和与也就都在是他她开叫讲]|$)"
)


# What may stand right before a name: role words' last characters, verbs and particles.
_NAME_LEAD = set(
    "人员长主手告官警民工属友伙同户者记任师理证亲邻子将把被由让叫令使派给与和及跟对向从因据经称、系是为到获捕留唤讯问雇指托"
)


def find_masked_persons(text: str) -> list[Cand]:
    out = []
    for m in _NICK_RE.finditer(text):
        # "放羊的老杨说": 老/小 + surname as a way to name someone
        if m.group() in _NICK_NOT:
            continue
        if text[m.end() : m.end() + 1] == "家" and re.match(r"家(?:村|桥|浜|湾|港|弄|庄|圩)", text[m.end() :]):
            continue
        out.append(Cand(m.start(), m.end(), "PERSON", "rule", P_PERSON_RULE - 10, 0.6))
    for m in _MASKED_RE.finditer(text):
        s, e = m.start(), m.end()
        # "某某公司" / "某村": the mask is not a person when an org/place suffix follows
        if re.match(
            r"(?:公司|厂|村|镇|县|路|河|单位|企业|合作社|养殖场|居民|小区|处|地|店|场|工地|路段|河段|地块|号)", text[e:]
        ):
            continue
        if (
            s > 0
            and text[s] in "路街村镇区县河港湖"
            and "\u4e00" <= text[s - 1] <= "\u9fff"
            and text[s:e] != text[s] + "某某"
        ):
            continue  # "大港路某居民楼": the "surname" ends a place name
        out.append(Cand(s, e, "PERSON", "rule", P_PERSON_RULE, 0.95))
    for m in _MASKED_ANY_RE.finditer(text):
        s, e = m.start(), m.end()
        if m.group(1) in SURNAMES or m.group(1) in _NOT_MASK_HEAD:
            continue  # common surnames are found above; function words are not names
        if s > 0 and "\u4e00" <= text[s - 1] <= "\u9fff" and text[s - 1] not in _NAME_LEAD:
            continue  # inside a longer word
        if re.match(
            r"(?:公司|厂|村|镇|县|路|河|单位|企业|合作社|养殖场|居民|小区|处|地|店|场|工地|路段|河段|地块|号|某)",
            text[e:],
        ):
            continue
        out.append(Cand(s, e, "PERSON", "rule", P_PERSON_RULE - 3, 0.85))
    for m in _TITLE_RE.finditer(text):
        s, e = m.start(), m.end()
        if text[max(0, s - 1) : s + 1] in ("公司", "总经", "经理", "管理"):
            continue
        out.append(Cand(s, e, "PERSON", "rule", P_PERSON_RULE - 5, 0.8))
    return out
