"""The parties of a case as its narrative states them: suspects, and what the fields leave out.

A case file's header lists its suspects (犯罪嫌疑人), vehicles (涉案车辆) and
companies (涉案单位), and `etl.sourcefacts` makes each an INVOLVED_IN party.
Any header line may be missing (`../shared/formats.md`), and a judgment-style
or briefing-style narrative is then the only statement of who took part
(`被告人钱某某伙同被告人孙某、李某甲，从德清县鑫达电镀有限公司收集含铜污泥…`).
Gang detection reads co-suspects from INVOLVED_IN and waste chains read a
case's companies and vehicles from it, so without this pass such a case
ties nobody and starts no chain.

What the text makes a party, each kind only when the fields list none of it
(each fact cites the sentence that says so, method `rule`, the NLP confidence):

* **suspects**: a person the text calls a suspect (`nlp.suspects`: 被告人…,
  将…抓获, …被查获), names as acting jointly (CO_OFFENDER: 伙同, 共同), or says
  dumped (DUMPED_AT) — in a case file the act is the offence;
* **companies**: a company that hands waste over or hauls it (TRANSPORTS),
  dumps it (DUMPED_AT), or that a suspect owns, represents or works for;
* **vehicles and vessels**: what a suspect drives or owns, or what dumped.

Why only as a fallback: where the fields list the parties they are the
record's own statement, with identity numbers; a name read from the prose
beside them is unidentified and may be the reader's error (a clause read as a
name), so it stays a mention there, as elsewhere (`investigations.gangs.ties`).
"""

from __future__ import annotations

from etl.factbuilder import FactBuilder
from graph_schema.model import Provenance
from graph_schema.schema import Method, label_for_key
from nlp.types import Extraction

__all__ = ["narrative_parties"]

_COMPANY_RELS = frozenset({"TRANSPORTS", "DUMPED_AT"})
_HOLDS = frozenset({"OWNS", "REPRESENTS", "WORKS_FOR"})


def _stated_parties(x: FactBuilder) -> tuple[set[str], set[str]]:
    """The roles the case's own fields list a party of (suspect, company, vehicle, vessel), and
    the keys of the suspects the record has so far — one pass over the record's facts."""
    roles: set[str] = set()
    suspects: set[str] = set()
    for r in x.b.rels[x.first_rel :]:
        if r.type != "INVOLVED_IN":
            continue
        role = r.props.get("role")
        if r.provenance.method != Method.RULE.value:
            roles.add(role)
        if role == "suspect":
            suspects.add(r.head)
    return roles, suspects


def narrative_parties(x: FactBuilder, field: str, ex: Extraction, ekeys: list[str | None]) -> None:
    """INVOLVED_IN facts for the parties `ex` (the case's narrative) states; see the module docstring.

    Parameters
    ----------
    x : FactBuilder
        The case record's builder (its header facts already built).
    field : str
        The narrative's field name (简要案情).
    ex : Extraction
        What NLP found in that field.
    ekeys : list of str or None
        The graph key of each of `ex.entities` (None: no node).
    """
    text = ex.text
    found: dict[str, tuple[str, float, int, int]] = {}  # key → (role, confidence, sentence start, end)
    first_at: dict[str, int] = {}  # key → offset of its first mention: the suspects' rank

    def party(i: int, role: str, conf: float, s0: int, s1: int) -> None:
        key = ekeys[i] if 0 <= i < len(ekeys) else None
        if not key:
            return
        first_at[key] = min(first_at.get(key, ex.entities[i].start), ex.entities[i].start)
        if key not in found or found[key][1] < conf:
            found[key] = (role, conf, s0, s1)

    stated, suspects = _stated_parties(x)
    had_companies = "company" in stated
    had_vehicles = bool(stated & {"vehicle", "vessel"})
    if "suspect" not in stated:
        for r in ex.roles:
            if r.role == "suspect":
                party(r.entity, "suspect", r.confidence, r.sentence_start, r.sentence_end)
        for r in ex.relations:
            if r.type == "CO_OFFENDER":
                party(r.head, "suspect", r.confidence, r.sentence_start, r.sentence_end)
                party(r.tail, "suspect", r.confidence, r.sentence_start, r.sentence_end)
            elif r.type == "DUMPED_AT" and ex.entities[r.head].label == "PERSON":
                party(r.head, "suspect", min(r.confidence, 0.75), r.sentence_start, r.sentence_end)
    suspects |= {k for k, v in found.items() if v[0] == "suspect"}
    for r in ex.relations:
        h, t = ekeys[r.head], ekeys[r.tail]
        if not h or not t:
            continue
        hl, tl = label_for_key(h), label_for_key(t)
        if not had_companies:
            if r.type in _COMPANY_RELS:
                for i, label in ((r.head, hl), (r.tail, tl)):
                    if label == "Company":
                        party(i, "company", r.confidence, r.sentence_start, r.sentence_end)
            elif r.type in _HOLDS and h in suspects and tl == "Company":
                party(r.tail, "company", r.confidence, r.sentence_start, r.sentence_end)
        if not had_vehicles and tl in ("Vehicle", "Vessel"):
            if (r.type in ("DRIVES", "OWNS") and h in suspects) or r.type == "DUMPED_AT":
                party(r.tail, tl.lower(), r.confidence, r.sentence_start, r.sentence_end)
        if not had_vehicles and r.type == "DUMPED_AT" and hl in ("Vehicle", "Vessel"):
            party(r.head, hl.lower(), r.confidence, r.sentence_start, r.sentence_end)
    rank_of = {k: i for i, k in enumerate(sorted(first_at, key=first_at.__getitem__))}
    for key, (role, conf, s0, s1) in found.items():
        wanted = {"suspect": "Person", "company": "Company", "vehicle": "Vehicle", "vessel": "Vessel"}[role]
        if label_for_key(key) != wanted or x.asserts("INVOLVED_IN", key, x.doc):
            continue
        prov = Provenance(x.doc, Method.RULE.value, conf, text[s0:s1], s0, s1, field, x.seen)
        rank = rank_of[key] if role == "suspect" else None  # named first: the principal (主犯)
        x.rel("INVOLVED_IN", key, x.doc, prov, role=role, rank=rank)
