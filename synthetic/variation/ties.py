"""Gang members tied to their gang by exactly one route.

Real gangs have edge members the analyst knows of through one document only:
a co-suspect named in one case file beside an ordinary member (never beside
the leader), someone who borrowed a member's vehicle, a deckhand on the
gang's vessel, a driver whose car runs in convoy with a gang truck past the
checkpoints.  `extend_gang` plants such members into a gang the development
generator planted, records the route in the truth (`tie`, `via`, `tie_docs`)
and keeps the truth's invariant that the leader is in strictly more case
files than anyone else.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from synthetic import vocab as V
from synthetic.bundle import DAYS, START, Case
from synthetic.text import expand
from synthetic.variation.world import VariedBlock
from synthetic.world import Person

ROUTES = ("co_suspect", "borrowed_vehicle", "shared_vessel", "convoy")
CRIME_OF = {"污染环境罪": "dump", "非法采矿罪": "mining", "非法狩猎罪": "hunting", "非法捕捞水产品罪": "fishing"}
BORROWED = (
    "作案车辆{plate}，该车登记车主为{owner}，系{user}借用。",
    "经查，{plate}登记在{owner}名下，案发期间由{user}借来使用。",
    "{user}供述，其所驾驶的{plate}是向{owner}借的。",
    "{plate}的机动车所有人为{owner}，实际使用人为{user}。",
    "{user}[称|交代]，[那辆|所开的]{plate}是[朋友|老乡]{owner}的车，[临时|一直]借[来|着]用。",
    "{owner}名下的{plate}[长期|多次]被{user}借走[使用|开]。",
)
VESSEL = (
    "{user}系渔船{vessel}的[船员|雇工]，[负责|参与][起网|驾船|分拣渔获]。",
    "{user}[与他人|伙同他人]合伙经营渔船{vessel}，[分得|分到]渔获收益。",
    "{user}[受雇于|在]渔船{vessel}[上|]做工。",
    "渔船{vessel}的[股东|出资人]之一为{user}。",
)


def _cn(d: datetime) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _slots(b: VariedBlock, crime: str, region: V.Region, names: list[str], place: str, when: datetime) -> dict:
    rng = b.rng
    return dict(
        names=names,
        d0=_cn(when - timedelta(days=rng.randint(2, 20))),
        county=region.name,
        town=rng.choice(region.towns),
        place=place,
        since=f"{(when - timedelta(days=rng.randint(20, 60))).month}月",
        qty=rng.randint(3, 120),
        times=rng.randint(1, 6),
        gain=rng.choice(("5000余", "1万余", "2.3万", "7800")),
        d1=f"{when.month}月{when.day}日",
        species=rng.choice(V.FISH) if crime in ("fishing", "sea") else rng.choice(V.ANIMALS_BIRDS),
        waste=rng.choice(("废液", "污泥", "废渣")),
        phones=[],
    )


def _case(b: VariedBlock, crime: str, region: V.Region, people: list[Person], place: str, vtexts=(), ties=()) -> str:
    rng = b.rng
    number, stem = b.case_number(region, crime)
    doc = f"doc:case:{number}"
    sus = [b.suspect(p, doc, phone=None) for p in people]
    when = START + timedelta(days=rng.randrange(10, DAYS - 5))
    slots = _slots(b, crime, region, [p.name for p in people], place, when)
    slots["ties"] = [t(doc) for t in ties]
    vt = [v(doc) for v in vtexts]
    c = Case(number, crime, region, when.date(), sus, vt, [], b.narrative(crime, slots), stem)
    b.write_case(c)
    return doc


def extend_gang(b: VariedBlock, gang: dict) -> None:
    """Plant one to three single-route members into `gang` (its truth dict, updated in place)."""
    rng, g = b.rng, b.g
    gid = gang["id"]
    region = next(r for r in V.REGIONS if r.name == gang["region"])
    crime = "sea" if region.coastal else CRIME_OF[gang["crime"]]
    crew = {p.id_card: p for p in b.people if p.gang == gid}
    leader = crew[gang["leader"]]
    planted = list(crew.values())  # the development crew: new members tie only to them, never to each other
    non_leaders = [p for p in planted if p is not leader]
    _background_are_co_suspects(b, gang, crew, leader)
    routes = []
    if non_leaders:
        routes.append("co_suspect")
    if gang["vehicles"]:
        routes += ["borrowed_vehicle", "convoy"]
    if gang["vessels"]:
        routes.append("shared_vessel")
    rng.shuffle(routes)
    # a shared vessel is rare (sea gangs only): plant it whenever it can be
    chosen = routes[: rng.randint(1, min(3, len(routes)))] if routes else []
    if "shared_vessel" in routes and "shared_vessel" not in chosen:
        chosen.append("shared_vessel")
    place = gang["place"]
    for route in chosen:
        new = g.person(region, "gang_member", gid)
        via: dict = {}
        if route == "co_suspect":
            mate = rng.choice(non_leaders)
            pair = [mate, new] if rng.random() < 0.6 else [new, mate]
            docs = [_case(b, crime, region, pair, place)]
            via = {"member": mate.id_card}
        elif route == "borrowed_vehicle":
            plate = rng.choice(gang["vehicles"])
            owner = rng.choice(planted)
            in_header = rng.random() < 0.5

            def said(doc: str, plate=plate, owner=owner, user=new) -> str:
                text = b.reg.plate_text(plate, doc, "简要案情", "text")
                return expand(rng, rng.choice(BORROWED), plate=text, owner=owner.name, user=user.name)

            vt = [lambda doc, plate=plate: b.reg.plate_text(plate, doc, "涉案车辆", "header")] if in_header else []
            docs = [_case(b, crime, region, [new], place, vtexts=vt, ties=[said])]
            via = {"plate": plate, "owner": owner.id_card, "in_header": in_header}
        elif route == "shared_vessel":
            vessel = rng.choice(gang["vessels"])
            in_header = rng.random() < 0.5

            def crewman(doc: str, vessel=vessel, user=new) -> str:
                return expand(rng, rng.choice(VESSEL), vessel=vessel, user=user.name)

            vt = [lambda doc, vessel=vessel: vessel] if in_header else []
            docs = [_case(b, crime, region, [new], place, vtexts=vt, ties=[crewman])]
            via = {"vessel": vessel, "in_header": in_header}
        else:
            docs, via = _convoy(b, gang, region, crime, new)
        b.people.append(new)
        gang["members"].append(
            {"id_card": new.id_card, "name": new.name, "role": "member", "tie": route, "via": via, "tie_docs": docs}
        )
        gang["docs"] += docs
        crew[new.id_card] = new
    _leader_strictly_most(b, gang, crime, region, leader, crew)


def _background_are_co_suspects(b: VariedBlock, gang: dict, crew: dict, leader: Person) -> None:
    """The development truth calls a person named in one gang case file "background"; by the rule the
    evaluation holds (a co-suspect of one case is the strongest tie there is) that person is a member
    tied by the co-suspect route, so the variation truth says so instead of asking for the impossible."""
    for idc in gang.pop("background", []):
        p = next(x for x in b.people if x.id_card == idc)
        doc = next(d for d in p.docs if d.startswith("doc:case:"))
        mates = [m for m in crew.values() if doc in m.docs]
        mate = next((m for m in mates if m is not leader), mates[0])
        p.gang, p.role = gang["id"], "gang_member"
        crew[idc] = p
        gang["members"].append(
            {
                "id_card": idc,
                "name": p.name,
                "role": "member",
                "tie": "co_suspect",
                "via": {"member": mate.id_card, "with_leader": leader in mates},
                "tie_docs": [doc],
            }
        )
    gang["background"] = []


def _convoy(b: VariedBlock, gang: dict, region: V.Region, crime: str, new: Person) -> tuple[list[str], dict]:
    """The new member's own car (known from a case of his own) runs with a gang vehicle past checkpoints."""
    rng, g = b.rng, b.g
    own = g.ids.plate(region.plate)
    b.reg.track(own, rng.choice(V.VEHICLE_TYPES_CAR))
    town = rng.choice(region.towns)
    place = f"{region.name}{town}{g.village(region, town)}"
    case_doc = _case(
        b, crime, region, [new], place, vtexts=[lambda doc: b.reg.plate_text(own, doc, "涉案车辆", "header")]
    )
    site_cp = g.site_checkpoints.get(gang["place"])
    night = site_cp is not None and rng.random() < 0.5
    keys: list[str] = []
    times = 1 if night else rng.randint(3, 4)
    for _ in range(times):
        day = rng.randrange(0, DAYS - 1)
        if night:
            cp, t = site_cp, g.night_dt(day)
        else:
            cp = rng.choice(g.road_checkpoints[region.code])
            t = g.dt(day, day, 0, 24)
        lead_plate = rng.choice(gang["vehicles"])
        gap = timedelta(seconds=rng.randrange(60, 300))
        first, second = (lead_plate, own) if rng.random() < 0.5 else (own, lead_plate)
        keys += [b.read(t, first, cp), b.read(t + gap, second, cp)]
    b.trip(own, g.dt(0, DAYS - 1, 7, 20), region)
    g.truth.add("alerts", {"kind": "gang_companion", "plate": own, "gang": gang["id"], "keys": keys, "true": True})
    return [case_doc, *keys], {"plate": own, "night_at_site": night, "passes": times, "own_case": case_doc}


def _leader_strictly_most(b: VariedBlock, gang: dict, crime: str, region: V.Region, leader: Person, crew: dict) -> None:
    def cases(p: Person) -> int:
        return len({d for d in p.docs if d.startswith("doc:case:")})

    while cases(leader) <= max(cases(p) for p in crew.values() if p is not leader):
        plates = gang["vehicles"][:1]
        vt = [lambda doc, p=p: b.reg.plate_text(p, doc, "涉案车辆", "header") for p in plates]
        gang["docs"].append(_case(b, crime, region, [leader], gang["place"], vtexts=vt))
