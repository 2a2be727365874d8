"""Person names LAC missed or cut short: names after role words, and the context that vouches for a name.

`驾驶员费建明`, `老板钱永福` (one LAC word), `施建` + `强，男` (one character
short); a rare surname (仝, 亓, 訾) counts only with a role or title beside it.
Input words are LAC's `(start, end, tag)` triples (`nlp.rules.Word`).
"""

from __future__ import annotations

import re

from nlp.rules import P_LOC_RULE, SURNAMES, Cand, Word

__all__ = ["find_persons", "person_context"]

_ROLES = (
    r"(?:犯罪嫌疑人|嫌疑人|被告人|当事人|驾驶员|司机|船长|船主|车主|负责人|法定代表人|法人代表|实际控制人|老板|经理|厂长|"
    r"网格员|村民|村干部|护林员|巡护员|民警|工人|员工|户主|业主|经营者|举报人|报案人|来电人|同伙|伙同|雇佣|雇用|联系人|"
    r"举报|抓获|传唤|拘留|约谈|询问|讯问|船老大|船东|货主|渔民)"
)
_ROLE_BEFORE_NAME = re.compile(_ROLES + r"[：:]?$")
# The same, or a role and its copula ("该车登记车主为方峰" + "强，系…借用"): where a cut name is completed.
_ROLE_BEFORE_CUT_NAME = re.compile(_ROLES + r"(?:[为是系])?[：:]?$")
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


_BEFORE_A_NAME = set('，,。；;：:、（(“"\n 为叫是与和及或由被把将给向')


def _surname_split_off(text: str, prev: Word | None, s: int) -> bool:
    """The one-character word right before a two-character name is its surname: a surname the
    segmenter read as a noun, standing where a name begins (after punctuation, 为, 叫, 与 …)."""
    if prev is None or prev[1] != s or prev[1] - prev[0] != 1 or prev[2] not in ("n", "nz", "nw"):
        return False  # a preposition or verb that is also a surname (向杨莉借的, 于…) is no part of the name
    ps = prev[0]
    return text[ps] in SURNAMES and (ps == 0 or text[ps - 1] in _BEFORE_A_NAME)


def find_persons(text: str, words: list[Word]) -> list[Cand]:
    """Names LAC misses right after a role word: "驾驶员费建明", "船主郑海波"."""
    out: list[Cand] = []
    bounds = {w[1] for w in words}
    prev: Word | None = None
    for word in words:
        s, _e, tag = word
        split_off = tag == "PER" and _e - s == 2 and _surname_split_off(text, prev, s)
        prev = word
        if split_off:
            # "车主为楼林昌" → 楼 (n) + 林昌 (PER): a surname that is also a noun (楼, 江, 石) cut off
            out.append(Cand(s - 1, _e, "PERSON", "rule", P_LOC_RULE + 2, 0.7))
            continue
        if tag == "PER":
            # "施建" + "强，男": LAC stopped one character short of a name before a delimiter
            if (
                _e - s == 2
                and _ROLE_BEFORE_CUT_NAME.search(text[max(0, s - 9) : s])
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
        if tag in ("v", "vd", "vn") and _e - s == 2 and text[_e : _e + 1] in "，。；、":
            continue  # "巡逻民警查获。": a two-character verb ending the clause after a role, not a name (查 is a surname)
        # take 2-3 characters starting at s, ending where a delimiter or verb begins
        for ln in (3, 2):
            cand = text[s : s + ln]
            if len(cand) < ln or not re.fullmatch(r"[\u4e00-\u9fff]+", cand):
                continue
            if "某" in cand:
                break
            if ln == 3 and cand[-1] == "系":
                continue  # "嫌疑人茅霞系渔船船长": the copula of legal prose, not the name's last character
            nxt = text[s + ln : s + ln + 2]
            if rare and nxt and not _RARE_NAME_END.match(nxt):
                continue  # a rare surname: only a name that ends at a clear delimiter
            if not nxt or _NAME_END_RE.match(nxt) or (s + ln) in bounds:
                if cand in _NOT_NAMES or cand[-1] in "机员长人工主户":
                    break
                out.append(Cand(s, s + ln, "PERSON", "rule", P_LOC_RULE + 2, 0.7))
                break
    return out
