"""Entry point: `generate_bundle(out_dir, seed, scale)`."""

from __future__ import annotations

from pathlib import Path

from synthetic import gangs, manifests, noise, wastechains, waterevents
from synthetic import vocab as V
from synthetic.block import Block
from synthetic.bundle import TRUTH_ORDER, Generator
from synthetic.world import Company

TRUTH_VERSION = 1


def _confusable(b: Block, firms: manifests.Firms) -> None:
    """Different firms with confusingly similar names (own USCCs), each given its own manifests."""
    rng, g = b.rng, b.g
    base, waste, code = firms.producer()
    mode = rng.choice(("prefix", "brand", "industry"))
    if mode == "prefix":
        other_region = rng.choice([r for r in V.INLAND if r.short != base.prefix])
        sib = g.company(b.reg, other_region, "producer", base.industry, prefix=other_region.short, brand=base.core[:2])
        base.no_prefix_ok = sib.no_prefix_ok = False
    elif mode == "brand":
        b2 = base.core[0] + rng.choice([c for c in V.BRAND_B if c != base.core[1]])
        sib = g.company(b.reg, base.region, "producer", base.industry, prefix=base.prefix, brand=b2)
    else:
        alt = {"精细化工": "化工", "化工": "新材料", "表面处理": "金属表面处理", "电镀": "表面处理"}.get(
            base.industry, base.industry + "科技"
        )
        sib = g.company(b.reg, base.region, "producer", alt, prefix=base.prefix, brand=base.core[:2])
    if set(base.forms().values()) & set(sib.forms().values()):
        base.no_prefix_ok = sib.no_prefix_ok = False
    base.confusable_with.append(sib.true_id)
    sib.confusable_with.append(base.true_id)
    for c in (base, sib):
        manifests.licensed_chain(b, firms, [], producer=(c, waste, code))


def _flush_entities(b: Block) -> None:
    t = b.g.truth
    for c in b.reg.companies.values():
        if not c.mentions:
            continue
        t.add(
            "entities.companies",
            {
                "true_id": c.true_id,
                "uscc": c.uscc,
                "name": c.name,
                "kind": c.kind,
                "region": c.region.name,
                "confusable_with": c.confusable_with,
                "mentions": c.mentions,
            },
        )
    for v in b.reg.vehicles.values():
        if not v.mentions:
            continue
        t.add(
            "entities.vehicles",
            {"true_id": f"veh:{v.plate}", "plate": v.plate, "vtype": v.vtype, "mentions": v.mentions},
        )
    seen = set()
    for p in b.people:
        if p.id_card in seen or not p.docs:
            continue
        seen.add(p.id_card)
        t.add(
            "people",
            {
                "id_card": p.id_card,
                "name": p.name,
                "role": p.role,
                "gang": p.gang,
                "phone": p.phone,
                "docs": list(dict.fromkeys(p.docs)),
            },
        )


def generate_bundle(out_dir: Path, seed: int, scale: int = 1, variation: bool = False) -> Path:
    """Write a synthetic bundle of every input format plus `truth.json` into `out_dir`; returns `out_dir`.

    `variation=True` writes the same kind of world in the variation mode (synthetic/variation/):
    other phrasings and spellings, single-route gang members and broken case files.
    """
    if scale < 1:
        raise ValueError("scale 必须 ≥ 1 / scale must be at least 1")
    out_dir = Path(out_dir)
    if variation:
        from synthetic.variation import VariedBlock, VariedGenerator
        from synthetic.variation.broken import FORMS, broken_case_files
        from synthetic.variation.ties import extend_gang

        gen_cls, block_cls = VariedGenerator, VariedBlock
    else:
        gen_cls, block_cls = Generator, Block
    g = gen_cls(out_dir, seed, scale)
    rng = g.rng
    for i in range(scale):
        b = block_cls(g, i)
        surnames = rng.sample("王张李陈刘周吴徐沈杨", 3)
        decoys = [s + rng.choice(("某", "某某", "某")) for s in surnames]
        firms = manifests.Firms(b)
        for k in range(rng.randint(6, 10)):
            gang = gangs.plant_gang(b, f"gang-{i + 1:04d}-{k + 1:02d}", decoys)
            if variation:
                extend_gang(b, gang)
            g.truth.add("gangs", gang)
        for name in decoys:
            while sum(1 for m in g.masked.get(name, []) if m["planted"]) < 2:
                gangs.background_case(b, decoy=name)
        for _ in range(rng.randint(5, 9)):
            gangs.background_case(b)
        for k in range(rng.randint(2, 3)):
            wastechains.waste_chain(b, firms, f"chain-{i + 1:04d}-{k + 1:02d}")
        plan = ["never_read", "late", "short", "silence_no_complaint", "complaints_no_silence"]
        for _ in range(rng.randint(4, 6)):
            manifests.licensed_chain(b, firms, plan)
        _confusable(b, firms)
        wastechains.site_lookalikes(b)
        waterevents.plant_water(b, firms, f"water-{i + 1:04d}")
        noise.background_traffic(b, 110)
        noise.background_hotline(b, 45)
        noise.background_grid(b, 30)
        noise.malformed_rows(b)
        if variation:
            broken_case_files(b, FORMS if i == 0 else None)
            b.flush_sites()
        b.flush_anpr()
        _flush_entities(b)
    for name, uses in g.masked.items():
        docs = list(dict.fromkeys(u["doc"] for u in uses))
        if len(docs) >= 2:
            g.truth.add(
                "decoys",
                {
                    "name": name,
                    "docs": docs,
                    "planted": any(u["planted"] for u in uses),
                    "people": [{k: u[k] for k in ("doc", "birth_year", "residence")} for u in uses],
                },
            )
    sinks = {
        "hotline.csv": g.hot,
        "hotline_gbk.csv": g.hot_gbk,
        "hotline.xlsx": g.hot_xlsx,
        "grid.jsonl": g.grid_jsonl,
        "grid.csv": g.grid_csv,
        "anpr.csv": g.anpr,
        "manifests.csv": g.man,
        "water/河段.csv": g.seg,
        "water/排口.csv": g.outf,
        "water/监测.csv": g.read,
    }
    g.hot_gbk.blank_tail()
    files = {}
    for name, s in sinks.items():
        s.close()
        files[name] = {
            "records": s.records,
            "encoding": s.encoding,
            "newline": {"\n": "LF", "\r\n": "CRLF"}.get(s.newline, None),
        }
    files["cases/"] = {"records": sum(g.case_files.values()), "forms": g.case_files}
    g.truth.meta = {
        "version": TRUTH_VERSION,
        "seed": seed,
        "scale": scale,
        "variation": variation,
        "records_written": sum(f["records"] for f in files.values()),
        "window": ["2024-03-01", "2024-06-30"],
        "files": files,
        "doc_keys": "doc:<source>:<record id>; anpr <卡口编号>:<YYYYmmddHHMMSS>:<plate>; reading <站点编号>:<YYYYmmddHHMMSS>:<指标>",
    }
    g.truth.close(TRUTH_ORDER)
    return out_dir


__all__ = ["generate_bundle", "Company"]
