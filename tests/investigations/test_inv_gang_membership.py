"""Gang membership on a hand-built graph: each edge member is tied to the crew by one route only.

A crew of eight: the leader L and M1–M3 in two case files, then four people each tied by
exactly one route to one member who is not the leader — a co-suspect of M3 in another
case file, a borrower of the truck M2 is registered owner of, a second skipper of M1's
boat, and the driver of a car that passes a checkpoint minutes behind M1's truck on two
days.  Decoys: a masked 王某 in the crew's case and another 王某 in an unrelated case with
a real person; a car read once, in daytime, at the same busy checkpoint next to the
crew's truck; a man named only in one hotline ticket beside M3.
"""

from __future__ import annotations

import inv_story as story
import pytest

from graph_schema.model import GraphBatch
from investigations import checkpoints, gangs
from investigations.gangs import convoy

P = {name: f"person:{story.pid(100 + i)}" for i, name in enumerate("L M1 M2 M3 CO BORROW SKIP CONVOY X1 X2 X3".split())}
NAMES = {
    "L": "周建国",
    "M1": "沈国梁",
    "M2": "钱小明",
    "M3": "吴大伟",
    "CO": "陈志远",
    "BORROW": "孙立新",
    "SKIP": "杨海生",
    "CONVOY": "朱文斌",
    "X1": "郑明",
    "X2": "冯建华",
    "X3": "褚卫东",
}
CREW = ["L", "M1", "M2", "M3", "CO", "BORROW", "SKIP", "CONVOY"]
TRUCK, LENT, BOAT, CAR, DECOY_CAR = (
    "vehicle:浙E5G378",
    "vehicle:浙EK3J21",
    "vessel:浙岱渔07215",
    "vehicle:浙A7B210",
    "vehicle:浙A9C555",
)
ROAD = "site:KK330522002"


def _build() -> GraphBatch:
    b = GraphBatch()
    prov = story.prov
    for k, key in P.items():
        b.add_node(key, name=NAMES[k], id_card=key.split(":")[1])

    def case(doc: str, time: str, suspects: list[str], vehicles=(), text: str = "") -> None:
        b.add_node(doc, source="case", time=time, title=f"案件 {doc}", cause="污染环境罪", text=text)
        for s in suspects:
            b.add_rel("INVOLVED_IN", s, doc, prov(doc, time, s), role="suspect")
        for v in vehicles:
            b.add_rel("INVOLVED_IN", v, doc, prov(doc, time), role="vessel" if v.startswith("vessel:") else "vehicle")

    masked = "person:王某@doc:case:G1"
    b.add_node(masked, name="王某", masked_name=True)
    case(
        "doc:case:G1",
        "2024-05-01T00:00:00",
        [P["L"], P["M1"], P["M2"], P["M3"], masked],
        [TRUCK],
        "周建国伙同沈国梁、钱小明、吴大伟及王某倾倒废酸",
    )
    case("doc:case:G2", "2024-06-10T00:00:00", [P["L"], P["M1"], P["M2"]], [TRUCK], "周建国、沈国梁、钱小明倾倒污泥")
    case("doc:case:G0", "2023-11-20T00:00:00", [P["L"]], [TRUCK], "周建国驾驶浙E5G378倾倒废酸")  # the leader alone
    # (1) co-suspect of M3 (not the leader) in another case file, nothing else
    case("doc:case:G3", "2024-03-15T00:00:00", [P["M3"], P["CO"]], text="吴大伟、陈志远非法倾倒")
    # (2) borrowed truck: M2 is its registered owner, BORROW drove it in his own case
    case(
        "doc:case:G4",
        "2024-04-20T00:00:00",
        [P["BORROW"]],
        [LENT],
        "该车登记车主为钱小明，系孙立新借用",
    )
    b.add_node(LENT, plate="浙EK3J21")
    b.add_rel("OWNS", P["M2"], LENT, prov("doc:case:G4", "2024-04-20T00:00:00", "登记车主为钱小明"))
    b.add_rel("DRIVES", P["BORROW"], LENT, prov("doc:case:G4", "2024-04-20T00:00:00", "系孙立新借用"))
    # (3) shared vessel: M1 and SKIP both skipper it, on two different records
    b.add_node(BOAT, name="浙岱渔07215")
    case("doc:case:G5", "2024-02-02T00:00:00", [P["SKIP"]], [BOAT], "杨海生驾驶浙岱渔07215非法捕捞")
    b.add_rel("DRIVES", P["M1"], BOAT, prov("doc:case:G1", "2024-05-01T00:00:00", "沈国梁驾驶"))
    b.add_rel("DRIVES", P["SKIP"], BOAT, prov("doc:case:G5", "2024-02-02T00:00:00", "杨海生驾驶"))
    # (4) convoy: CONVOY's car passes the busy road checkpoint minutes behind M1's truck, twice
    b.add_node(TRUCK, plate="浙E5G378")
    b.add_rel("DRIVES", P["M1"], TRUCK, prov("doc:case:G1", "2024-05-01T00:00:00", "沈国梁驾驶"))
    b.add_node(CAR, plate="浙A7B210")
    b.add_rel("OWNS", P["CONVOY"], CAR, prov("doc:vehicle:reg1", None, "车主朱文斌"))
    b.add_node(ROAD, kind="checkpoint", name="104国道李家巷段（青山路口）")

    def read(vehicle: str, t: str) -> None:
        doc = f"doc:anpr:{ROAD[5:]}@{t}@{vehicle[8:]}"
        b.add_rel("SEEN_AT", vehicle, ROAD, prov(doc, t), time=t)

    for day in ("2024-05-03", "2024-05-17"):
        read(TRUCK, f"{day}T14:02:00")
        read(CAR, f"{day}T14:05:30")
    # decoys ----------------------------------------------------------------
    # another masked 王某 in an unrelated case, with a real person
    other = "person:王某@doc:case:W1"
    b.add_node(other, name="王某", masked_name=True)
    case("doc:case:W1", "2024-05-05T00:00:00", [other, P["X1"]], text="王某、郑明非法捕捞")
    # a car read once, in daytime, two minutes after the crew's truck at the same road
    b.add_node(DECOY_CAR, plate="浙A9C555")
    b.add_rel("OWNS", P["X2"], DECOY_CAR, prov("doc:vehicle:reg2", None, "车主冯建华"))
    case("doc:case:X2", "2024-01-09T00:00:00", [P["X2"]], text="冯建华无证经营")
    read(TRUCK, "2024-06-01T10:00:00")
    read(DECOY_CAR, "2024-06-01T10:02:00")
    # a name beside M3 in one hotline ticket only
    b.add_node("doc:hotline:H9", source="hotline", time="2024-05-20T21:00:00", title="12345工单 H9", text="……")
    for p in (P["M3"], P["X3"]):
        b.add_rel("MENTIONS", "doc:hotline:H9", p, prov("doc:hotline:H9", "2024-05-20T21:00:00"))
    return b


@pytest.fixture()
def crew_store(tmp_path_factory):
    import shutil
    import tempfile
    from pathlib import Path

    from graph_schema.store import open_store
    from graph_schema.store.falkor_server import stop_server

    tmp = Path(tempfile.mkdtemp(prefix="inv_crew_"))  # short: the server's socket lives in it
    store = open_store(data_dir=tmp)
    store.write_batch(_build())
    store.data_dir_for_tests = tmp
    yield store
    store.close()
    stop_server(tmp)
    shutil.rmtree(tmp, ignore_errors=True)


def _gang_of(report: dict, key: str) -> dict:
    return next(g for g in report["gangs"] if key in {m["key"] for m in g["members"]})


def test_one_route_members_stay_and_decoys_do_not_join(crew_store):
    rep = gangs.detect_gangs(crew_store).to_dict()
    g = _gang_of(rep, P["L"])
    members = {m["key"] for m in g["members"]}
    assert members == {P[k] for k in CREW}
    assert g["leader"]["key"] == P["L"]
    for found in rep["gangs"]:
        keys = {m["key"] for m in found["members"]}
        assert not keys & {P["X1"], P["X2"], P["X3"]}
        assert not any(k.startswith("person:王某@") for k in keys)


def test_each_edge_member_carries_the_rule_and_documents_that_admitted_them(crew_store):
    g = _gang_of(gangs.detect_gangs(crew_store).to_dict(), P["L"])
    ev = {m["key"]: m["evidence"] for m in g["members"]}
    assert ev[P["CO"]] == [
        {"rule": "case", "label": "同案嫌疑人", "docs": ["doc:case:G3"], "with": [P["M3"]]},
    ]
    borrowed = [e for e in ev[P["BORROW"]] if e["rule"] == "vehicle"]
    assert [e["label"] for e in borrowed] == ["借用同伙登记的车辆"]
    assert borrowed[0]["with"] == [P["M2"]] and borrowed[0]["objects"] == ["浙EK3J21"]
    assert "doc:case:G4" in borrowed[0]["docs"]
    assert "借用同伙登记的车辆" not in {e["label"] for e in ev[P["M1"]]}
    lent = [e for e in ev[P["M2"]] if e["rule"] == "vehicle" and P["BORROW"] in e["with"]]
    assert lent and lent[0]["label"] == "登记车辆由同伙驾驶"
    vessel = [e for e in ev[P["SKIP"]] if e["rule"] == "vessel"]
    assert vessel and vessel[0]["with"] == [P["M1"]] and vessel[0]["objects"] == ["浙岱渔07215"]
    assert {"doc:case:G1", "doc:case:G5"} <= set(vessel[0]["docs"])
    convoy_ev = [e for e in ev[P["CONVOY"]] if e["rule"] == "checkpoint"]
    assert convoy_ev and P["M1"] in convoy_ev[0]["with"]  # M1 drives the truck (the leader's cases name it too)
    assert sorted(convoy_ev[0]["objects"]) == ["浙A7B210", "浙E5G378"]
    assert len(convoy_ev[0]["docs"]) == 4  # two reads of each vehicle, the daytime decoy read not among them
    # each of the four is there on that one route only
    for k, rule in (("CO", "case"), ("BORROW", "vehicle"), ("SKIP", "vessel"), ("CONVOY", "checkpoint")):
        assert {e["rule"] for e in ev[P[k]]} <= {rule, "case"} and rule in {e["rule"] for e in ev[P[k]]}


def test_evidence_flows_through_cli_write_back_and_api(crew_store):
    """`ecograph gangs --json` → write-back → GET /api/gangs: the same evidence per member;
    a role not cleared for identifiers sees it with resident IDs masked."""
    import json
    import re

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from api.cli.main import app as cli_app
    from api.http.app import create_app
    from api.http.context import Settings
    from api.security.users import ensure_demo_users, mark_demo_dir

    data_dir = crew_store.data_dir_for_tests
    r = CliRunner().invoke(cli_app, ["--data-dir", str(data_dir), "gangs", "--json"])
    assert r.exit_code == 0, r.output
    g = _gang_of(json.loads(r.stdout), P["L"])
    want = {m["key"]: m["evidence"] for m in g["members"]}
    assert want[P["CO"]][0]["label"] == "同案嫌疑人"
    args = ["--data-dir", str(data_dir), "gangs", "--members", "--no-write"]
    r = CliRunner().invoke(cli_app, args, env={"COLUMNS": "400"})  # rich wraps cells to the terminal
    table = "".join(r.stdout.split())
    assert r.exit_code == 0 and "陈志远" in table and "借用同伙登记的车辆" in table and "周建国（首要）" in table
    mark_demo_dir(data_dir)
    ensure_demo_users(data_dir)
    with TestClient(create_app(Settings(data_dir=data_dir, backend="falkordb"))) as client:

        def get(user: str) -> dict:
            tok = client.post("/api/auth/token", data={"username": user, "password": f"{user}1234"})
            h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
            return client.get("/api/gangs", headers=h).json()

        served = get("investigator")
        assert served["source"] == "stored"
        s = next(x for x in served["gangs"] if x["key"] == g["id"])
        assert {m["key"]: m["evidence"] for m in s["members"]} == want
        assert set(s["evidence"]) == set(g["evidence"])
        masked = next(x for x in get("demo")["gangs"] if len(x["members"]) == len(CREW))
        text = json.dumps(masked, ensure_ascii=False)
        assert "同案嫌疑人" in text and "借用同伙登记的车辆" in text
        assert not re.search(r"\d{17}[\dX]", text)  # no full resident ID in any key or `with`


def _add_pit_road(b: GraphBatch, pit_road: str) -> None:
    """A village-road checkpoint that stands at a dump site (the pit of 青岭村)."""
    b.add_node(pit_road, kind="checkpoint", name="煤山镇青岭村村道口")
    b.add_node("site:青岭村废弃矿坑", kind="dump_site", name="青岭村废弃矿坑")
    b.add_rel("LOCATED_AT", pit_road, "site:青岭村废弃矿坑", story.prov("doc:place:1"))


def test_convoy_rules(crew_store):
    """Once in daytime is chance; twice is a convoy; once at night counts only near a sensitive site."""
    people = {TRUCK: [P["M1"]], CAR: [P["CONVOY"]], DECOY_CAR: [P["X2"]]}
    rows = convoy.checkpoint_rows(crew_store, people=people)
    pairs = {r["object"]: r for r in rows}
    assert set(pairs) == {f"{CAR}|{TRUCK}"} and pairs[f"{CAR}|{TRUCK}"]["count"] == 2
    b = GraphBatch()
    pit_road = "site:KK330522006"
    _add_pit_road(b, pit_road)
    for site, t, v in (
        (pit_road, "2024-07-01T23:10:00", TRUCK),
        (pit_road, "2024-07-01T23:14:00", DECOY_CAR),
        (ROAD, "2024-07-02T23:10:00", TRUCK),  # night, but an ordinary road: chance
        (ROAD, "2024-07-02T23:12:00", CAR),
    ):
        b.add_rel("SEEN_AT", v, site, story.prov(f"doc:anpr:{site[5:]}@{t}@{v[8:]}", t), time=t)
    crew_store.write_batch(b)
    rows = {r["object"]: r for r in convoy.checkpoint_rows(crew_store, people=people)}
    assert rows[f"{DECOY_CAR}|{TRUCK}"]["night"] and rows[f"{DECOY_CAR}|{TRUCK}"]["count"] == 2
    assert rows[f"{CAR}|{TRUCK}"]["count"] == 3 and not rows[f"{CAR}|{TRUCK}"]["night"]
    assert checkpoints.sensitive_checkpoints(crew_store, {pit_road, ROAD}) == {pit_road}


def test_one_journey_past_several_checkpoints_is_one_occasion(empty_store):
    """Two cars on one highway pass each of its checkpoints minutes apart: one journey, chance
    by day however many checkpoints the road has.  The same pair on another day is a convoy."""
    car, truck, stranger = "vehicle:浙E69G13", "vehicle:浙E9T779", "vehicle:浙E11W74"
    people = {car: ["person:A"], truck: ["person:B"], stranger: ["person:C"]}
    roads = ["site:KK1", "site:KK2", "site:KK3"]
    b = GraphBatch()
    reads = [
        (roads[0], "2024-06-22T09:55:47", car), (roads[0], "2024-06-22T09:46:22", truck),
        (roads[1], "2024-06-22T10:03:05", car), (roads[1], "2024-06-22T10:00:08", truck),
        (roads[2], "2024-06-22T10:45:30", car), (roads[2], "2024-06-22T10:41:10", truck),
        (roads[0], "2024-06-23T09:55:47", car), (roads[0], "2024-06-23T09:52:00", stranger),
        (roads[1], "2024-06-23T10:40:00", car), (roads[1], "2024-06-23T10:37:00", stranger),
        (roads[1], "2024-06-30T16:00:00", car), (roads[1], "2024-06-30T16:04:00", stranger),
    ]  # fmt: skip
    for site, t, v in reads:
        b.add_rel("SEEN_AT", v, site, story.prov(f"doc:anpr:{site[5:]}@{t}@{v[8:]}", t), time=t)
    empty_store.write_batch(b)
    rows = {r["object"]: r for r in convoy.checkpoint_rows(empty_store, people=people)}
    assert f"{car}|{truck}" not in rows  # three checkpoints in 50 minutes: one journey
    assert rows[f"{stranger}|{car}"]["count"] == 2  # 23 June (two checkpoints) and 30 June


def test_a_convoy_beside_the_crews_rotating_trucks_is_counted_per_pair_of_people(empty_store):
    """A lead car passes one checkpoint minutes beside the leader's truck, the truck a member
    borrowed from him, and a third truck a case file names beside him — once each, by day.
    Per vehicle pair each is chance; per pair of people it recurs three times. Once each beside
    two trucks of two different people stays chance."""
    lead, t1, t2, t3, other = "person:A1", "person:B1", "person:B2", "person:C1", "person:D1"
    car, trucks = "vehicle:浙E93606", ["vehicle:浙E617C2", "vehicle:苏E82989", "vehicle:浙E67161"]
    stray_car, stray_trucks = "vehicle:浙E11111", ["vehicle:浙E22222", "vehicle:浙E33333"]
    people = {
        car: [lead],
        trucks[0]: [t1, t2],  # the leader owns it, a member drives it
        trucks[1]: [t1],
        trucks[2]: [t1, t3],
        stray_car: [other],
        stray_trucks[0]: [t2],
        stray_trucks[1]: [t3],
    }
    b = GraphBatch()
    reads = []
    for day, (truck, stray) in enumerate(zip(trucks, [*stray_trucks, None]), start=10):
        reads += [(f"2024-03-{day}T10:00:00", truck), (f"2024-03-{day}T10:02:00", car)]
        if stray:
            reads += [(f"2024-04-{day}T15:00:00", stray), (f"2024-04-{day}T15:03:00", stray_car)]
    for t, v in reads:
        b.add_rel("SEEN_AT", v, ROAD, story.prov(f"doc:anpr:{ROAD[5:]}@{t}@{v[8:]}", t), time=t)
    empty_store.write_batch(b)
    rows = convoy.checkpoint_rows(empty_store, people=people)
    by_members = {tuple(r["members"]): r for r in rows}
    assert set(by_members) == {(lead, t1)}
    row = by_members[(lead, t1)]
    assert row["count"] == 3 and not row["night"]
    assert sorted(row["object"].split("|")) == sorted([car, *trucks])
    assert len(row["docs"]) == 6  # the three passages, both reads of each


@pytest.mark.parametrize(
    ("name", "sensitive"),
    [
        ("某镇某村矿区道路口", True),
        ("太湖大堤卡口", True),
        ("长兴湖州大道卡口", False),
        ("某某自然保护区入口", True),
        ("104国道李家巷段（青山路口）", False),
    ],
)
def test_sensitive_checkpoint_names(empty_store, name, sensitive):
    b = GraphBatch()
    b.add_node("site:K1", kind="checkpoint", name=name)
    empty_store.write_batch(b)
    assert (checkpoints.sensitive_checkpoints(empty_store, {"site:K1"}) == {"site:K1"}) is sensitive


def test_checkpoint_near_a_dump_site_by_coordinates(empty_store):
    b = GraphBatch()
    b.add_node("site:K1", kind="checkpoint", name="某村道口", lon=119.9000, lat=31.0000)
    b.add_node("site:K2", kind="checkpoint", name="某村道口二", lon=119.9500, lat=31.0000)  # ~4.8 km away
    b.add_node("site:pit", kind="dump_site", name="某处空地", lon=119.9050, lat=31.0020)  # ~0.5 km
    b.add_node("vehicle:浙E1", plate="浙E1")
    b.add_rel("DUMPED_AT", "vehicle:浙E1", "site:pit", story.prov("doc:case:Z"))
    empty_store.write_batch(b)
    assert checkpoints.sensitive_checkpoints(empty_store, {"site:K1", "site:K2"}) == {"site:K1"}


def test_attach_follows_small_rows_only_and_respects_max_size():
    """A person the communities left out but who shares a crew-sized case file with a member
    joins; the parties of a 10-suspect sweep with one member do not; nor past max_size."""
    crew = ["a", "b", "c", "d"]
    rows = [
        {"kind": "case", "members": crew, "doc": "c1", "time": "2024-05-01"},
        {"kind": "case", "members": ["a", "b", "c"], "doc": "c2", "time": "2024-06-01"},
        {"kind": "case", "members": ["d", "x"], "doc": "c3", "time": "2024-04-01"},
        {"kind": "case", "members": ["c", *[f"s{i}" for i in range(9)]], "doc": "sweep", "time": "2024-04-01"},
        {"kind": "mention", "members": ["b", "y"], "doc": "h1", "time": "2024-04-01"},
    ]
    proj = gangs.project(rows)
    idx = {k: i for i, k in enumerate(proj.keys)}
    out = gangs.score_groups(proj, [[idx[k] for k in crew]], min_size=3, max_size=15)
    assert out[0]["members"] == ["a", "b", "c", "d", "x"]
    assert out[0]["member_evidence"]["x"] == [{"rule": "case", "label": "同案嫌疑人", "docs": ["c3"], "with": ["d"]}]
    assert gangs.score_groups(proj, [[idx[k] for k in crew]], min_size=3, max_size=4)[0]["members"] == crew


def test_a_group_without_a_case_of_its_own_joins_the_crew_whose_case_it_shares():
    """Leiden cut three co-suspects of one old case off their leader: they rejoin his crew, even
    though that file's narrative names two of them as joint offenders without him and two of
    them have one file of their own (no more than they share with him).  A second
    crew with more case files of its own than it shares with the first stays apart."""
    crew = ["a", "b", "c", "d", "e", "f"]
    trio = ["t1", "t2", "t3"]
    other = ["o1", "o2", "o3"]
    rows = [
        {"kind": "case", "members": crew, "doc": "c1", "time": "2024-05-01"},
        {"kind": "case", "members": ["a", *trio], "doc": "c2", "time": "2022-05-01"},
        {"kind": "co_offender", "members": ["t1", "t2"], "doc": "c2", "time": "2022-05-01"},  # "t1伙同t2…" in c2
        {"kind": "case", "members": ["t2", "t3"], "doc": "c6", "time": "2022-03-01"},  # one file of their own
        {"kind": "case", "members": other, "doc": "c3", "time": "2024-05-01"},
        {"kind": "case", "members": ["o2", "o3"], "doc": "c5", "time": "2024-02-01"},
        {"kind": "case", "members": ["a", "o1", "o2"], "doc": "c4", "time": "2024-05-01"},
    ]
    proj = gangs.project(rows)
    idx = {k: i for i, k in enumerate(proj.keys)}
    groups = [[idx[k] for k in g] for g in (crew, trio, other)]
    found = sorted(g["members"] for g in gangs.score_groups(proj, groups))
    assert found == [sorted(crew + trio), other]


def test_checkpoint_named_after_the_village_of_a_dump_site(empty_store):
    """Village roads' checkpoints bear the village's name; one in the same village as a dump
    site is near it, one in a namesake village of another town is not."""
    b = GraphBatch()
    b.add_node("site:K1", kind="checkpoint", name="泗安镇管埭村机耕路口")
    b.add_node("site:K2", kind="checkpoint", name="和平镇管埭村路口")
    b.add_node("site:K3", kind="checkpoint", name="新村路口")
    b.add_node("site:pit", name="长兴县泗安镇管埭村东边空地")
    b.add_node("vehicle:浙E1", plate="浙E1")
    b.add_rel("DUMPED_AT", "vehicle:浙E1", "site:pit", story.prov("doc:case:Z"))
    empty_store.write_batch(b)
    assert checkpoints.sensitive_checkpoints(empty_store, {"site:K1", "site:K2", "site:K3"}) == {"site:K1"}


def test_a_name_cut_short_in_one_file_is_folded_into_the_member_that_file_names():
    """`徐飞刚开着浙E…` read as 徐飞 (+ 刚开着): the doc-local 徐飞 of that file is 徐飞刚; a 徐飞 of
    another file stays apart."""
    from investigations.gangs.report import _fold_aliases

    def ev(*docs):
        return [{"rule": "case", "label": "同案嫌疑人", "docs": list(docs), "with": ["person:1"]}]

    g = {
        "id": "gang:x",
        "leader": "person:1",
        "score": 1.0,
        "members": ["person:1", "person:2", "person:3", "person:徐飞@doc:case:A", "person:徐飞@doc:case:Z"],
        "member_evidence": {
            "person:1": ev("doc:case:A"),
            "person:2": ev("doc:case:A"),
            "person:3": ev("doc:case:B"),
            "person:徐飞@doc:case:A": [
                {"rule": "vehicle", "label": "共用车辆", "docs": ["doc:case:A"], "with": ["person:1"]}
            ],
            "person:徐飞@doc:case:Z": ev("doc:case:Z"),
        },
    }
    people = {"person:1": {"name": "鲁花丹"}, "person:2": {"name": "徐飞刚"}, "person:3": {"name": "章云菊"}}
    (out,) = _fold_aliases([g], people, 3)
    assert out["aliases"] == ["person:徐飞@doc:case:A"]
    assert "person:徐飞@doc:case:Z" in out["members"] and "person:2" in out["members"]
    assert [e["rule"] for e in out["member_evidence"]["person:2"]] == ["case", "vehicle"]


def test_shared_object_ties_its_users_to_its_principal_not_to_each_other():
    """Four people who each used the leader's phone are tied to the leader, not into a clique of
    their own (as a clique they were detected as a gang apart from the crew)."""
    from investigations.gangs.ties import around_principal

    phone = {"kind": "phone", "members": ["p:L", "p:a", "p:b", "p:c", "p:d"], "doc": "d0", "docs": ["d0"],
             "time": None, "object": "phone:1", "roles": {}}  # fmt: skip
    cases = [{"kind": "case", "members": ["p:L", "p:x"], "doc": f"c{i}", "time": None} for i in range(3)]
    cases.append({"kind": "case", "members": ["p:a"], "doc": "c9", "time": None})
    star = around_principal([phone], cases)
    assert sorted(tuple(r["members"]) for r in star) == [("p:L", m) for m in ("p:a", "p:b", "p:c", "p:d")]
    # the registered owner is the principal of a truck, whoever is in more case files
    truck = {**phone, "kind": "vehicle", "roles": {"p:b": ["OWNS"]}}
    assert {r["members"][0] for r in around_principal([truck], cases)} == {"p:b"}
    # no holder leads: the row stays whole; two holders: nothing to change
    assert around_principal([phone], []) == [phone]
    pair = {**phone, "members": ["p:a", "p:b"]}
    assert around_principal([pair], cases) == [pair]
    # case files are counted, not rows: a's two files, one of which also states a joint offence
    # (a case row and a co_offender row of one file), are fewer than L's three
    a_files = [
        {"kind": "case", "members": ["p:a", "p:y"], "doc": "c7", "time": None},
        {"kind": "co_offender", "members": ["p:a", "p:y"], "doc": "c7", "time": None},
        {"kind": "co_offender", "members": ["p:a", "p:z"], "doc": "c9", "time": None},
    ]
    assert {r["members"][0] for r in around_principal([phone], cases + a_files)} == {"p:L"}


def _crew_on_the_phone_with(crew: list[str], caller: str) -> list[dict]:
    """Two case files of a crew of four (all of them, then the first three), and `caller`
    using its leader's phone."""
    return [
        {"kind": "case", "members": crew, "doc": "c1", "time": "2024-05-01"},
        {"kind": "case", "members": crew[:3], "doc": "c2", "time": "2024-06-01"},
        {"kind": "phone", "members": [crew[0], caller], "doc": "c3", "time": "2024-06-01", "object": "phone:1"},
    ]


def test_a_hubs_one_off_accomplices_join_the_crew_whose_phone_he_shares():
    """Leiden keeps h and the two men he offended with, each once and never together, as a
    group of their own: three is cheaper for CPM than one phone tie to a crew of four.  A star
    is no crew: h uses the leader's phone, so he and his co-suspects join the crew.  A trio
    that offended together in one file, one of them on the same phone, stays a crew of its own."""
    crew = ["a", "b", "c", "d"]
    rows = [
        *_crew_on_the_phone_with(crew, "h"),
        {"kind": "case", "members": ["h", "x"], "doc": "c4", "time": "2024-05-11"},
        {"kind": "case", "members": ["h", "y"], "doc": "c5", "time": "2024-04-11"},
        {"kind": "case", "members": ["t1", "t2", "t3"], "doc": "c6", "time": "2024-05-01"},
        {"kind": "phone", "members": ["b", "t1"], "doc": "c6", "time": "2024-05-01", "object": "phone:2"},
    ]
    proj = gangs.project(rows)
    idx = {k: i for i, k in enumerate(proj.keys)}
    groups = [[idx[k] for k in g] for g in (crew, ["h", "x", "y"], ["t1", "t2", "t3"])]
    found = sorted(g["members"] for g in gangs.score_groups(proj, groups))
    assert found == [["a", "b", "c", "d", "h", "x", "y"], ["t1", "t2", "t3"]]
    joined = next(g for g in gangs.score_groups(proj, groups) if "x" in g["members"])
    assert [e["rule"] for e in joined["member_evidence"]["x"]] == ["case"]
    assert joined["leader"] == "a"


def test_a_pair_with_a_case_of_its_own_crossing_the_crew_at_a_checkpoint_is_another_crew():
    """p's car passed the crew's checkpoint minutes after a's truck one night; p and q have a
    case file of their own.  Leiden puts them in the crew (one co-read beats γ); they are
    another crew, and leave.  z, a driver whose only case is his own and whose car runs with
    the crew's truck, is a convoy member and stays.  A second such group of three is a gang
    of its own, and its convoy driver goes with it.  A driver known only from one manifest,
    whose truck passed with d's, is no member on that co-read alone."""
    crew = ["a", "b", "c", "d"]
    rows = [
        {"kind": "case", "members": crew, "doc": "c1", "time": "2024-05-01"},
        {"kind": "case", "members": ["a", "b"], "doc": "c2", "time": "2024-06-01"},
        {"kind": "checkpoint", "members": ["a", "p"], "doc": "anpr:1", "time": "2024-06-11 21:23:16"},
        {"kind": "case", "members": ["p", "q"], "doc": "c3", "time": "2024-06-14"},
        {"kind": "checkpoint", "members": ["b", "z"], "doc": "anpr:2", "time": "2024-05-11 02:10:00"},
        {"kind": "case", "members": ["z"], "doc": "c4", "time": "2024-05-20"},
        {"kind": "checkpoint", "members": ["c", "r1"], "doc": "anpr:3", "time": "2024-05-13 23:10:00"},
        {"kind": "case", "members": ["r1", "r2", "r3"], "doc": "c5", "time": "2024-05-20"},
        {"kind": "checkpoint", "members": ["d", MANIFEST_DRIVER], "doc": "anpr:4", "time": "2024-04-21 14:24:53"},
        {"kind": "checkpoint", "members": ["r2", "rz"], "doc": "anpr:5", "time": "2024-05-14 01:10:00"},
        {"kind": "case", "members": ["rz"], "doc": "c6", "time": "2024-05-21"},
    ]
    proj = gangs.project(rows)
    idx = {k: i for i, k in enumerate(proj.keys)}
    group = [idx[k] for k in [*crew, "p", "q", "z", "r1", "r2", "r3", "rz", MANIFEST_DRIVER]]
    found = sorted(g["members"] for g in gangs.score_groups(proj, [group]))
    # rz, whose car runs with r2's, leaves with the r crew: nobody left in the gang is tied to him
    assert found == [["a", "b", "c", "d", "z"], ["r1", "r2", "r3", "rz"]]


MANIFEST_DRIVER = "person:周波@doc:manifest:2024330502000114"  # named in one manifest, no resident ID


def test_a_member_taken_back_by_his_phone_brings_his_co_suspect_from_their_pair():
    """The communities left m (he uses the leader's phone) and c, his co-suspect of one case,
    as a pair of their own.  `attach_tied` takes m back to the crew; c comes with him.  w, named
    with m in one hotline ticket only, does not: a co-mention is no co-suspect."""
    crew = ["a", "b", "c0", "d"]
    rows = [
        *_crew_on_the_phone_with(crew, "m"),
        {"kind": "case", "members": ["m", "c"], "doc": "c4", "time": "2024-05-11"},
        {"kind": "co_offender", "members": ["m", "c"], "doc": "c4", "time": "2024-05-11"},
        {"kind": "mention", "members": ["m", "w"], "doc": "h1", "time": "2024-05-12"},
    ]
    proj = gangs.project(rows)
    idx = {k: i for i, k in enumerate(proj.keys)}
    groups = [[idx[k] for k in g] for g in (crew, ["m", "c"], ["w"])]
    (gang,) = gangs.score_groups(proj, groups)
    assert gang["members"] == ["a", "b", "c", "c0", "d", "m"]
    assert [e["rule"] for e in gang["member_evidence"]["c"]] == ["co_offender", "case"]


def test_a_ring_of_eighteen_is_one_gang():
    """A leader in six case files, three or two co-suspects in each, consecutive files sharing a
    member: eighteen people, one ring.  Larger than the old cap of 15, it came back as 14 + 4."""
    others = [f"m{i:02d}" for i in range(1, 18)]
    rows = []
    for k in range(0, len(others), 3):
        rows.append({"kind": "case", "members": ["L", *others[k : k + 3]], "doc": f"c{k}", "time": "2024-05-01"})
        if k + 3 < len(others):
            rows.append({"kind": "case", "members": others[k + 2 : k + 4], "doc": f"d{k}", "time": "2024-05-02"})
    proj = gangs.project(rows)
    groups = gangs.communities_from_arrays(len(proj.keys), proj.src, proj.dst, proj.weight)
    found = gangs.score_groups(proj, groups)
    assert [sorted(g["members"]) for g in found] == [sorted(["L", *others])]
    assert found[0]["leader"] == "L"


def test_a_crew_of_sixteen_held_by_one_truck_is_not_cut_in_two():
    """The tie rows of a planted crew of 16 that came back as two gangs of 8 (generator seed
    9918, names replaced). Half is the leader's: his files, phone and boat. The other half
    all drive one truck, registered to its owner, which the leader drives too, and a
    co-suspect of the leader's second file is the hub of that half's pair files. CPM cuts the
    sparse crew along the seam; a case file and the truck cross it — two statements of joint
    activity, not one contact: one gang, led by the leader."""

    def row(kind, members, day, obj=None, doc=None):
        # a stated joint offence is its case file's; objects are cited from the leader's first file
        doc = doc or (f"case-{'-'.join(members)}" if kind == "case" else "case-L-a1")
        r = {"kind": kind, "members": members, "doc": doc, "time": f"2024-{day}"}
        return {**r, "object": obj} if obj else r

    rows = [
        row("case", ["L", "a1"], "03-13"),
        row("co_offender", ["L", "a1"], "03-13"),
        row("case", ["L", "a2", "H"], "04-08"),
        row("case", ["L", "a3", "a4"], "04-12"),
        row("co_offender", ["a3", "a4"], "04-12", doc="case-L-a3-a4"),
        row("case", ["L"], "04-19"),
        row("phone", ["L", "a5"], "04-29", "phone:1"),
        row("phone", ["L", "a6"], "04-29", "phone:1"),
        row("vessel", ["L", "a7"], "05-13", "vessel:1"),
        row("case", ["b1", "b2"], "04-29"),
        row("co_offender", ["b1", "b2"], "04-29", doc="case-b1-b2"),
        row("case", ["b3", "H"], "05-16"),
        row("case", ["b4", "H"], "05-16"),
        *(row("case", [m], "05-07") for m in ("a5", "a6", "a7", "b5", "b6", "OWNER")),
        *(row("vehicle", ["OWNER", m], "05-16", "vehicle:浙L7V126") for m in ("H", "b3", "b5", "L", "b6", "b1")),
        row("case", ["x1", "x2", "x3"], "12-31"),  # another crew, the newest evidence in the data
    ]
    proj = gangs.project(rows)
    groups = gangs.communities_from_arrays(len(proj.keys), proj.src, proj.dst, proj.weight)
    assert len([g for g in groups if len(g) >= 8]) == 2  # what the communities give: the cut
    found = gangs.score_groups(proj, groups)
    crew = {"L", "H", "OWNER", *(f"a{i}" for i in range(1, 8)), *(f"b{i}" for i in range(1, 7))}
    assert [set(g["members"]) for g in found if "L" in g["members"]] == [crew]
    assert next(g["leader"] for g in found if "L" in g["members"]) == "L"


def _companions(store) -> dict[str, dict]:
    from investigations.alerts import run_detectors

    alerts = run_detectors(store, ["gang_associate"], write=False)
    return {t: a for a in alerts for t in a.targets if t.startswith("vehicle:")}


def test_a_car_that_joined_the_gang_by_co_travel_alone_is_reported_as_its_companion(crew_store):
    """CONVOY is in the gang only because his car ran with M1's truck on two days: the
    `gang_associate` alert still shows that car as the gang's companion (counted as a gang
    vehicle, the convoy that admitted him would never surface).  The decoy car, read once by
    day beside the truck, is none."""
    report = gangs.detect_gangs(crew_store).to_dict()  # written back: the alert reads stored gangs
    g = _gang_of(report, P["CONVOY"])
    rules = {e["rule"] for m in g["members"] if m["key"] == P["CONVOY"] for e in m["evidence"]}
    assert rules == {"checkpoint"}
    assert CAR.split(":")[1] in g["vehicles"]  # the gang's vehicle list still names it
    # the write-back refreshed the stored companion alerts (what `ecograph alerts` lists)
    from investigations.alerts import list_alerts

    stored = [a for a in list_alerts(crew_store, kind="gang_associate")]
    assert [t for a in stored for t in a.targets if t.startswith("vehicle:")] == [CAR], stored
    found = _companions(crew_store)
    assert CAR in found and found[CAR].details["occasions"] == 2, found
    assert TRUCK not in found and DECOY_CAR not in found


def test_one_night_pass_at_a_pit_road_makes_a_companion_of_a_car_whose_driver_it_admitted(crew_store):
    """Once at night at a checkpoint that guards a dump site is the convoy rule's second test:
    the driver of the car (known from a case of his own) joins the gang by it and his car is
    its companion.  The same single night pass by a car nobody is known to hold, or on an
    ordinary road, is chance (at 220k records 189 of 191 such alerts matched no planted
    companion)."""
    pit_road, night_car, stray_car, road_car = (
        "site:KK330522006",
        "vehicle:浙A5D808",
        "vehicle:浙A7F313",
        "vehicle:浙A6E919",
    )
    driver = f"person:{story.pid(140)}"
    b = GraphBatch()
    b.add_node(driver, name="卫国强", id_card=driver.split(":")[1])
    b.add_node("doc:case:N1", source="case", time="2024-02-11T00:00:00", title="案件 N1", cause="污染环境罪", text="")
    b.add_rel("INVOLVED_IN", driver, "doc:case:N1", story.prov("doc:case:N1", "2024-02-11T00:00:00"), role="suspect")
    b.add_rel("OWNS", driver, night_car, story.prov("doc:vehicle:reg9", None, "车主卫国强"))
    _add_pit_road(b, pit_road)
    for site, t, v in (
        (pit_road, "2024-07-01T23:10:00", TRUCK),
        (pit_road, "2024-07-01T23:14:00", night_car),
        (pit_road, "2024-07-09T22:40:00", TRUCK),
        (pit_road, "2024-07-09T22:43:00", stray_car),
        (ROAD, "2024-07-02T23:10:00", TRUCK),
        (ROAD, "2024-07-02T23:12:00", road_car),
    ):
        b.add_node(v, plate=v.split(":")[1])
        b.add_rel("SEEN_AT", v, site, story.prov(f"doc:anpr:{site[5:]}@{t}@{v[8:]}", t), time=t)
    crew_store.write_batch(b)
    g = _gang_of(gangs.detect_gangs(crew_store).to_dict(), driver)
    assert {e["rule"] for m in g["members"] if m["key"] == driver for e in m["evidence"]} == {"checkpoint"}
    found = _companions(crew_store)
    assert night_car in found and found[night_car].details["night_at_sensitive_site"], found
    assert "夜间" in found[night_car].title
    assert stray_car not in found and road_car not in found
