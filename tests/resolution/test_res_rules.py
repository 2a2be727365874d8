"""The resolution pass on hand-built graphs: what fuses, what only becomes a suggestion."""

from __future__ import annotations

from res_helpers import G, node_props

from resolution import explain, resolve, suggestions

HT = "company:91330522704523184E"  # 长兴恒泰精细化工有限公司
SY = "company:91330522MA2D7KT428"  # 长兴顺远货运有限公司
HJ = "company:91330502MA28C1F60E"  # 湖州弘净环境服务有限公司
ZHOU = "person:341822198107151579"  # 周卫东
SHEN = "person:330522197211030319"  # 沈国梁
CASE, CASE2 = "doc:case:cx-57", "doc:case:wx-31"
H1, H2, M1 = "doc:hotline:h1", "doc:hotline:h2", "doc:manifest:m1"


def _base() -> G:
    g = G()
    for d in (CASE, CASE2, H1, H2, M1):
        g.doc(d)
    g.company(HT, "长兴恒泰精细化工有限公司", CASE)
    g.company(SY, "长兴顺远货运有限公司", CASE)
    g.company(HJ, "湖州弘净环境服务有限公司", M1, field="接收单位")
    g.person(ZHOU, "周卫东", CASE, id_card=ZHOU[7:])
    g.person(SHEN, "沈国梁", CASE, id_card=SHEN[7:])
    g.node("vehicle:浙E5G378", plate="浙E5G378")
    g.rel("INVOLVED_IN", "vehicle:浙E5G378", CASE, CASE, role="vehicle")
    g.rel("DRIVES", ZHOU, "vehicle:浙E5G378", CASE)
    g.node("phone:15167231846", number="15167231846")
    g.rel("USES_PHONE", ZHOU, "phone:15167231846", CASE)
    g.rel("REPRESENTS", SHEN, HT, CASE)
    return g


def _merged(report) -> dict[str, str]:  # noqa: ANN001
    return {m.alias: m.canonical for m in report.merges}


def test_exact_and_normalised_company_names_fuse_into_the_uscc_node(store) -> None:
    g = _base()
    g.company("company:长兴恒泰精细化工有限公司", "长兴恒泰精细化工有限公司", H1, field="")
    g.company("company:恒泰精细化工有限公司", "恒泰精细化工有限公司", H2, field="")
    g.write(store)
    m = _merged(resolve(store))
    assert m["company:长兴恒泰精细化工有限公司"] == HT
    assert m["company:恒泰精细化工有限公司"] == HT
    info = explain(store, HT)
    assert {a["rule"] for a in info["aliases"]} == {"company_normalised_name"}
    assert info["source_documents"] == 3


def test_fuzzy_company_without_strong_tie_is_only_a_suggestion(store) -> None:
    g = _base()
    g.company("company:恒泰化工", "恒泰化工", H1, field="")
    g.write(store)
    report = resolve(store)
    assert "company:恒泰化工" not in _merged(report)
    assert node_props(store, "company:恒泰化工") is not None
    pairs = {(s["a"], s["b"]) for s in suggestions(store)}
    assert tuple(sorted(("company:恒泰化工", HT))) in pairs
    assert explain(store, HT)["possibly_same"][0]["other"] == "company:恒泰化工"


def test_fuzzy_company_with_shared_strong_attribute_fuses(store) -> None:
    g = _base()
    g.company("company:恒泰化工", "恒泰化工", H1, field="")
    g.rel("REPRESENTS", SHEN, "company:恒泰化工", H1)  # the same identified person runs both
    g.write(store)
    m = _merged(resolve(store))
    assert m["company:恒泰化工"] == HT
    assert "company_fuzzy_name_strong_tie" in {a["rule"] for a in explain(store, HT)["aliases"]}


def test_a_shared_carrier_company_is_not_a_tie(store) -> None:
    g = _base()
    g.company("company:恒泰化工", "恒泰化工", H1, field="")
    g.rel("TRANSPORTS", SY, HT, M1)
    g.rel("TRANSPORTS", SY, "company:恒泰化工", H1)
    g.write(store)
    assert "company:恒泰化工" not in _merged(resolve(store))


def test_same_core_in_two_registered_companies_is_ambiguous(store) -> None:
    g = _base()
    g.company("company:91330521MA29N6LE9K", "德清县金盛化工有限公司", M1, field="产废单位")
    g.company("company:91330502569830172N", "吴兴金盛化工有限公司", M1, field="产废单位")
    g.company("company:金盛化工有限公司", "金盛化工有限公司", H1, field="")
    g.write(store)
    report = resolve(store)
    assert "company:金盛化工有限公司" not in _merged(report)
    assert len([s for s in report.suggestions if s.alias == "company:金盛化工有限公司"]) == 2


def test_two_masked_names_in_two_cases_never_merge(store) -> None:
    g = _base()
    g.person("person:王某@" + CASE, "王某", CASE, masked_name=True)
    g.person("person:王某@" + CASE2, "王某", CASE2, masked_name=True)
    g.person("person:330502196903120035", "王建国", CASE2)
    g.write(store)
    report = resolve(store)
    assert not [m for m in report.merges if m.alias.startswith("person:王某")]
    assert node_props(store, "person:王某@" + CASE) and node_props(store, "person:王某@" + CASE2)


def test_masked_person_fuses_only_with_a_strong_tie(store) -> None:
    g = _base()
    g.person("person:周某@" + H1, "周某", H1, masked_name=True)
    g.rel("DRIVES", "person:周某@" + H1, "vehicle:浙E5G378", H1)
    g.person("person:周某@" + H2, "周某", H2, masked_name=True)  # no tie: stays
    g.person("person:张某@" + H2, "张某", H2, masked_name=True)
    g.rel("DRIVES", "person:张某@" + H2, "vehicle:浙E5G378", H2)  # tie, but the name is not compatible
    g.write(store)
    m = _merged(resolve(store))
    assert m == {"person:周某@" + H1: ZHOU}
    assert explain(store, ZHOU)["aliases"][0]["rule"] == "person_name_compatible_strong_tie"


def test_person_ties_via_phone_and_company_they_run(store) -> None:
    g = _base()
    g.person("person:周卫东@" + H1, "周卫东", H1)
    g.rel("USES_PHONE", "person:周卫东@" + H1, "phone:15167231846", H1)
    g.person("person:沈某@" + H2, "沈某", H2, masked_name=True)
    g.rel("REPRESENTS", "person:沈某@" + H2, HT, H2)
    g.write(store)
    m = _merged(resolve(store))
    assert m["person:周卫东@" + H1] == ZHOU
    assert m["person:沈某@" + H2] == SHEN


def test_name_only_peers_need_full_equal_name_and_unmasked_tie(store) -> None:
    g = _base()
    for d in (H1, H2):
        g.person(f"person:李建华@{d}", "李建华", d)
        g.node("phone:13900001111", number="13900001111")
        g.rel("USES_PHONE", f"person:李建华@{d}", "phone:13900001111", d)
        g.person(f"person:李某@{d}", "李某", d, masked_name=True)
        g.rel("USES_PHONE", f"person:李某@{d}", "phone:13900001111", d)
    g.person("person:李建国@" + M1, "李建国", M1)
    g.write(store)
    m = _merged(resolve(store))
    assert m == {f"person:李建华@{H2}": f"person:李建华@{H1}"} or m == {f"person:李建华@{H1}": f"person:李建华@{H2}"}


def _owner_named_in_passing(g: G, owner: str = "周卫东") -> str:
    """A vehicle owner named only in a narrative: he owns the car 沈国梁 drives; 沈国梁 shares
    a phone with the identified 周卫东 (his own case: an ID and that phone, no vehicle)."""
    g.node("vehicle:浙FJ4786", plate="浙FJ4786")
    g.rel("DRIVES", SHEN, "vehicle:浙FJ4786", CASE2)
    g.rel("USES_PHONE", SHEN, "phone:15167231846", CASE2)
    alias = g.person(f"person:{owner}@{H1}", owner, H1)
    g.rel("OWNS", alias, "vehicle:浙FJ4786", H1)
    return alias


def test_a_full_name_one_shared_associate_apart_is_the_identified_person(store) -> None:
    g = _base()
    g.rel("DRIVES", ZHOU, "vehicle:浙E5G378", CASE)  # (in _base) the identified 周卫东 has no tie to 浙FJ4786
    alias = _owner_named_in_passing(g)
    g.write(store)
    assert _merged(resolve(store)) == {alias: ZHOU}
    assert explain(store, ZHOU)["aliases"][0]["rule"] == "person_same_name_shared_associate"


def test_a_shared_associate_does_not_fuse_a_masked_or_short_name(store) -> None:
    g = _base()
    masked = _owner_named_in_passing(g, "周某")
    g.person("person:周伟@" + H2, "周伟", H2)  # a two-character name: too common to single anyone out
    g.rel("OWNS", "person:周伟@" + H2, "vehicle:浙FJ4786", H2)
    g.person("person:沈国梁@" + M1, "沈国梁", M1)  # the associate's own name: a direct tie decides, not this rule
    g.write(store)
    merged = _merged(resolve(store))
    assert masked not in merged and "person:周伟@" + H2 not in merged


def test_a_shared_associate_of_two_identified_namesakes_fuses_neither(store) -> None:
    from graph_schema.identifiers import resident_id_check_char

    g = _base()
    alias = _owner_named_in_passing(g)
    twin = "person:341822199001010" + "01"
    twin += resident_id_check_char(twin[7:])
    g.person(twin, "周卫东", CASE2, id_card=twin[7:])  # a second identified 周卫东 by the same associate
    g.node("phone:13900001111", number="13900001111")
    g.rel("USES_PHONE", twin, "phone:13900001111", CASE2)
    g.rel("USES_PHONE", SHEN, "phone:13900001111", CASE2)
    g.write(store)
    assert alias not in _merged(resolve(store))


def test_sites_fuse_in_the_same_town_and_are_suggested_otherwise(store) -> None:
    """The same village's pit written with and without its county and town is one place (issue 13);
    when two towns each have a 青岭村 with a pit, the name without a town is only a suggestion."""
    g = _base()
    g.node("site:长兴县煤山镇青岭村北侧废弃石矿坑", name="长兴县煤山镇青岭村北侧废弃石矿坑", kind="place")
    g.rel("LOCATED_AT", H1, "site:长兴县煤山镇青岭村北侧废弃石矿坑", H1)
    g.node("site:煤山镇青岭村北面矿坑", name="煤山镇青岭村北面矿坑", kind="place")
    g.rel("LOCATED_AT", H2, "site:煤山镇青岭村北面矿坑", H2)
    g.node("site:青岭村北边矿坑", name="青岭村北边矿坑", kind="place")
    g.rel("LOCATED_AT", CASE, "site:青岭村北边矿坑", CASE)
    g.node("site:KK330522006", name="青岭村矿坑卡口", kind="checkpoint", code="KK330522006")
    g.write(store)
    report = resolve(store)
    assert _merged(report) == {
        "site:煤山镇青岭村北面矿坑": "site:长兴县煤山镇青岭村北侧废弃石矿坑",
        "site:青岭村北边矿坑": "site:长兴县煤山镇青岭村北侧废弃石矿坑",
    }


def test_a_village_name_in_two_towns_is_only_suggested(store) -> None:
    g = _base()
    g.node("site:长兴县煤山镇青岭村废弃矿坑", name="长兴县煤山镇青岭村废弃矿坑", kind="place")
    g.rel("LOCATED_AT", H1, "site:长兴县煤山镇青岭村废弃矿坑", H1)
    g.node("site:长兴县泗安镇青岭村废矿坑", name="长兴县泗安镇青岭村废矿坑", kind="place")
    g.rel("LOCATED_AT", H2, "site:长兴县泗安镇青岭村废矿坑", H2)
    g.node("site:青岭村矿坑", name="青岭村矿坑", kind="place")
    g.rel("LOCATED_AT", CASE, "site:青岭村矿坑", CASE)
    g.node("site:矿坑", name="矿坑", kind="place")
    g.rel("LOCATED_AT", CASE, "site:矿坑", CASE)
    g.write(store)
    report = resolve(store)
    assert _merged(report) == {}
    assert {s.alias for s in report.suggestions if s.canonical.startswith("site:长兴县")} == {"site:青岭村矿坑"}


def _place(g: G, name: str, doc: str, rel: str = "LOCATED_AT") -> None:
    """A place named by a document (a ticket's address: LOCATED_AT; a case's text: MENTIONS)."""
    g.node(f"site:{name}", name=name, kind="place")
    g.rel(rel, doc, f"site:{name}", doc)


def test_a_townless_site_stays_apart_from_the_one_pit_of_a_namesake_village(store) -> None:
    """Only one 邬埭村 holds a waste-ground site in the graph, but two towns have a 邬埭村: a ticket's
    邬埭村荒地 (no town) is only a suggestion to it, not fused (seed 9926: a dump site of 东林镇 fused
    into 吕山乡's and the chain lost its end)."""
    g = _base()
    _place(g, "吕山乡邬埭村空地", H1)
    _place(g, "东林镇邬埭村", CASE, "MENTIONS")
    _place(g, "邬埭村荒地", H2)
    g.write(store)
    report = resolve(store)
    assert "site:邬埭村荒地" not in _merged(report)
    assert any({s.alias, s.canonical} == {"site:邬埭村荒地", "site:吕山乡邬埭村空地"} for s in report.suggestions)


def test_a_townless_site_joins_the_village_of_the_town_its_ticket_was_dispatched_to(store) -> None:
    """The ticket was handled by 吴兴区东林镇人民政府: its 邬埭村荒地 is 东林镇's, never 吕山乡's; a ticket
    of the 安吉 branch of the environment bureau places 杨田村闲置厂房空地 in the one 杨田村 of 安吉县."""
    g = _base()
    g.doc("doc:hotline:h3", handling_unit="吴兴区东林镇人民政府")
    g.doc("doc:hotline:h4", handling_unit="湖州市生态环境局安吉分局")
    _place(g, "吕山乡邬埭村空地", H1)
    _place(g, "吴兴区东林镇邬埭村荒地", CASE, "MENTIONS")
    _place(g, "邬埭村荒地", "doc:hotline:h3")
    _place(g, "安吉县山川乡杨田村厂区空地", H2)
    _place(g, "德清县新市镇杨田村", CASE2, "MENTIONS")
    _place(g, "杨田村闲置厂房空地", "doc:hotline:h4")
    g.write(store)
    merged = _merged(resolve(store))
    assert merged["site:邬埭村荒地"] == "site:吴兴区东林镇邬埭村荒地"
    assert merged["site:杨田村闲置厂房空地"] == "site:安吉县山川乡杨田村厂区空地"


def test_a_townless_site_joins_the_one_village_of_its_name(store) -> None:
    """The same graph without the second 邬埭村: the name can mean one place only, and fuses."""
    g = _base()
    _place(g, "吕山乡邬埭村空地", H1)
    _place(g, "邬埭村荒地", H2)
    g.write(store)
    assert _merged(resolve(store)) == {"site:邬埭村荒地": "site:吕山乡邬埭村空地"}


def test_identifier_keys_written_before_normalisation_fuse(store) -> None:
    g = _base()
    g.node("vehicle:浙E·5G378", plate="浙E·5G378")
    g.rel("INVOLVED_IN", "vehicle:浙E·5G378", H1, H1)
    g.node("vehicle:浙Ｅ３Ｋ８２１", plate="浙Ｅ３Ｋ８２１")
    g.write(store)
    m = _merged(resolve(store))
    assert m["vehicle:浙E·5G378"] == "vehicle:浙E5G378"
    assert m["vehicle:浙Ｅ３Ｋ８２１"] == "vehicle:浙E3K821"
    assert node_props(store, "vehicle:浙E3K821")["plate"] == "浙E3K821"


def test_resolve_is_idempotent(store) -> None:
    g = _base()
    g.company("company:长兴恒泰精细化工有限公司", "长兴恒泰精细化工有限公司", H1, field="")
    g.company("company:恒泰化工", "恒泰化工", H2, field="")
    g.write(store)
    first = resolve(store)
    n_sugg = len(suggestions(store))
    second = resolve(store)
    assert len(first.merges) == 1 and not second.merges
    assert len(suggestions(store)) == n_sugg


def test_unregistered_spellings_gather_on_the_most_formal_one(store) -> None:
    g = _base()
    g.company("company:湖州金盛化工有限公司", "湖州金盛化工有限公司", H1, field="")
    g.company("company:金盛化工有限公司", "金盛化工有限公司", H2, field="")
    g.company("company:金盛化工", "金盛化工", M1, field="")
    g.company("company:嘉兴金盛化工有限公司", "嘉兴金盛化工有限公司", M1, field="")
    g.write(store)
    m = _merged(resolve(store))
    # 嘉兴… conflicts with 湖州… (different places), so the bare spellings are ambiguous
    assert not m
    g2 = _base()
    store.wipe()
    g2.company("company:湖州金盛化工有限公司", "湖州金盛化工有限公司", H1, field="")
    g2.company("company:金盛化工有限公司", "金盛化工有限公司", H2, field="")
    g2.company("company:金盛化工", "金盛化工", M1, field="")
    g2.write(store)
    m = _merged(resolve(store))
    assert m == {
        "company:金盛化工有限公司": "company:湖州金盛化工有限公司",
        "company:金盛化工": "company:湖州金盛化工有限公司",
    }


def test_registered_namesakes_are_told_apart_by_their_written_place(store) -> None:
    g = _base()
    g.company("company:91330521MA29N6LE9K", "湖州恒泰精细化工有限公司", M1, field="产废单位")
    g.company("company:湖州市恒泰精细化工有限公司", "湖州市恒泰精细化工有限公司", H1, field="")
    g.company("company:长兴县恒泰精细化工有限公司", "长兴县恒泰精细化工有限公司", H1, field="")
    g.company("company:恒泰精细化工有限公司", "恒泰精细化工有限公司", H2, field="")
    g.write(store)
    report = resolve(store)
    m = _merged(report)
    assert m["company:湖州市恒泰精细化工有限公司"] == "company:91330521MA29N6LE9K"
    assert m["company:长兴县恒泰精细化工有限公司"] == HT
    assert "company:恒泰精细化工有限公司" not in m  # could be either: an analyst decides
    assert {s.canonical for s in report.suggestions if s.alias == "company:恒泰精细化工有限公司"} == {
        HT,
        "company:91330521MA29N6LE9K",
    }


def test_masked_crew_member_is_not_the_identified_skipper(store) -> None:
    g = _base()
    skipper = "person:330921196809165753"
    g.person(skipper, "陈新华", CASE, id_card=skipper[7:])
    g.node("vessel:浙岱渔35077", name="浙岱渔35077")
    g.rel("DRIVES", skipper, "vessel:浙岱渔35077", CASE)
    # a masked crew member on the same vessel: a vessel has a crew, so no tie
    g.person("person:陈某某@" + CASE2, "陈某某", CASE2, masked_name=True)
    g.rel("DRIVES", "person:陈某某@" + CASE2, "vessel:浙岱渔35077", CASE2)
    # a masked driver of the same truck, born another year than the ID says: someone else
    g.person("person:周某@" + H1, "周某", H1, masked_name=True, birth="1964")
    g.rel("DRIVES", "person:周某@" + H1, "vehicle:浙E5G378", H1)
    # a masked 周某 in the very document that names 周卫东: someone else
    g.person("person:周某@" + CASE, "周某", CASE, masked_name=True)
    g.rel("DRIVES", "person:周某@" + CASE, "vehicle:浙E5G378", CASE)
    g.write(store)
    assert not _merged(resolve(store))


def test_a_split_pair_is_never_merged_again(store) -> None:
    from resolution import split

    g = _base()
    g.company("company:长兴恒泰精细化工有限公司", "长兴恒泰精细化工有限公司", H1, field="")
    g.write(store)
    assert _merged(resolve(store)) == {"company:长兴恒泰精细化工有限公司": HT}
    split(store, HT, "company:长兴恒泰精细化工有限公司", reason="分析员确认不是同一家")
    assert not resolve(store).merges
    assert node_props(store, "company:长兴恒泰精细化工有限公司") is not None
