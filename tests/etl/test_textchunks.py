"""Long texts reach extraction in chunks; entities and relations come back at their place in the whole text."""

from __future__ import annotations

from etl.idrules import rules_extract
from etl.textchunks import chunked, split_chunks
from nlp.types import Entity, Extraction, Relation


def test_chunks_cover_the_text_and_end_at_breaks():
    text = ("第一段第一句。第一段第二句！\n" * 40) + "没有句号的长句" * 300
    pieces = split_chunks(text, 100)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 100 for _, p in pieces)
    assert [off for off, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]
    inside = [p for off, p in pieces if off + len(p) <= text.index("没有")]
    assert inside and all(p.endswith(("\n", "。", "！")) for p in inside)  # cut between sentences while there are any


def test_offsets_of_chunked_extraction_map_back_to_the_whole_text():
    filler = "今天天气晴朗，河水清澈。" * 50
    text = filler + "王某驾驶浙E5G378运输废酸，联系电话13812345678。" + filler + "车辆浙A12345停在路边。"
    whole = rules_extract([text])[0]
    calls: list[list[str]] = []

    def spy(texts):
        calls.append(texts)
        return rules_extract(texts)

    short = "浙B11111"
    pieces = chunked(spy, size=200)([text, short])
    assert len(calls) == 1 and len(calls[0]) > 2  # one call: the short text rides along with the chunks
    got = pieces[0]
    assert got.text == text
    assert [(e.start, e.end, e.label, e.normalized) for e in got.entities] == [
        (e.start, e.end, e.label, e.normalized) for e in whole.entities
    ]
    assert all(text[e.start : e.end] == e.text for e in got.entities)
    assert pieces[1].entities[0].normalized == rules_extract([short])[0].entities[0].normalized


def test_relations_point_at_the_right_entities_and_sentence_after_joining():
    def fake(texts):
        out = []
        for t in texts:
            i = t.find("甲")
            if i < 0:
                out.append(Extraction(text=t))
                continue
            ents = [Entity(i, i + 1, "PERSON", "甲"), Entity(i + 2, i + 3, "PLATE", "乙")]
            out.append(Extraction(text=t, entities=ents, relations=[Relation(0, 1, "DRIVES", 0.9, i, i + 4)]))
        return out

    text = "无关。" * 40 + "甲开乙。" + "无关。" * 40 + "甲开乙。"
    (got,) = chunked(fake, size=50)([text])
    assert len(got.entities) == 4 and len(got.relations) == 2
    for rel in got.relations:
        assert got.sentence(rel) == "甲开乙。"
        assert text[got.entities[rel.head].start] == "甲" and text[got.entities[rel.tail].start] == "乙"


def test_a_quote_in_a_run_on_text_stays_short():
    """No sentence end in 200k characters: the quote is the mention with bounded context, not the whole text
    (finding the whole sentence for each of thousands of mentions took 270 s for one case file)."""
    from etl.textfacts import _QUOTE_REACH, sentence_bounds

    text = "王某驾驶浙E5G378运输废酸，" * 15_000
    start = text.index("浙E5G378", 100_000)
    s, e = sentence_bounds(text, start, start + 7)
    assert s <= start and e >= start + 7 and e - s <= 2 * _QUOTE_REACH + 7
    short = "前一句。王某驾驶浙E5G378。后一句"
    assert short[slice(*sentence_bounds(short, 8, 15))] == "王某驾驶浙E5G378。"
