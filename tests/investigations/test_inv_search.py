"""Index-backed name search: bigram property, exact identifier keys, typo tolerance, backfill."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from graph_schema import identifiers as ids
from graph_schema.model import GraphBatch
from graph_schema.schema import LABELS, SEARCH_PROPERTY, search_grams, search_props
from graph_schema.store import dialect
from investigations import explore
from investigations import search as name_search

USCC = "91330501MA2B3C4D5X"


def _batch() -> GraphBatch:
    b = GraphBatch()
    b.add_node("person:330502198001011234", name="俞海波", id_card="330502198001011234")
    b.add_node("person:王海波@doc:case:X1", name="王海波")
    b.add_node("person:李明@doc:case:X1", name="李明")
    b.add_node(f"company:{USCC}", name="金盛化工（湖州）有限公司", uscc=USCC)
    b.add_node("company:长兴恒泰精细化工有限公司", name="长兴恒泰精细化工有限公司")
    b.add_node("vehicle:浙E3K821", plate="浙E3K821")
    b.add_node("site:JC-CX-01", name="长兴港口监测站", kind="station")
    b.add_node("phone:13812345678", number="13812345678")
    b.add_node("waste:HW34", code="HW34", name="废酸")
    return b


@pytest.fixture(scope="module")
def search_store():
    import shutil
    import tempfile
    from pathlib import Path

    from graph_schema.store import open_store
    from graph_schema.store.falkor_server import stop_server

    tmp = Path(tempfile.mkdtemp(prefix="inv_search_"))
    store = open_store(data_dir=tmp)
    store.write_batch(_batch())
    yield store
    store.close()
    stop_server(tmp)
    shutil.rmtree(tmp, ignore_errors=True)


def test_search_props_are_bigrams_of_the_source():
    assert search_grams("金盛化工（湖州）") == ["金盛", "盛化", "化工", "工湖", "湖州"]
    assert search_grams("浙Ｅ·3K821")[:2] == ["浙e", "e3"]
    assert search_props("person:x@doc:case:1", {"name": "俞海波"}) == {SEARCH_PROPERTY: "俞海 海波"}
    assert search_props("person:x@doc:case:1", {"id_card": "330502198001011234"}) == {}  # partial row: untouched
    assert "4d" in search_props(f"company:{USCC}", {"name": "金盛"})[SEARCH_PROPERTY].split()  # the USCC too
    assert search_props("phone:13812345678", {"number": "13812345678"}) == {}  # phones: exact key only


@pytest.mark.parametrize(
    ("q", "key"),
    [
        ("俞海波", "person:330502198001011234"),
        ("海波", "person:330502198001011234"),
        ("金盛化工", f"company:{USCC}"),
        ("湖州）有限", f"company:{USCC}"),
        ("恒泰化工", "company:长兴恒泰精细化工有限公司"),  # not a substring: the typo-tolerant runs find it
        ("3K821", "vehicle:浙E3K821"),
        ("浙e·3k821", "vehicle:浙E3K821"),
        ("330502198001011234", "person:330502198001011234"),
        (USCC, f"company:{USCC}"),
        (USCC[:-1] + "Y", f"company:{USCC}"),  # one wrong character
        ("13812345678", "phone:13812345678"),
        ("JC-CX-01", "site:JC-CX-01"),
        ("监测站", "site:JC-CX-01"),
        ("废酸", "waste:HW34"),
    ],
)
def test_search_finds(search_store, q, key):
    keys = [h.key for h in explore.search_entities(search_store, q).hits[:3]]
    assert key in keys, (q, keys)


def test_search_ranks_exact_first_and_hides_the_gram_property(search_store):
    hits = explore.search_entities(search_store, "海波").hits
    assert {h.key for h in hits} >= {"person:330502198001011234", "person:王海波@doc:case:X1"}
    assert "person:李明@doc:case:X1" not in {h.key for h in hits}
    assert all(SEARCH_PROPERTY not in h.props for h in hits)
    assert explore.search_entities(search_store, "王海波").hits[0].score == 100
    assert [h.label for h in explore.search_entities(search_store, "海波", labels=["Company"]).hits] == []


@pytest.mark.parametrize("q", ["海波", "浙E3K821", "恒泰", USCC, "废酸"])
def test_search_candidates_in_the_plain_reply_are_the_typed_ones(search_store, q):
    """inv_search is marked `// reply: scalar`: its plain reply gives the rows the typed one does."""
    from graph_schema.store.port import registry

    query = registry().get("inv_search", search_store.dialect)
    assert query.scalar_reply
    params = {"keys": name_search._exact_keys(q), "ft_labels": dialect.search_labels(),
              "q": dialect.search_query_text(search_store.dialect, q) or "", "small": ["WasteType", "Species"],
              "needle": q.lower(), "limit": 100, "ft_limit": 60, "scan_limit": 200, "by_score": False, "exact": [q],
              "exact_labels": list(name_search.EXACT_NAME_LABELS)}  # fmt: skip
    plain = search_store.query("inv_search", **params)
    assert plain and plain == search_store._read(query.text, params)


def test_every_write_derives_the_search_property(empty_store):
    empty_store.write_batch(_batch())
    assert explore.search_entities(empty_store, "海波").hits
    assert explore.refresh_search_index(empty_store) == 0


def test_refresh_search_index_backfills_nodes_written_without_it(empty_store):
    empty_store.write_batch(_batch())
    empty_store._write("MATCH (n:Entity) REMOVE n.search", {})  # a store from before the property existed
    assert explore.search_entities(empty_store, "海波").hits == []
    assert explore.refresh_search_index(empty_store) >= 5
    assert explore.search_entities(empty_store, "海波").hits
    assert explore.refresh_search_index(empty_store) == 0


def test_search_query_text_per_dialect():
    assert dialect.search_query_text("falkordb", "俞海波") == "@search:(俞海 海波)"
    assert dialect.search_query_text("neo4j", "俞海波") == "search:(俞海 AND 海波)"
    assert dialect.search_query_text("falkordb", "王") == "@search:王*"
    assert dialect.search_query_text("neo4j", "（）") is None
    assert "fulltext.analyzer`: 'cjk'" in " ".join(dialect.schema_statements("neo4j"))
    assert any("{field: 'search', nostem: true}" in s for s in dialect.falkor_fulltext_statements())


def test_rank_candidates_scores_names_then_key_and_orders_ties_by_key():
    """The ranking over all candidates: an exact name is 100 whatever the key; a name that
    only shares characters ranks below; a candidate without a matching name is scored on its
    key (a plate typed into the search box); below 40 is dropped; equal scores by key."""
    rows = {
        "person:P2": {"key": "person:P2", "name": "周强"},
        "person:P1": {"key": "person:P1", "name": "周强"},
        "person:P3": {"key": "person:P3", "name": "周强辉", "id_card": None},
        "person:P4": {"key": "person:P4", "name": "李明"},
        "vehicle:周强A1": {"key": "vehicle:周强A1", "plate": ""},
        "site:S1": {"key": "site:S1", "props": {"name": "周·强"}},
    }
    ranked = name_search._rank_candidates(name_search._query_norm("周强"), rows)
    assert [k for _s, k in ranked[:3]] == ["person:P1", "person:P2", "site:S1"]  # separators ignored
    assert [s for s, _k in ranked[:3]] == [100.0, 100.0, 100.0]
    rest = dict((k, s) for s, k in ranked[3:])
    assert set(rest) == {"person:P3", "vehicle:周强A1"}
    assert 40 <= rest["person:P3"] < 100 and 40 <= rest["vehicle:周强A1"] < 100
    assert "person:P4" not in rest  # no character in common
    plate = name_search._rank_candidates(
        name_search._query_norm("浙e·3k821"), {"vehicle:浙E3K821": {"key": "vehicle:浙E3K821"}}
    )
    assert plate == [(100.0, "vehicle:浙E3K821")]


def test_a_whole_name_is_found_first_among_many_longer_names_holding_it(empty_store):
    """A common two-character name is held by hundreds of longer names, which the index
    scores alike; the full text reads a few matches per hit shown and ships the shortest names
    of them, and the name's range index finds whoever is named exactly that, so the person
    named so (written last here: the last the index yields) is the first hit."""
    b = GraphBatch()
    given = "建国明华伟强军平东波涛勇杰磊斌浩鹏超亮刚辉鑫宇晨阳小虎龙飞"
    for i in range(400):
        b.add_node(f"person:陈海{given[i % len(given)]}@doc:case:L{i:03d}", name="陈海" + given[i % len(given)])
    for i in range(40):
        b.add_node(f"company:陈海化工有限公司{i}", name=f"陈海化工有限公司{i}")
    empty_store.write_batch(b)
    last = GraphBatch()
    last.add_node("person:陈海@doc:case:L999", name="陈海")
    empty_store.write_batch(last)  # a later write: the last match the index yields
    hits = explore.search_entities(empty_store, "陈海", limit=10).hits
    assert hits[0].key == "person:陈海@doc:case:L999" and hits[0].score == 100
    assert all(h.label == "Person" and len(h.name) == 3 for h in hits[1:])  # then the names closest in length

    def ft_rows(scan: int, exact: list[str]) -> list[dict]:
        return empty_store.query("inv_search", keys=[], ft_labels=["Person"], q="@search:(陈海)", small=[],
                                 needle="陈海", limit=100, ft_limit=5, scan_limit=scan, by_score=False, exact=exact,
                                 exact_labels=["Person"])  # fmt: skip

    rows = ft_rows(1000, [])  # the whole index read: the shortest names, then by key
    assert [r["name"] for r in rows][0] == "陈海" and len(rows) == 5
    assert [r["key"] for r in rows[1:]] == sorted(r["key"] for r in rows[1:])  # same length: by key
    # The index read only so far (the scan cap): the whole name, written last, is beyond
    # it, and comes through the name's range index instead.
    assert "陈海" not in [r["name"] for r in ft_rows(50, [])]
    assert [r["name"] for r in ft_rows(50, ["陈海"])].count("陈海") == 1


def test_each_label_reads_its_own_full_text_matches_up_to_the_cap(empty_store):
    """The scan cap is per label: three hundred people holding a query do not crowd out the
    one company that holds it too."""
    b = GraphBatch()
    for i in range(300):
        b.add_node(f"person:陈海{i}@doc:case:M{i:03d}", name=f"陈海{'建国明华伟'[i % 5]}")
    b.add_node("company:陈海环保科技有限公司", name="陈海环保科技有限公司")
    empty_store.write_batch(b)
    rows = empty_store.query("inv_search", keys=[], ft_labels=["Person", "Company"], q="@search:(陈海)", small=[],
                             needle="陈海", limit=100, ft_limit=5, scan_limit=20, by_score=False, exact=[],
                             exact_labels=[])  # fmt: skip
    assert [r["label"] for r in rows].count("Person") == 5
    assert [r["key"] for r in rows if r["label"] == "Company"] == ["company:陈海环保科技有限公司"]


def test_the_search_query_has_a_part_per_searched_label_and_per_exact_name_label():
    """The FalkorDB form names its labels (one full-text index per label); a label added to
    the schema without its part would silently never be found."""
    from graph_schema.store.port import registry

    text = registry().get("inv_search", "falkordb").text
    for lab in dialect.search_labels():
        assert f"queryNodes('{lab}', text)" in text, lab
    for lab in name_search.EXACT_NAME_LABELS:
        prop = LABELS[lab].search_source
        assert prop in LABELS[lab].indexed, lab  # looked up by its range index
        assert f"'{lab}' IN $exact_labels THEN $exact" in text and f"MATCH (n:{lab} {{{prop}: written}})" in text, lab
    for form in ("falkordb", "neo4j"):
        assert "LIMIT $scan_limit" in registry().get("inv_search", form).text, form


def _field_score_reference(qn: str, f: str) -> float:
    """`_field_score` as written before its substring shortcut: rapidfuzz's ratio first."""
    fn = name_search._SEPARATORS.sub("", f.lower())
    if not fn or set(qn).isdisjoint(fn):
        return 0.0
    if fn == qn:
        return 100.0
    s = fuzz.ratio(qn, fn)
    if qn in fn:
        return max(s, 80.0 + 15.0 * len(qn) / len(fn))
    s = max(s, 0.9 * fuzz.partial_ratio(qn, fn) if len(qn) >= 2 else 0)
    if len(qn) >= 2 and ids.chars_in_order(qn, fn):
        s = max(s, 70.0 + 15.0 * len(qn) / len(fn))
    return s


_CHARS = "王伟强海波浙EeK3821·- "


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=_CHARS, min_size=1, max_size=12), st.lists(st.text(alphabet=_CHARS, max_size=14), max_size=6))
def test_ranking_shortcuts_score_as_rapidfuzz_does(query, names):
    """A name holding the query is scored without aligning the two (its ratio follows from the
    lengths) and ASCII fields are skipped for a query without ASCII: the same scores and order
    as rapidfuzz over every field."""
    names = [*names, query + "伟", "王" + query + "波"]  # a long query one character short of a name
    qn = name_search._query_norm(query)
    if not qn:
        return
    rows = {f"person:{i:02d}{n}": {"key": f"person:{i:02d}{n}", "name": n, "id_card": f"33{i:016d}"}
            for i, n in enumerate(names)}  # fmt: skip
    expected = []
    for key, r in rows.items():
        best = max(_field_score_reference(qn, r["name"]), _field_score_reference(qn, r["id_card"]))
        if best < 100.0:
            best = max(best, _field_score_reference(qn, key.split(":", 1)[-1]))
        if best >= 40:
            expected.append((-round(min(best, 100.0), 2), key))
    assert name_search._rank_candidates(qn, rows) == [(-s, k) for s, k in sorted(expected)]
    for f in names + [r["id_card"] for r in rows.values()]:
        assert name_search._field_score(qn, f, frozenset(qn)) == _field_score_reference(qn, f)
