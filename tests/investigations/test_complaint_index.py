"""The complaint index answers exactly what a scan of every complaint answers."""

from __future__ import annotations

import random

from investigations.chains import ComplaintIndex, complaints_about

WORDS = ["湖州某化工有限公司", "青岭村矿坑", "王某", "长兴某某物流", "河岸", "某某电镀厂", "废弃石矿"]


def _complaints(n: int) -> list[dict]:
    rng = random.Random(7)
    rows = []
    for i in range(n):
        text = "，".join(rng.sample(WORDS, rng.randint(0, 3)))
        rows.append(
            {"doc": f"hotline:{i}", "alltext": text, "linked": frozenset(rng.sample("abcdef", rng.randint(0, 2)))}
        )
    return rows


def test_index_answers_as_a_scan_of_every_complaint():
    rows = _complaints(3000)
    index = ComplaintIndex(rows)
    asks = [
        ({"a"}, {"青岭村矿坑"}),
        (set(), {"某某电镀厂", "王某"}),  # 王某 is two characters: too short to search by name
        ({"b", "c"}, set()),
        ({"z"}, {"不存在的单位"}),
        (set(), {"村矿坑，某"}),  # a name spanning two words of one complaint
    ]
    for keys, names in asks:
        fast = complaints_about(index, keys, names)
        slow = complaints_about(list(rows), keys, names)
        assert [c["doc"] for c in fast] == [c["doc"] for c in slow]
    assert complaints_about(index, {"a"}, set())  # the ask finds something


def test_a_name_never_spans_two_complaints():
    index = ComplaintIndex(
        [
            {"doc": "1", "alltext": "倾倒在青岭", "linked": frozenset()},
            {"doc": "2", "alltext": "村矿坑", "linked": frozenset()},
        ]
    )
    assert complaints_about(index, set(), {"青岭村矿坑"}) == []
    assert [c["doc"] for c in complaints_about(index, set(), {"村矿坑"})] == ["2"]


def test_window_answers_as_a_filter_of_every_complaint():
    from datetime import datetime, timedelta

    rng = random.Random(11)
    start = datetime(2024, 1, 1)
    rows = _complaints(2000)
    for c in rows:  # one in ten undated: no window may drop those
        c["t"] = None if rng.random() < 0.1 else start + timedelta(hours=rng.randrange(24 * 365))
    index = ComplaintIndex(rows)
    for lo_day, hi_day in ((0, 0), (40, 77), (100, 400), (-30, 5)):
        lo, hi = start + timedelta(days=lo_day), start + timedelta(days=hi_day)
        want = [c["doc"] for c in rows if c["t"] is None or lo <= c["t"] <= hi]
        assert [c["doc"] for c in index.between(lo, hi)] == want
    assert len(index.between(start + timedelta(days=40), start + timedelta(days=77))) > 200
