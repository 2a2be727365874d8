"""Licensed waste: the firms of a block, their manifests, and the route reads of the trucks that carry them.

`Firms` hands out producers, carriers and receivers; `licensed_chain` plants
a legal transfer (with its manifest and the checkpoint reads of the route),
sometimes with a planted anomaly the manifest detectors must find (no reads,
off route, late, short).  The illegal chains build on these
(`synthetic.wastechains`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from synthetic import text as T
from synthetic import vocab as V
from synthetic.block import Block
from synthetic.bundle import DAYS
from synthetic.world import Company

__all__ = ["Firms", "licensed_chain", "manifest", "normal_route_reads"]


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
