"""Planted gangs and the background cases around them: crews, their vehicles or vessels, their cases, decoys.

A gang is a leader and members (3 to 12) who offend again and again
(dumping, mining, illegal fishing at sea or inland, hunting) at a place of
their region; each member is tied to the leader by a shared case, a vehicle
or a phone, as a real investigation would meet them, and `truth.json` says
who belongs.  Background cases are the unrelated offenders (some with a
decoy's look-alike name) a gang detector must not pull in.
"""

from __future__ import annotations

from datetime import timedelta

from synthetic import text as T
from synthetic import vocab as V
from synthetic.block import Block
from synthetic.bundle import DAYS, Case
from synthetic.storykit import cn_date, on_day, place_of, since_phrase, species_for
from synthetic.world import Person

__all__ = ["INLAND_CRIMES", "background_case", "plant_gang"]

INLAND_CRIMES = ("dump", "dump", "fishing", "hunting", "mining")


def _vehicle_type(rng, crime: str) -> str:
    if crime in ("dump",):
        return rng.choice(V.VEHICLE_TYPES_TRUCK)
    if crime == "mining":
        return "重型自卸货车"
    if crime == "sea":
        return rng.choice(("冷藏车", "轻型厢式货车", "小型轿车"))
    return rng.choice(V.VEHICLE_TYPES_CAR)


# ====================================================================== gangs
def plant_gang(b: Block, gid: str, decoy_names: list[str]) -> dict:
    rng, g = b.rng, b.g
    crime = rng.choice(INLAND_CRIMES + ("sea", "sea"))
    region = rng.choice(V.COASTAL if crime == "sea" else V.INLAND)
    size = rng.choices(range(3, 13), weights=(6, 6, 5, 4, 3, 3, 2, 2, 1, 1))[0]
    members = [g.person(region, "gang_member", gid) for _ in range(size)]
    leader = members[0]
    leader.role = "gang_leader"
    place, town, vil, site = place_of(b, region, crime)
    # vehicles and vessels
    n_veh = {
        "dump": rng.randint(1, 3),
        "mining": rng.randint(2, 3),
        "hunting": rng.randint(1, 2),
        "fishing": 1,
        "sea": rng.randint(0, 1),
    }[crime]
    plates = []
    for _ in range(n_veh):
        prefix = region.plate if rng.random() < 0.85 else rng.choice(V.OUTSIDE)[2]
        p = g.ids.plate(prefix, new_energy=crime in ("hunting", "fishing") and rng.random() < 0.2)
        b.reg.track(p, _vehicle_type(rng, crime))
        plates.append(p)
    vessels = [g.ids.vessel(region.vessel) for _ in range(rng.randint(1, 2))] if crime == "sea" else []
    shared_phone = leader.phone
    others = members[1:]
    modes = {}
    for m in others:
        r = rng.random()
        if not (plates or vessels):
            modes[m.id_card] = "case" if r < 0.8 else "phone"
        else:
            modes[m.id_card] = "case" if r < 0.6 else ("vehicle" if r < 0.8 else "phone")
    if not any(v == "case" for v in modes.values()):
        modes[others[0].id_card] = "case"
    cases: list[tuple[list[Person], list[str], list[str], dict]] = []  # (people, plates, vessels, opts)
    case_members = [m for m in others if modes[m.id_card] == "case"]
    rng.shuffle(case_members)
    i = 0
    while i < len(case_members):
        k = rng.randint(1, 3)
        chunk = case_members[i : i + k]
        i += k
        cp = rng.sample(plates, rng.randint(1, len(plates))) if plates else []
        cases.append(([leader, *chunk], cp, list(vessels[:1]) if vessels else [], {}))
    # leader's phone shown in the first leader case
    cases[0][3]["phones"] = {leader.id_card: shared_phone}
    used_phone = False
    for m in others:
        if modes[m.id_card] == "vehicle":
            if plates:
                cases.append(([m], [rng.choice(plates)], [], {"solo": True}))
            else:
                cases.append(([m], [], [rng.choice(vessels)], {"solo": True}))
        elif modes[m.id_card] == "phone":
            cases.append(([m], [], [], {"solo": True, "phones": {m.id_card: shared_phone}}))
            used_phone = True
    # occasional pair case among two non-leaders
    if len(others) >= 3 and rng.random() < 0.4:
        a, c = rng.sample(others, 2)
        cases.append(([a, c], rng.sample(plates, 1) if plates else [], [], {}))
    # every plate/vessel appears in some case with the leader
    leader_cases = [c for c in cases if c[0][0] is leader]
    for p in plates:
        if not any(p in lc[1] for lc in leader_cases):
            rng.choice(leader_cases)[1].append(p)
    for v in vessels:
        if not any(v in lc[2] for lc in leader_cases):
            rng.choice(leader_cases)[2].append(v)

    def counts() -> dict[str, int]:
        cnt: dict[str, int] = {}
        for people, *_ in cases:
            for p in people:
                cnt[p.id_card] = cnt.get(p.id_card, 0) + 1
        return cnt

    while True:
        cnt = counts()
        if cnt.get(leader.id_card, 0) > max((v for k, v in cnt.items() if k != leader.id_card), default=0):
            break
        cases.append(([leader], rng.sample(plates, 1) if plates else [], list(vessels[:1]), {"solo": True}))
    # background person with one incidental tie
    if rng.random() < 0.4:
        bg = g.person(region, "background")
        b.people.append(bg)
        target = rng.choice([c for c in cases if c[0][0] is not leader] or cases)
        target[3]["background"] = bg

    docs: list[str] = []
    masked_assoc: list[dict] = []
    days = sorted(rng.sample(range(5, DAYS - 5), len(cases)))
    for (people, cplates, cvessels, opts), day in zip(cases, days):
        number, stem = b.case_number(region, crime)
        doc = f"doc:case:{number}"
        docs.append(doc)
        sus = []
        phones_shown = opts.get("phones", {})
        for p in people:
            sus.append(b.suspect(p, doc, phone=phones_shown.get(p.id_card)))
        if opts.get("background"):
            sus.append(b.suspect(opts["background"], doc))
        if rng.random() < 0.35 or (opts.get("solo") and rng.random() < 0.5):
            name = rng.choice(decoy_names) if decoy_names and rng.random() < 0.7 else None
            if name and any(s["name"] == name for s in sus):
                name = None
            ms = b.masked_suspect(doc, name, planted=name is not None)
            sus.append(ms)
            masked_assoc.append({"name": ms["name"], "doc": doc})
        when = on_day(day)
        vtexts = []
        for p in cplates:
            vtexts.append(
                b.reg.plate_text(p, doc, "涉案车辆", "header")
                + (f"（{b.reg.vehicles[p].vtype}）" if rng.random() < 0.8 else "")
            )
        names = [s["name"] for s in sus]
        slots = dict(
            names=names,
            d0=cn_date(when - timedelta(days=rng.randint(2, 20))),
            county=region.name,
            town=town,
            place=place,
            since=since_phrase(rng, when - timedelta(days=rng.randint(20, 60))),
            qty=rng.randint(5, 300),
            times=rng.randint(2, 9),
            gain=rng.choice(("8000余", "1.2万", "3万余", "5600", "2.6万", "数万")),
            d1=f"{when.month}月{when.day}日",
            species=species_for(rng, crime),
            waste=rng.choice(("废液", "化工废料", "污泥", "废酸", "危险废物", "工业固废")),
        )
        if cplates:
            slots["plate"] = b.reg.plate_text(cplates[0], doc, "简要案情", "text")
            slots["driver"] = rng.choice(people).name
        if cvessels:
            slots["vessel"] = cvessels[0]
        elif crime == "sea":
            slots["vessel"] = "一艘无名渔船"
        phone_ties = [
            (p.name, phones_shown[p.id_card]) for p in people if p.id_card in phones_shown and rng.random() < 0.5
        ]
        slots["phones"] = phone_ties
        text = b.narrative(crime, slots)
        for v in cvessels[1:]:
            text += f"另查明，{v}[也|同样]参与了[作案|捕捞]。".replace("[也|同样]", rng.choice(("也", "同样"))).replace(
                "[作案|捕捞]", "作案"
            )
        c = Case(number, crime, region, (when + timedelta(days=rng.randint(0, 5))).date(), sus, vtexts, [], text, stem)
        b.write_case(c)

    # text co-mentions and checkpoint co-reads
    gang_docs = list(docs)
    if rng.random() < 0.6 and len(members) >= 2:
        a, c = rng.sample(members, 2)
        day = rng.randrange(10, DAYS - 10)
        when = b.g.dt(day, day, 6, 22)
        key = b.ticket_id(region, when)
        cat = {"dump": "固废倾倒", "mining": "其他", "fishing": "非法捕捞", "sea": "非法捕捞", "hunting": "非法狩猎"}[
            crime
        ]
        ptxt = (
            b.reg.plate_text(plates[0], key, "诉求内容")
            if plates and crime in ("dump", "hunting", "mining") and rng.random() < 0.5
            else None
        )
        if crime == "dump":
            content = T.hotline_dump(rng, site.short if site else place, ptxt)
        elif crime in ("fishing", "sea"):
            content = T.hotline_fishing(
                rng, place.split("附近")[0], vessels[0] if vessels and rng.random() < 0.5 else None, crime == "sea"
            )
        elif crime == "hunting":
            content = T.hotline_hunting(rng, place, ptxt)
        else:
            content = T.hotline_mining(rng, place, ptxt)
        reply = T.pick(
            rng,
            (
                "经查，系{a}、{c}等人所为，[线索|案件]已移送{police}。",
                "[民警|执法人员]到场，{a}、{c}[等人|]已被带回调查。",
                "经[调查|走访]，{a}[伙同|和]{c}涉嫌[违法|非法]作业，已移交{police}。",
            ),
            a=a.name,
            c=c.name,
            police=region.police,
        )
        gang_docs.append(
            b.hotline(region, when, cat, content, place, b.unit_for(region, cat, town), reply, "已办结", key=key)
        )
        a.docs.append(gang_docs[-1])
        c.docs.append(gang_docs[-1])
    if rng.random() < 0.5 and len(members) >= 2:
        a, c = rng.sample(members, 2)
        when = b.g.dt(10, DAYS - 10, 7, 18)
        desc = T.pick(
            rng,
            (
                "{place}[发现|有人]{act}，[现场人员为|当事人为|涉及人员：]{a}、{c}[等人|]。",
                "[巡查|走访]{place}时[遇见|发现]{a}和{c}[正在|在]{act}，已劝离。",
                "村民反映{a}、{c}[近期|最近]经常在{place}{act}。",
            ),
            place=place,
            a=a.name,
            c=c.name,
            act=rng.choice(("倾倒废料", "电鱼", "下网", "挖砂", "装卸货物")),
        )
        key = b.grid(region, when, town, vil, rng.choice(("固废倾倒", "其他", "非法捕捞")), desc, None)
        gang_docs.append(key)
        a.docs.append(key)
        c.docs.append(key)
    alerts = []
    if len(plates) >= 2:
        for _ in range(rng.randint(2, 4)):
            day = rng.randrange(0, DAYS - 1)
            t = b.g.night_dt(day) if rng.random() < 0.6 else b.g.dt(day, day, 6, 20)
            cp = rng.choice(b.g.road_checkpoints[region.code])
            for p in plates:
                gang_docs.append(b.read(t, p, cp))
                t += timedelta(seconds=rng.randrange(20, 300))
            b.trip(plates[0], t + timedelta(minutes=20), region, 1)
    for p in plates:
        for _ in range(rng.randint(1, 4)):
            b.trip(p, b.g.dt(0, DAYS - 1, 6, 22), region)
    if site is not None and plates:
        for _ in range(rng.randint(1, 3)):
            day = rng.randrange(0, DAYS - 1)
            t_in = b.g.night_dt(day)
            t_out = t_in + timedelta(minutes=rng.randint(35, 150))
            p = rng.choice(plates)
            k1 = b.read(t_in, p, site.checkpoint)
            k2 = b.read(t_out, p, site.checkpoint)
            alerts.append(
                {
                    "kind": "night_dwell",
                    "plate": p,
                    "site": site.name,
                    "checkpoint": site.checkpoint.code,
                    "time": t_in,
                    "keys": [k1, k2],
                    "true": True,
                }
            )
    if plates and rng.random() < 0.5:
        comp = b.g.ids.plate(region.plate)
        keys = []
        for _ in range(rng.randint(2, 3)):
            t = b.g.dt(0, DAYS - 1, 0, 24)
            cp = rng.choice(b.g.checkpoints[region.code])
            p = rng.choice(plates)
            keys += [b.read(t, p, cp), b.read(t + timedelta(seconds=rng.randrange(30, 240)), comp, cp)]
        alerts.append({"kind": "gang_companion", "plate": comp, "gang": gid, "keys": keys, "true": True})
    if plates:
        bgp = b.g.ids.plate(region.plate)
        t = b.g.dt(0, DAYS - 1, 7, 19)
        cp = rng.choice(b.g.checkpoints[region.code])
        keys = [b.read(t, plates[0], cp), b.read(t + timedelta(seconds=rng.randrange(30, 240)), bgp, cp)]
        b.trip(bgp, t + timedelta(hours=3), region)
        alerts.append({"kind": "gang_companion", "plate": bgp, "gang": gid, "keys": keys, "true": False})
    for a in alerts:
        b.g.truth.add("alerts", a)
    gang = {
        "id": gid,
        "crime": {
            "dump": "污染环境罪",
            "fishing": "非法捕捞水产品罪",
            "sea": "非法捕捞水产品罪",
            "hunting": "非法狩猎罪",
            "mining": "非法采矿罪",
        }[crime],
        "region": region.name,
        "leader": leader.id_card,
        "members": [
            {
                "id_card": m.id_card,
                "name": m.name,
                "role": "leader" if m is leader else "member",
                "tie": "leader" if m is leader else modes[m.id_card],
            }
            for m in members
        ],
        "vehicles": plates,
        "vessels": vessels,
        "phones": [shared_phone] if used_phone else [],
        "place": place,
        "docs": gang_docs,
        "masked_associates": masked_assoc,
        "background": [c[3]["background"].id_card for c in cases if c[3].get("background")],
    }
    b.people.extend(members)
    return gang


# ====================================================================== background cases and decoys
def background_case(b: Block, decoy: str | None = None) -> None:
    rng, g = b.rng, b.g
    crime = rng.choice(INLAND_CRIMES + ("sea",))
    region = rng.choice(V.COASTAL if crime == "sea" else V.INLAND)
    place, town, vil, site = place_of(b, region, crime)
    number, stem = b.case_number(region, crime)
    doc = f"doc:case:{number}"
    sus = []
    if decoy or rng.random() < 0.7:
        p = g.person(region, "background")
        b.people.append(p)
        sus.append(b.suspect(p, doc))
    if decoy or not sus or rng.random() < 0.4:
        sus.append(b.masked_suspect(doc, decoy, planted=decoy is not None))
    vtexts = []
    plate = None
    if rng.random() < 0.5 and crime != "sea":
        plate = g.ids.plate(region.plate)
        b.reg.track(plate, _vehicle_type(rng, crime))
        vtexts.append(b.reg.plate_text(plate, doc, "涉案车辆", "header"))
        b.trip(plate, g.dt(0, DAYS - 1, 6, 22), region)
    when = on_day(rng.randrange(5, DAYS - 3))
    slots = dict(
        names=[s["name"] for s in sus],
        d0=cn_date(when - timedelta(days=rng.randint(2, 15))),
        county=region.name,
        town=town,
        place=place,
        since=since_phrase(rng, when - timedelta(days=rng.randint(15, 50))),
        qty=rng.randint(2, 80),
        times=rng.randint(1, 6),
        gain=rng.choice(("3000余", "6000", "1万余", "4500")),
        d1=f"{when.month}月{when.day}日",
        species=species_for(rng, crime),
        waste=rng.choice(("废油", "污泥", "建筑垃圾", "废渣")),
    )
    if plate:
        slots["plate"] = b.reg.plate_text(plate, doc, "简要案情")
    if crime == "sea":
        slots["vessel"] = g.ids.vessel(region.vessel)
    c = Case(number, crime, region, when.date(), sus, vtexts, [], b.narrative(crime, slots), stem)
    b.write_case(c)
