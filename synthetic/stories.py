"""The planted stories of one block: gangs, decoys, waste chains, water events, alert look-alikes, noise, mess."""

from __future__ import annotations

from datetime import datetime, timedelta

from synthetic import text as T
from synthetic import vocab as V
from synthetic.block import Block
from synthetic.bundle import DAYS, START, Case, Checkpoint, Site
from synthetic.world import Company, Person

INLAND_CRIMES = ("dump", "dump", "fishing", "hunting", "mining")


def _d(day: int) -> datetime:
    return START + timedelta(days=day)


def _cn(d: datetime) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _since(rng, d: datetime) -> str:
    return rng.choice(
        (
            f"{d.year}年{d.month}月",
            f"{d.year}年{d.month}月{rng.choice(('上旬', '中旬', '下旬', '初'))}",
            _cn(d),
            f"{d.month}月{d.day}日",
        )
    )


def _species(rng, crime: str) -> str:
    if crime == "fishing":
        return "、".join(rng.sample(V.FISH, 2))
    if crime == "sea":
        return "、".join(rng.sample(V.SEA_FISH, 2))
    if crime == "hunting":
        return "、".join(rng.sample(V.ANIMALS_BIRDS + V.ANIMALS_MAMMALS, 2))
    return ""


def _vehicle_type(rng, crime: str) -> str:
    if crime in ("dump",):
        return rng.choice(V.VEHICLE_TYPES_TRUCK)
    if crime == "mining":
        return "重型自卸货车"
    if crime == "sea":
        return rng.choice(("冷藏车", "轻型厢式货车", "小型轿车"))
    return rng.choice(V.VEHICLE_TYPES_CAR)


def _place_of(b: Block, region: V.Region, crime: str) -> tuple[str, str, str, Site | None]:
    """(place text, town, village, site) of a gang's activity."""
    rng = b.rng
    if crime in ("dump", "mining"):
        site = b.g.site(region, rng.choice((0, 1, 2, 3, 5, 6, 9)) if crime == "dump" else rng.choice((3, 7, 2)))
        return site.name, site.town, site.village, site
    town = rng.choice(region.towns)
    vil = b.g.village(region, town)
    if crime == "sea":
        return f"{region.name}{town}{vil}以东海域", town, vil, None
    if crime == "fishing":
        water = rng.choice(region.rivers or ("太湖",))
        return f"{region.name}{town}{vil}附近{water}水域", town, vil, None
    return f"{region.name}{town}{vil}后山", town, vil, None


# ====================================================================== gangs
def plant_gang(b: Block, gid: str, decoy_names: list[str]) -> dict:
    rng, g = b.rng, b.g
    crime = rng.choice(INLAND_CRIMES + ("sea", "sea"))
    region = rng.choice(V.COASTAL if crime == "sea" else V.INLAND)
    size = rng.choices(range(3, 13), weights=(6, 6, 5, 4, 3, 3, 2, 2, 1, 1))[0]
    members = [g.person(region, "gang_member", gid) for _ in range(size)]
    leader = members[0]
    leader.role = "gang_leader"
    place, town, vil, site = _place_of(b, region, crime)
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
        when = _d(day)
        vtexts = []
        for p in cplates:
            vtexts.append(
                b.reg.plate_text(p, doc, "涉案车辆", "header")
                + (f"（{b.reg.vehicles[p].vtype}）" if rng.random() < 0.8 else "")
            )
        names = [s["name"] for s in sus]
        slots = dict(
            names=names,
            d0=_cn(when - timedelta(days=rng.randint(2, 20))),
            county=region.name,
            town=town,
            place=place,
            since=_since(rng, when - timedelta(days=rng.randint(20, 60))),
            qty=rng.randint(5, 300),
            times=rng.randint(2, 9),
            gain=rng.choice(("8000余", "1.2万", "3万余", "5600", "2.6万", "数万")),
            d1=f"{when.month}月{when.day}日",
            species=_species(rng, crime),
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
            cp = rng.choice([c for c in b.g.checkpoints[region.code] if c.kind == "road"])
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
    place, town, vil, site = _place_of(b, region, crime)
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
    when = _d(rng.randrange(5, DAYS - 3))
    slots = dict(
        names=[s["name"] for s in sus],
        d0=_cn(when - timedelta(days=rng.randint(2, 15))),
        county=region.name,
        town=town,
        place=place,
        since=_since(rng, when - timedelta(days=rng.randint(15, 50))),
        qty=rng.randint(2, 80),
        times=rng.randint(1, 6),
        gain=rng.choice(("3000余", "6000", "1万余", "4500")),
        d1=f"{when.month}月{when.day}日",
        species=_species(rng, crime),
        waste=rng.choice(("废油", "污泥", "建筑垃圾", "废渣")),
    )
    if plate:
        slots["plate"] = b.reg.plate_text(plate, doc, "简要案情")
    if crime == "sea":
        slots["vessel"] = g.ids.vessel(region.vessel)
    c = Case(number, crime, region, when.date(), sus, vtexts, [], b.narrative(crime, slots), stem)
    b.write_case(c)


# ====================================================================== waste chains and manifests
class Firms:
    def __init__(self, b: Block) -> None:
        rng, g = b.rng, b.g
        self.b = b
        r = rng.choice(V.HUZHOU)
        self.carriers = []
        for _ in range(2):
            c = g.company(
                b.reg,
                r if rng.random() < 0.6 else rng.choice(V.INLAND),
                "carrier",
                rng.choice(V.CARRIER_INDUSTRIES_LICENSED),
            )
            trucks = []
            for _ in range(rng.randint(1, 2)):
                p = g.ids.plate(c.region.plate)
                b.reg.track(p, "重型罐式货车")
                trucks.append((p, g.person_name(True)))
            self.carriers.append((c, trucks))
        self.receivers = [
            g.company(b.reg, rng.choice(V.INLAND), "receiver", rng.choice(V.RECEIVER_INDUSTRIES)) for _ in range(2)
        ]

    def producer(self, region: V.Region | None = None) -> tuple[Company, str, str]:
        rng = self.b.rng
        ind, waste, code = rng.choice(V.PRODUCER_INDUSTRIES)
        c = self.b.g.company(self.b.reg, region or rng.choice(V.INLAND), "producer", ind)
        return c, waste, code


def manifest(
    b: Block,
    producer: Company,
    carrier: Company,
    plate: str,
    driver: str,
    receiver: Company,
    waste: str,
    code: str,
    qty: float,
    when: datetime,
) -> str:
    rng = b.rng
    mid = b.manifest_id(producer.region)
    doc = f"doc:manifest:{mid}"
    ts = (
        when.strftime("%Y-%m-%d %H:%M")
        if rng.random() < 0.9
        else f"{when.year}/{when.month}/{when.day} {when.hour}:{when.minute:02d}"
    )
    row = [
        mid,
        b.reg.company_text(producer, doc, "产废单位"),
        producer.uscc if rng.random() < 0.95 else "",
        b.reg.company_text(carrier, doc, "运输单位"),
        b.reg.plate_text(plate, doc, "运输车牌", "record"),
        driver,
        b.reg.company_text(receiver, doc, "接收单位"),
        receiver.uscc,
        waste,
        code,
        f"{qty:.2f}",
        ts,
    ]
    line = b.g.man.row(row)
    b._last_line = (b.g.man, line)
    b.reg.confirm(doc, "\x1f".join(row))
    return mid


def normal_route_reads(
    b: Block, plate: str, when: datetime, src: V.Region, dst: V.Region, late: bool = False
) -> list[str]:
    rng = b.rng
    keys = b.trip(plate, when + timedelta(minutes=rng.randint(10, 60)), src, rng.randint(1, 2))
    arrive = when + timedelta(hours=rng.uniform(1.2, 3.0) + (rng.uniform(8, 14) if late else 0))
    keys += b.trip(plate, arrive, dst, 1)
    return keys


def licensed_chain(b: Block, firms: Firms, anomaly_plan: list[str], producer: tuple | None = None) -> None:
    rng = b.rng
    producer, waste, code = producer or firms.producer()
    carrier, trucks = rng.choice(firms.carriers)
    receiver = rng.choice(firms.receivers)
    base = rng.uniform(1.5, 22)
    stop_day = None
    if "silence_no_complaint" in anomaly_plan:
        stop_day = rng.randrange(60, 80)
    mids = []
    day = rng.randrange(0, 15)
    while day < (stop_day or DAYS - 1):
        plate, driver = rng.choice(trucks)
        when = b.g.dt(day, day, 8, 16)
        kind = "none"
        if anomaly_plan and anomaly_plan[0] in ("never_read", "late", "short") and len(mids) == 1:
            kind = anomaly_plan.pop(0)
        qty = round(base * rng.uniform(0.85, 1.15), 2)
        mid = manifest(b, producer, carrier, plate, driver, receiver, waste, code, qty, when)
        mids.append(mid)
        keys = (
            []
            if kind == "never_read"
            else normal_route_reads(b, plate, when, producer.region, receiver.region, late=kind == "late")
        )
        if kind == "short":
            real = round(qty * rng.uniform(0.3, 0.7), 2)
            rwhen = when + timedelta(days=rng.randint(3, 20), hours=rng.randint(0, 5))
            key = b.grid_id(receiver.region, rwhen)
            desc = T.pick(
                rng,
                (
                    "[危废规范化检查|入户检查]时核对{r}过磅记录，联单{m}申报{q}吨，实际入库仅{x}吨，[差额较大|缺口明显]。",
                    "{r}反映：联单{m}（车辆{p}）[申报|填报]{q}吨，[到厂|实际]过磅{x}吨，[已上报|已报生态环境分局]。",
                    "[核查|比对]转移联单{m}：申报数量{q}吨，接收单位{r}[入库|签收]{x}吨，数量不符。",
                ),
                r=b.reg.company_text(receiver, key, "事件描述", "text"),
                m=mid,
                q=f"{qty:.2f}",
                x=f"{real:.2f}",
                p=plate,
            )
            keys.append(b.grid(receiver.region, rwhen, receiver.town, receiver.village, "其他", desc, None, key=key))
        b.g.truth.add(
            "alerts",
            {
                "kind": "manifest_anomaly",
                "anomaly": kind,
                "manifest": mid,
                **({"received_t": real, "declared_t": qty} if kind == "short" else {}),
                "plate": plate,
                "keys": [f"doc:manifest:{mid}", *keys],
                "true": kind != "none",
            },
        )
        day += rng.randint(14, 35)
    if "complaints_no_silence" in anomaly_plan and stop_day is None:
        anomaly_plan.remove("complaints_no_silence")
        keys = []
        for _ in range(2):
            when = b.g.dt(60, DAYS - 1, 18, 23)
            key = b.ticket_id(producer.region, when)
            place = f"{producer.region.name}{producer.town}{producer.village}"
            ctext = b.reg.company_text(producer, key, "诉求内容", "text") if rng.random() < 0.6 else None
            keys.append(
                b.hotline(
                    producer.region,
                    when,
                    "大气污染",
                    T.hotline_smell_plant(rng, place, ctext),
                    place,
                    b.unit_for(producer.region, "大气污染", producer.town),
                    T.reply_text(rng, "fixed"),
                    key=key,
                )
            )
        b.g.truth.add(
            "alerts",
            {
                "kind": "producer_silence",
                "company": {"uscc": producer.uscc, "name": producer.name},
                "keys": keys + [f"doc:manifest:{m}" for m in mids],
                "true": False,
                "note": "有投诉但联单正常",
            },
        )
    if stop_day is not None:
        anomaly_plan.remove("silence_no_complaint")
        b.g.truth.add(
            "alerts",
            {
                "kind": "producer_silence",
                "company": {"uscc": producer.uscc, "name": producer.name},
                "keys": [f"doc:manifest:{m}" for m in mids],
                "true": False,
                "note": "停产，无投诉",
            },
        )
    b.g.truth.add(
        "licensed_chains",
        {
            "producer": {"uscc": producer.uscc, "name": producer.name},
            "carrier": {"uscc": carrier.uscc, "name": carrier.name},
            "receiver": {"uscc": receiver.uscc, "name": receiver.name},
            "waste_code": code,
            "manifests": mids,
            "crime": False,
        },
    )


def waste_chain(b: Block, firms: Firms, cid: str) -> None:
    rng, g = b.rng, b.g
    region = rng.choice(V.INLAND)
    producer, waste, code = firms.producer(region)
    lic_carrier, trucks = rng.choice(firms.carriers)
    receiver = rng.choice(firms.receivers)
    carrier = g.company(b.reg, region, "carrier_unlicensed", rng.choice(V.CARRIER_INDUSTRIES_PLAIN))
    truck = g.ids.plate(region.plate if rng.random() < 0.8 else rng.choice(V.OUTSIDE)[2])
    b.reg.track(truck, rng.choice(("重型罐式货车", "中型罐式货车", "重型厢式货车")))
    driver = g.person(region, "chain_driver")
    manager = g.person(region, "chain_manager")
    b.people += [driver, manager]
    site = g.site(region, rng.choice((0, 1, 2, 5, 6, 9)))
    pattern = {"1": "fake_manifest", "2": "no_manifest"}.get(cid[-1], rng.choice(("fake_manifest", "no_manifest")))
    switch = rng.randrange(45, 75)
    base = rng.uniform(8, 24)
    docs: list[str] = []
    mids_legit, mids_crime = [], []
    day = rng.randrange(0, 10)
    while day < switch:
        plate, drv = rng.choice(trucks)
        when = g.dt(day, day, 8, 16)
        mid = manifest(
            b, producer, lic_carrier, plate, drv, receiver, waste, code, round(base * rng.uniform(0.9, 1.1), 2), when
        )
        mids_legit.append(mid)
        keys = normal_route_reads(b, plate, when, producer.region, receiver.region)
        g.truth.add(
            "alerts",
            {
                "kind": "manifest_anomaly",
                "anomaly": "none",
                "manifest": mid,
                "plate": plate,
                "keys": [f"doc:manifest:{mid}", *keys],
                "true": False,
            },
        )
        day += rng.randint(14, 30)
    dump_days = sorted(rng.sample(range(switch + 2, DAYS - 8), rng.randint(3, 5)))
    alerts = []
    for i, dd in enumerate(dump_days):
        t0 = g.night_dt(dd).replace(hour=rng.choice((21, 22)))
        if pattern == "fake_manifest" and i < 3:
            mid = manifest(
                b,
                producer,
                carrier,
                truck,
                driver.name,
                receiver,
                waste,
                code,
                round(base * rng.uniform(0.4, 0.9), 2),
                t0 - timedelta(hours=rng.randint(1, 5)),
            )
            mids_crime.append(mid)
            docs.append(f"doc:manifest:{mid}")
        k = b.trip(truck, t0, region, 1)
        t_in = t0 + timedelta(minutes=rng.randint(30, 110))
        t_out = t_in + timedelta(minutes=rng.randint(40, 160))
        k1, k2 = b.read(t_in, truck, site.checkpoint), b.read(t_out, truck, site.checkpoint)
        docs += k + [k1, k2]
        alerts.append(
            {
                "kind": "night_dwell",
                "plate": truck,
                "site": site.name,
                "checkpoint": site.checkpoint.code,
                "time": t_in,
                "keys": [k1, k2],
                "true": True,
            }
        )
        if mids_crime and pattern == "fake_manifest" and i < 3:
            alerts.append(
                {
                    "kind": "manifest_anomaly",
                    "anomaly": "off_route",
                    "manifest": mids_crime[-1],
                    "plate": truck,
                    "keys": [f"doc:manifest:{mids_crime[-1]}", *k, k1, k2],
                    "true": True,
                }
            )
    # complaints about the site (≥3 hotline tickets) and grid visits
    complaint_keys = []
    for dd in dump_days[: rng.randint(3, len(dump_days))]:
        when = g.night_dt(dd) + timedelta(hours=rng.uniform(2, 9))
        key = b.ticket_id(region, when)
        ptxt = b.reg.plate_text(truck, key, "诉求内容") if rng.random() < 0.4 else None
        content = T.hotline_dump(rng, site.short if rng.random() < 0.7 else site.name, ptxt)
        outcome = rng.choice(("nothing", "named", "referred"))
        comp_text = b.reg.company_text(producer, key, "回复内容", "text") if outcome == "named" else ""
        reply = T.reply_text(
            rng,
            outcome,
            date=f"{when.month}月{when.day + 1 if when.day < 28 else when.day}日",
            company=comp_text,
            who=driver.name[0] + "某",
            police=region.police,
        )
        complaint_keys.append(
            b.hotline(
                region, when, "固废倾倒", content, site.name, b.unit_for(region, "固废倾倒", site.town), reply, key=key
            )
        )
    for _ in range(rng.randint(1, 3)):
        when = g.dt(switch, DAYS - 1, 7, 18)
        key = b.grid_id(region, when)
        ptxt = b.reg.plate_text(truck, key, "事件描述") if rng.random() < 0.3 else None
        docs.append(
            b.grid(
                region,
                when,
                site.town,
                site.village,
                "固废倾倒",
                T.grid_dump(rng, site.name, ptxt),
                b.coords_near(site.checkpoint) if rng.random() < 0.8 else None,
                key=key,
            )
        )
    if pattern == "no_manifest":
        for _ in range(rng.randint(2, 3)):
            when = g.dt(switch + 5, DAYS - 1, 19, 24)
            key = b.ticket_id(region, when)
            ctext = b.reg.company_text(producer, key, "诉求内容", "text") if rng.random() < 0.6 else None
            place = f"{region.name}{producer.town}{producer.village}"
            complaint_keys.append(
                b.hotline(
                    region,
                    when,
                    "大气污染",
                    T.hotline_smell_plant(rng, place, ctext),
                    place,
                    b.unit_for(region, "大气污染", producer.town),
                    T.reply_text(rng, "nothing", date="次日"),
                    key=key,
                )
            )
        alerts.append(
            {
                "kind": "producer_silence",
                "company": {"uscc": producer.uscc, "name": producer.name},
                "keys": [f"doc:manifest:{m}" for m in mids_legit] + complaint_keys[-2:],
                "true": True,
            }
        )
    alerts.append(
        {"kind": "repeated_complaints", "site": site.name, "keys": complaint_keys[: len(dump_days)], "true": True}
    )
    docs += complaint_keys
    # the case
    number, stem = b.case_number(region, "dump")
    doc = f"doc:case:{number}"
    sus = [b.suspect(driver, doc), b.suspect(manager, doc)]
    if rng.random() < 0.3:
        sus.append(b.masked_suspect(doc))
    filed = _d(dump_days[-1] + rng.randint(1, 6))
    vtexts = [b.reg.plate_text(truck, doc, "涉案车辆", "header") + f"（{b.reg.vehicles[truck].vtype}）"]
    comps = [
        (b.reg.company_text(producer, doc, "涉案单位"), producer.uscc),
        (b.reg.company_text(carrier, doc, "涉案单位"), carrier.uscc),
    ]
    slots = dict(
        names=[driver.name, manager.name] + [s["name"] for s in sus[2:]],
        d0=_cn(_d(dump_days[-1] + 1)),
        county=region.name,
        town=site.town,
        place=site.name,
        since=_since(rng, _d(switch)),
        qty=round(base * len(dump_days)),
        times=len(dump_days),
        gain=rng.choice(("2万余", "4.6万", "1.8万", "9000余")),
        d1=f"{filed.month}月{filed.day}日",
        waste=waste,
        plate=b.reg.plate_text(truck, doc, "简要案情"),
        driver=driver.name,
        company=b.reg.company_text(producer, doc, "简要案情", "text"),
    )
    extra = []
    if mids_crime:
        extra.append(
            T.pick(
                rng,
                (
                    "[其间|期间]，{m}以{c}名义填报转移联单（联单编号{ids}），[废物|{w}]实际未运抵接收单位。",
                    "经核查转移联单{ids}，运输单位{c}无危险货物运输资质，申报车辆{p}[未在|从未在]接收单位周边卡口出现。",
                ),
                m=manager.name,
                c=b.reg.company_text(carrier, doc, "简要案情", "text"),
                ids="、".join(mids_crime),
                w=waste,
                p=truck,
            )
        )
    else:
        extra.append(
            T.pick(
                rng,
                ("经查，{c}自{s}起[再未|未再]填报危险废物转移联单。", "该公司{s}以后的危险废物[去向不明|无转移记录]。"),
                c=b.reg.company_text(producer, doc, "简要案情", "text"),
                s=f"{_d(switch).month}月",
            )
        )
    slots["extra"] = extra
    c = Case(number, "dump", region, filed.date(), sus, vtexts, comps, b.narrative("dump", slots), stem)
    b.write_case(c)
    docs.append(doc)
    for a in alerts:
        g.truth.add("alerts", a)
    g.truth.add(
        "waste_chains",
        {
            "id": cid,
            "pattern": pattern,
            "producer": {"uscc": producer.uscc, "name": producer.name},
            "carrier": {"uscc": carrier.uscc, "name": carrier.name},
            "licensed_carrier_before": {"uscc": lic_carrier.uscc, "name": lic_carrier.name},
            "receiver": {"uscc": receiver.uscc, "name": receiver.name},
            "vehicle": truck,
            "driver": {"name": driver.name, "id_card": driver.id_card},
            "manager": {"name": manager.name, "id_card": manager.id_card},
            "dump_site": site.name,
            "checkpoint": site.checkpoint.code,
            "waste_code": code,
            "manifests": mids_crime,
            "manifests_before": mids_legit,
            "docs": docs,
        },
    )


def site_lookalikes(b: Block) -> None:
    """Daytime visits to sensitive sites (not alerts) and a site complained about only twice, months apart."""
    rng, g = b.rng, b.g
    region = rng.choice(V.INLAND)
    site = g.site(region)
    for _ in range(rng.randint(2, 4)):
        p = g.ids.plate(region.plate)
        day = rng.randrange(0, DAYS - 1)
        t_in = g.dt(day, day, 8, 14)
        t_out = t_in + timedelta(minutes=rng.randint(40, 150))
        keys = [b.read(t_in, p, site.checkpoint), b.read(t_out, p, site.checkpoint)]
        g.truth.add(
            "alerts",
            {
                "kind": "night_dwell",
                "plate": p,
                "site": site.name,
                "checkpoint": site.checkpoint.code,
                "time": t_in,
                "keys": keys,
                "true": False,
                "note": "白天作业",
            },
        )
    for _ in range(rng.randint(1, 2)):  # a villager driving home past the site at night: one read, no dwell
        p = g.ids.plate(region.plate)
        t = g.night_dt(rng.randrange(0, DAYS - 1))
        g.truth.add(
            "alerts",
            {
                "kind": "night_dwell",
                "plate": p,
                "site": site.name,
                "checkpoint": site.checkpoint.code,
                "time": t,
                "keys": [b.read(t, p, site.checkpoint)],
                "true": False,
                "note": "夜间单次经过，无停留",
            },
        )
        b.trip(p, t + timedelta(hours=rng.randint(9, 14)), region, 1)
    keys = []
    for day in (rng.randrange(0, 20), rng.randrange(90, DAYS - 1)):
        when = g.dt(day, day, 8, 20)
        keys.append(
            b.hotline(
                region,
                when,
                "固废倾倒",
                T.hotline_dump(rng, site.short, None, smell=False),
                site.name,
                b.unit_for(region, "固废倾倒", site.town),
                T.reply_text(rng, "nothing", date="当日"),
                "已办结",
            )
        )
    g.truth.add(
        "alerts",
        {"kind": "repeated_complaints", "site": site.name, "keys": keys, "true": False, "note": "两次投诉相隔数月"},
    )


# ====================================================================== water
def plant_water(b: Block, firms: Firms, wid: str) -> None:
    rng, g = b.rng, b.g
    region = rng.choice(V.INLAND)
    city = {"湖州": "HZ", "嘉兴": "JX"}[region.city]
    base = f"{city}-{region.grid_code}{b.index + 1:03d}"
    river = rng.choice(region.rivers)
    # trunk s0 (outlet) <- s1 <- s2 <- s3 ; tributaries join trunk segments
    segs: list[dict] = []

    def seg(name: str, down: str | None) -> dict:
        s = {"id": f"{base}-{len(segs) + 1:02d}", "name": name, "down": down}
        segs.append(s)
        return s

    towns = rng.sample(region.towns, min(4, len(region.towns)))
    trunk = []
    down = None
    for i in range(4):
        s = seg(
            f"{river}（{towns[i % len(towns)]}段）"
            if i
            else f"{river}（入{rng.choice(('太湖', '运河', '干流'))}口段）",
            down,
        )
        trunk.append(s)
        down = s["id"]
    tribs = []
    for _ in range(rng.randint(2, 3)):
        join = rng.choice(trunk[1:])
        t_town = rng.choice(region.towns)
        tv = g.village(region, t_town)
        s1 = seg(f"{tv[:2]}{rng.choice(('溪', '港', '浜', '河'))}（{tv}段）", join["id"])
        tribs.append((s1, t_town, tv))
        if rng.random() < 0.5:
            s2 = seg(f"{tv[:2]}{rng.choice(('溪', '港'))}上游（{tv}以上）", s1["id"])
            tribs.append((s2, t_town, tv))
    for s in segs:
        g.seg.row([s["id"], s["name"], s["down"] or ""])
    parent = {s["id"]: s["down"] for s in segs}

    def upstream_of(sid: str) -> set[str]:
        out = set()
        for s in segs:
            x = s["id"]
            while x:
                if x == sid:
                    out.add(s["id"])
                    break
                x = parent[x]
        return out

    # outfalls: decide the industries first, so each event has exactly one upstream outfall with its pollutant
    all_inds = [i for i, _, _ in V.PRODUCER_INDUSTRIES] + list(V.OTHER_INDUSTRIES)
    outfalls = []
    for s in segs:
        for _ in range(rng.choices((0, 1, 2), weights=(1, 4, 2))[0]):
            outfalls.append({"seg": s["id"], "industry": rng.choice(all_inds)})
    st_segs = rng.sample([s["id"] for s in segs], min(len(segs), rng.randint(2, 3)))
    stations = []
    for sid in st_segs:
        n = g.station_seq.get(region.code, 0) + 1
        g.station_seq[region.code] = n
        sname = next(s["name"] for s in segs if s["id"] == sid).replace("（", "").replace("）", "") + rng.choice(
            ("桥", "断面", "闸", "站", "大桥")
        )
        stations.append(
            {
                "id": f"JC-{region.grid_code}-{n:02d}",
                "name": sname,
                "seg": sid,
                "inds": rng.sample(V.INDICATORS, rng.randint(3, 4)),
            }
        )
    events = []  # (primary station, outfall index, indicator, day, affected stations)
    fixed: set[int] = set()
    for si in rng.sample(range(len(outfalls)), len(outfalls)):
        if len(events) >= 2 or si in fixed:
            continue
        affected = [st for st in stations if outfalls[si]["seg"] in upstream_of(st["seg"])]
        if not affected:
            continue
        affected.sort(key=lambda st: len(upstream_of(st["seg"])))
        primary = affected[0]
        free = [x for x in primary["inds"] if all(e[2] != x for e in events)]
        if not free:
            continue
        ind = rng.choice(free)
        for st in affected:
            if ind not in st["inds"]:
                st["inds"].append(ind)
        outfalls[si]["industry"] = rng.choice([k for k, v in V.INDUSTRY_INDICATOR.items() if v == ind])
        fixed.add(si)
        zone = set().union(*(upstream_of(st["seg"]) for st in affected))
        for j, o in enumerate(outfalls):  # decoys upstream carry other pollutants
            if j != si and o["seg"] in zone and V.INDUSTRY_INDICATOR[o["industry"]] == ind:
                o["industry"] = rng.choice(
                    [k for k, v in V.INDUSTRY_INDICATOR.items() if v != ind and v not in [e[2] for e in events]]
                )
                fixed.add(j)
        day = rng.randrange(30, DAYS - 45) if not events else events[0][3] + rng.randint(4, 20)
        events.append((primary, si, ind, day, affected))
    for o in outfalls:
        comp = g.company(b.reg, region, "other", o["industry"])
        n = g.outfall_seq.get(region.code, 0) + 1
        g.outfall_seq[region.code] = n
        o.update(
            id=f"PK-{region.grid_code}-{n:03d}",
            company=comp,
            indicator=V.INDUSTRY_INDICATOR[o["industry"]],
            kind=rng.choice(("雨水排口", "污水排口", "雨水排放口", "废水总排口", "排放口")),
        )
        o["lon"], o["lat"] = b._near_region(region)
    events = [(st, outfalls[si], ind, day, aff) for st, si, ind, day, aff in events]
    for o in outfalls:
        doc = f"doc:outfall:{o['id']}"
        c = o["company"]
        lon, lat = (f"{o['lon']:.4f}", f"{o['lat']:.4f}") if rng.random() < 0.93 else ("", "")
        line = g.outf.row(
            [
                o["id"],
                f"{c.name if rng.random() < 0.3 else c.core}{o['kind']}",
                b.reg.company_text(c, doc, "所属单位"),
                c.uscc if rng.random() < 0.95 else "",
                o["seg"],
                lon,
                lat,
            ]
        )
        o["line"] = line
    w0 = min((e[3] for e in events), default=60) - 7
    w1 = max((e[3] for e in events), default=60) + 7
    for day in range(w0, w1 + 1):
        when = _d(day) + timedelta(hours=8)
        for st in stations:
            for ind in st["inds"]:
                val, over = _reading(rng, ind, st, events, day)
                line = g.read.row(
                    [st["id"], st["name"], st["seg"], when.strftime("%Y-%m-%d %H:%M"), ind, val, "是" if over else "否"]
                )
                del line
    for st, src, ind, day, aff in events:
        when = _d(day) + timedelta(hours=8)
        c: Company = src["company"]
        seg_name = next(s["name"] for s in segs if s["id"] == src["seg"])
        vill = c.village
        place = f"{region.name}{c.town}{vill}"
        t = _d(day - 1) + timedelta(hours=rng.uniform(18, 31))
        key = b.ticket_id(region, t)
        what = {
            "pH": rng.choice(("smell", "fish")),
            "COD": rng.choice(("color", "foam", "smell")),
            "氨氮": rng.choice(("smell", "fish")),
            "总磷": rng.choice(("color", "pipe", "foam")),
        }[ind]
        content = T.hotline_water(rng, place if rng.random() < 0.5 else f"{vill}", seg_name.split("（")[0], what)
        hk = b.hotline(
            region,
            t,
            "水污染",
            content,
            place,
            b.unit_for(region, "水污染", c.town),
            T.reply_text(rng, rng.choice(("nothing", "referred")), date="次日", police=region.police),
            key=key,
        )
        extra_docs = []
        if rng.random() < 0.6:  # a grid worker finds the discharge near the source, sometimes naming the firm
            gt = when + timedelta(hours=rng.uniform(1, 30))
            gkey = b.grid_id(region, gt)
            near = f"{c.town}{vill}"
            if rng.random() < 0.5:
                near = b.reg.company_text(c, gkey, "事件描述", "text") + rng.choice(
                    ("附近", "厂区外", "东侧", "围墙外")
                )
            desc = T.grid_water(rng, near, seg_name.split("（")[0], what)
            extra_docs.append(b.grid(region, gt, c.town, vill, "水污染", desc, (src["lon"], src["lat"]), key=gkey))
        readings = [f"doc:reading:{st['id']}:{(when + timedelta(days=k)):%Y%m%d%H%M%S}:{ind}" for k in range(2)]
        ups = upstream_of(st["seg"])
        g.truth.add(
            "water_events",
            {
                "id": f"{wid}-{st['id']}",
                "station": st["id"],
                "indicator": ind,
                "source_outfall": src["id"],
                "company": {"uscc": c.uscc, "name": c.name},
                "time": when,
                "segment": st["seg"],
                "source_segment": src["seg"],
                "upstream_outfalls": [o["id"] for o in outfalls if o["seg"] in ups],
                "decoy_outfalls": [o["id"] for o in outfalls if o["seg"] in ups and o is not src],
                "same_pollutant_not_upstream": [
                    o["id"] for o in outfalls if o["seg"] not in ups and o["indicator"] == ind
                ],
                "also_affected_stations": [a["id"] for a in aff[1:]],
                "docs": [hk, *extra_docs, *readings, f"doc:outfall:{src['id']}"],
            },
        )


def _reading(rng, ind: str, st: dict, events, day: int) -> tuple[str, bool]:
    mean, sd = V.INDICATOR_NORMAL[ind]
    v = rng.gauss(mean, sd)
    if ind == "pH":
        v = min(max(v, 6.6), 8.4)
    else:
        v = min(max(v, mean * 0.3), V.INDICATOR_LIMIT[ind] * 0.85)
    for est, _src, eind, eday, aff in events:
        if eind != ind or not (0 <= day - eday <= 2) or st not in aff:
            continue
        k = (1.0, 0.75, 0.45)[day - eday] * (1.0 if est is st else 0.6)
        v = _exceed(ind, k, rng)
    if ind == "pH":
        v = min(max(v, 1.5), 11.0)
        return f"{v:.1f}", v < 6 or v > 9
    v = max(v, 0.01)
    text = f"{v:.0f}" if ind == "COD" else f"{v:.2f}"
    return text, float(text) > V.INDICATOR_LIMIT[ind]


def _exceed(ind: str, k: float, rng) -> float:
    if ind == "pH":
        return 7.3 - k * rng.uniform(3.0, 5.0)
    lim = V.INDICATOR_LIMIT[ind]
    return lim * (1 + k * rng.uniform(0.5, 3.0)) if k >= 0.4 else lim * rng.uniform(0.6, 0.9)


# ====================================================================== noise
def background_traffic(b: Block, n_vehicles: int) -> None:
    rng, g = b.rng, b.g
    for _ in range(n_vehicles):
        region = rng.choice(V.REGIONS)
        prefix = region.plate if rng.random() < 0.85 else rng.choice(("浙A", "浙B", "苏E", "皖P", "沪A", "浙F", "浙E"))
        p = g.ids.plate(prefix, new_energy=rng.random() < 0.12)
        for _ in range(rng.randint(1, 3)):
            b.trip(p, g.dt(0, DAYS - 1, 5, 23) if rng.random() < 0.9 else g.dt(0, DAYS - 1, 0, 5), region)


def background_hotline(b: Block, n: int) -> None:
    rng, g = b.rng, b.g
    for _ in range(n):
        region = rng.choice(V.REGIONS)
        cat = rng.choice(list(T.BACKGROUND_HOTLINE))
        town = rng.choice(region.towns)
        vil = (
            g.village(region, town)
            if rng.random() < 0.7
            else rng.choice(("新村小区", "大道", "工业园区", "菜场", "老街"))
        )
        place = f"{town}{vil}"
        when = g.dt()
        b.hotline(
            region,
            when,
            cat,
            T.hotline_background(rng, cat, place),
            f"{region.name}{place}",
            b.unit_for(region, cat, town),
            _maybe_multiline(rng, region, T.reply_text(rng, rng.choice(("fixed", "fixed", "nothing")))),
        )


def _maybe_multiline(rng, region: V.Region, reply: str) -> str:
    """Some 湖州 replies carry a line break inside the quoted cell (a multi-line CSV row)."""
    if region.hotline == "ZJHZ" and rng.random() < 0.08:
        return reply + "\n" + rng.choice(("（已电话回访）", "回访：来电人表示满意。", "备注：该点位纳入日常巡查。"))
    return reply


def background_grid(b: Block, n: int) -> None:
    rng, g = b.rng, b.g
    for _ in range(n):
        region = rng.choice(V.REGIONS)
        cat = rng.choice(("噪声", "大气污染", "其他", "水污染"))
        town = rng.choice(region.towns)
        vil = g.village(region, town)
        when = g.dt(0, DAYS - 1, 7, 19)
        coords = b._near_region(region) if rng.random() < 0.85 else None
        b.grid(region, when, town, vil, cat, T.grid_background(rng, cat, f"{town}{vil}"), coords)


# ====================================================================== mess
def malformed_rows(b: Block) -> None:
    rng, g = b.rng, b.g
    hz = [r for r in V.REGIONS if r.hotline == "ZJHZ"]
    # bad date
    region = rng.choice(hz)
    town = rng.choice(region.towns)
    bad = rng.choice(("2024-04-31", "2024-06-31", "2024-02-30"))
    when = datetime(2024, int(bad[5:7]), 1, rng.randrange(7, 20), rng.randrange(60), rng.randrange(60))
    tid = b.ticket_id(region, when).removeprefix("doc:hotline:")
    content = T.hotline_background(rng, "大气污染", town)
    row = [
        tid,
        f"{bad} {when:%H:%M:%S}",
        "匿名",
        "",
        "大气污染",
        content,
        f"{region.name}{town}",
        b.unit_for(region, "大气污染", town),
        "办理中",
        "",
        "",
    ]
    line = g.hot.row(row)
    g.truth.add(
        "malformed",
        {
            "file": "hotline.csv",
            "line": line,
            "record": f"doc:hotline:{tid}",
            "field": "来电时间",
            "reason": "bad_date",
            "value": row[1],
        },
    )
    # extra column: unquoted ASCII comma in 诉求内容
    tid = b.ticket_id(region, g.dt()).removeprefix("doc:hotline:")
    when = g.dt()
    c1 = T.hotline_background(rng, "噪声", town).rstrip("。")
    c2 = rng.choice(("晚上根本睡不着", "老人孩子都受不了", "希望尽快处理"))
    fields = [
        tid,
        when.strftime("%Y-%m-%d %H:%M:%S"),
        rng.choice(V.SURNAMES) + "先生",
        g.ids.mask_phone(g.ids.mobile()),
        "噪声",
        f"{c1},{c2}。",
        f"{region.name}{town}",
        b.unit_for(region, "噪声", town),
        "待受理",
        "",
        "",
    ]
    line = g.hot.raw(",".join(fields) + "\n")
    g.truth.add(
        "malformed",
        {
            "file": "hotline.csv",
            "line": line,
            "record": f"doc:hotline:{tid}",
            "field": "诉求内容",
            "reason": "extra_column",
            "fields": len(fields) + 1,
        },
    )
    # empty key in grid.csv
    region = rng.choice([r for r in V.REGIONS if r.city != "湖州"])
    town = rng.choice(region.towns)
    vil = g.village(region, town)
    b.grid(
        region,
        g.dt(0, DAYS - 1, 8, 20),
        town,
        vil,
        "水污染",
        T.grid_background(rng, "水污染", f"{town}{vil}") + "（草稿，未提交）",
        None,
        status="",
        result="",
        empty_key=True,
    )
    g.truth.add(
        "malformed",
        {"file": "grid.csv", "line": g.grid_csv.line - 1, "record": None, "field": "事件编号", "reason": "empty_key"},
    )
    # bad coordinates in grid.jsonl
    region = rng.choice(hz)
    town = rng.choice(region.towns)
    vil = g.village(region, town)
    lon, lat = b._near_region(region)
    badc = rng.choice(((lon * 10, lat), (lat, lon), (lon, lat + 90)))
    key = b.grid(
        region,
        g.dt(0, DAYS - 1, 8, 20),
        town,
        vil,
        "其他",
        T.grid_background(rng, "其他", f"{town}{vil}"),
        (round(badc[0], 4), round(badc[1], 4)),
    )
    g.truth.add(
        "malformed",
        {
            "file": "grid.jsonl",
            "line": g.grid_jsonl.line - 1,
            "record": key,
            "field": "经度",
            "reason": "bad_coordinates",
            "value": [round(badc[0], 4), round(badc[1], 4)],
        },
    )
    # unreadable plate in anpr
    cp = rng.choice(g.checkpoints[region.code])
    b.anpr.append((g.dt(), "未识别", cp))
    # invalid ID check digit in a case
    crime = rng.choice(("dump", "hunting", "fishing"))
    region = rng.choice(V.INLAND)
    place, town, vil, _ = _place_of(b, region, crime)
    number, stem = b.case_number(region, crime)
    doc = f"doc:case:{number}"
    p = g.person(region, "background")
    b.people.append(p)
    s = b.suspect(p, doc, bad_id=True)
    when = _d(rng.randrange(10, DAYS - 5))
    slots = dict(
        names=[p.name],
        d0=_cn(when),
        county=region.name,
        town=town,
        place=place,
        since=_since(rng, when - timedelta(days=30)),
        qty=rng.randint(1, 20),
        times=rng.randint(1, 4),
        gain="2000余",
        d1=f"{when.month}月{when.day}日",
        species=_species(rng, crime),
        waste="废油",
    )
    path = b.write_case(Case(number, crime, region, when.date(), [s], [], [], b.narrative(crime, slots), stem))
    g.truth.add(
        "malformed",
        {
            "file": path,
            "record": doc,
            "field": "身份证号",
            "reason": "bad_check_digit",
            "value": s["id"],
            "true_id_card": p.id_card,
        },
    )


def near(cp: Checkpoint) -> tuple[float, float]:
    return cp.lon, cp.lat
