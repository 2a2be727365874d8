"""Any string the loader writes reads back exactly, or is refused before it reaches the server.

Drives the real write path (GraphBatch → positional UNWIND rows → FalkorDB's
`CYPHER k=v` header) with hypothesis-generated text: control characters,
quotes, backslashes, sequences that look like escapes or map keys.  NUL and
lone surrogates cannot be stored (graph_schema.store.values) and must raise
`UnstorableValue`, never go out as a different query.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_schema.model import GraphBatch
from graph_schema.store.falkor import params_header
from graph_schema.store.values import UnstorableValue, unstorable_reason

TRICKY = ["\\", '"', "'", "`", "\\u0000", "\\u0041", '"k":', "\\\\", "$v", "\u2028", "\r\n", "\x7f", "\x1b[0m", "*/"]
storable_text = st.lists(
    st.one_of(
        st.text(st.characters(min_codepoint=1, max_codepoint=0x7F), max_size=6),
        st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=6),
        st.sampled_from(TRICKY),
    ),
    max_size=8,
).map("".join)


@pytest.fixture(scope="module")
def falkor(falkor_dir):
    from graph_schema.store.falkor import FalkorStore

    s = FalkorStore(falkor_dir)
    s.wipe()
    yield s
    s.close()


@settings(max_examples=150, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(values=st.lists(storable_text, min_size=1, max_size=4))
def test_every_storable_string_reads_back_exactly(falkor, values):
    batch = GraphBatch()
    for i, v in enumerate(values):
        batch.add_node(f"site:fuzz{i}", name=v, note=v + "\\")
    falkor.write_batch(batch)
    for i, v in enumerate(values):
        (row,) = falkor.query("node_by_key", key=f"site:fuzz{i}")
        assert (row["props"]["name"], row["props"]["note"]) == (v, v + "\\")


@pytest.mark.parametrize("bad", ["a\x00b", "\x00", "x\ud800", "\udcff", "ok\\\x00"])
def test_nul_and_lone_surrogates_are_refused_not_sent(falkor, bad):
    assert unstorable_reason(bad)
    with pytest.raises(UnstorableValue):
        params_header({"rows": [["site:bad", bad]]})
    batch = GraphBatch()
    batch.add_node("site:bad", name=bad)
    with pytest.raises(UnstorableValue):
        falkor.write_batch(batch)
    assert falkor.query("node_by_key", key="site:bad") == []


def test_an_escaped_nul_as_text_is_kept_as_text(falkor):
    """The six characters `\\u0000` written in a file are data, not a NUL."""
    batch = GraphBatch()
    batch.add_node("site:escaped", name="\\u0000 and \\\\u0000")
    falkor.write_batch(batch)
    (row,) = falkor.query("node_by_key", key="site:escaped")
    assert row["props"]["name"] == "\\u0000 and \\\\u0000"
