"""What a report says the receiver weighed in for a manifest, in several writers' styles
(the alert itself, through the CLI on files: tests/ingest/test_ingest_short_receipt.py)."""

from __future__ import annotations

import pytest

from investigations.receipts import stated_receipts

M1, M2 = "2024330481000022", "2024330483000030"


@pytest.mark.parametrize(
    ("text", "received", "declared"),
    [
        (f"比对转移联单{M1}：申报数量18.08吨，接收单位海宁源昌固废处置有限责任公司签收5.91吨，数量不符。", 5.91, 18.08),
        (f"联单号{M1}。经现场核对磅单，该批废物实收3.2吨（联单载明9.6吨）。", 3.2, 9.6),
        ("联单号：２０２４３３０４８１００００２２，接收单位称重记录显示到厂仅４．２吨", 4.2, None),
        (f"该车所载废碱液（联单{M1}）入库5910公斤，与联单不符", 5.91, None),
    ],
)
def test_received_quantity_in_other_styles(text, received, declared):
    (r,) = stated_receipts([("doc:grid:1", text)], {M1, M2})
    assert (r.manifest, r.received_t, r.declared_t) == (M1, received, declared)


def test_quantities_go_to_the_manifest_named_before_them_and_unknown_numbers_are_ignored():
    text = f"联单{M1}入库5.9吨；联单{M2}申报8.5吨，入库8.4吨。另有联单2024999999999999入库1吨。"
    got = {r.manifest: (r.received_t, r.declared_t) for r in stated_receipts([("d", text)], {M1, M2})}
    assert got == {M1: (5.9, None), M2: (8.4, 8.5)}
    # a transported quantity with no receiving word is not a receipt
    assert stated_receipts([("d", f"联单{M1}，车辆浙EV6441运输18吨出发")], {M1}) == []
