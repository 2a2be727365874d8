"""Domain repairs, gazetteers and the extract_texts contract."""

import threading

from nlp import LABELS, extract_texts


def labels(ex):
    return {(e.text, e.label) for e in ex.entities}


def test_masked_names_are_persons():
    ex = extract_texts(["犯罪嫌疑人王某伙同张某某、李某甲在太湖电鱼，某某公司不是人。"])[0]
    persons = [e.text for e in ex.entities if e.label == "PERSON"]
    assert persons == ["王某", "张某某", "李某甲"]


def test_the_copula_xi_after_a_name_is_not_part_of_it():
    """Legal prose writes "犯罪嫌疑人X系…" (X is …): 系 is neither the name's last character
    nor a reason to cut the name short."""
    for text, name in (
        ("经查，犯罪嫌疑人茅霞系渔船浙岱渔57736船长，仍带领施东卫出海。", "茅霞"),
        ("犯罪嫌疑人王建国系本地村民。", "王建国"),
        ("经查，犯罪嫌疑人周海宝系渔船船长。", "周海宝"),
        ("犯罪嫌疑人张立系本地村民。", "张立"),
    ):
        persons = [e.text for e in extract_texts([text])[0].entities if e.label == "PERSON"]
        assert persons[0] == name, (text, persons)


def test_company_keeps_full_name_and_address_chain_is_one_loc():
    text = "经查，长兴县煤山镇青岭村北侧废弃石矿坑内的废酸来自长兴恒泰精细化工有限公司。"
    got = labels(extract_texts([text])[0])
    assert ("长兴恒泰精细化工有限公司", "ORG") in got
    assert ("长兴县煤山镇青岭村北侧废弃石矿坑", "LOC") in got
    assert ("废酸", "WASTE") in got


def test_a_village_whose_first_character_reads_as_a_word_keeps_it():
    # 和 (and) and 于 (at) open the villages 和漾村 and 于港村; a one-character village 漾村 is not a name
    got = labels(extract_texts(["倒在德清县钟管镇和漾村东侧，又运到和孚镇于港村后山倾倒"])[0])
    assert ("德清县钟管镇和漾村", "LOC") in got
    assert ("和孚镇于港村后山", "LOC") in got
    # two towns joined by 和 stay two places
    assert {t for t, lab in labels(extract_texts(["煤山镇和泗安镇的农田"])[0]) if lab == "LOC"} == {"煤山镇", "泗安镇"}


def test_a_site_named_more_closely_after_its_first_type_word_is_one_loc():
    got = labels(extract_texts(["韩某将废渣倒在海宁市袁花镇屠港村后山老砖窑取土坑内。"])[0])
    assert ("海宁市袁花镇屠港村后山老砖窑取土坑", "LOC") in got
    # a verb after the first type word ends it: 后山 + 倒了…
    assert ("屠港村后山", "LOC") in labels(extract_texts(["他在屠港村后山倒了一车废渣。"])[0])


def test_an_address_label_is_neither_a_place_nor_part_of_one():
    # LAC glues 户籍地址 to the first pieces, or tags it a place of its own; other hands write
    # 户籍所在地, 现居住地址 … in free text as well as in case headers
    text = "犯罪嫌疑人张三，男，户籍地址递铺街道桃墩村，户籍所在地浙江省安吉县天子湖镇高禹村，现居住地址：长兴县煤山镇新川村。"
    ents = extract_texts([text])[0].entities
    locs = [e.text for e in ents if e.label == "LOC"]
    assert locs == ["递铺街道桃墩村", "浙江省安吉县天子湖镇高禹村", "长兴县煤山镇新川村"], ents
    assert [e for e in extract_texts(["他的户籍地址不详。"])[0].entities if e.label == "LOC"] == []


def test_address_before_company_is_split_off():
    got = labels(extract_texts(["织里镇河西村湖州织里顺风童装厂夜间噪声扰民"])[0])
    assert ("湖州织里顺风童装厂", "ORG") in got
    assert ("织里镇河西村", "LOC") in got


def test_agency_chain_is_one_org():
    got = labels(extract_texts(["案件已移送湖州市公安局南浔区分局侦办。"])[0])
    assert ("湖州市公安局南浔区分局", "ORG") in got


def test_gazetteers_and_hw_codes():
    ex = extract_texts(["经鉴定属危险废物（HW34），现场还查获岩羊头骨2具和黄胸鹀43只，旁边堆着建筑垃圾。"])[0]
    got = labels(ex)
    assert {("HW34", "WASTE"), ("岩羊", "SPECIES"), ("黄胸鹀", "SPECIES"), ("建筑垃圾", "WASTE")} <= got


def test_time_expressions():
    ex = extract_texts(["2024年5月22日6时许接报，昨天夜里两点多又来了一次，这几天都有。"])[0]
    times = [e.text for e in ex.entities if e.label == "TIME"]
    assert "2024年5月22日6时许" in times
    assert "昨天夜里两点多" in times
    assert "这几天" not in times


def test_case_number_is_not_a_name():
    ex = extract_texts(["案件编号：湖浔公(环)立字〔2024〕00046号"])[0]
    assert not any(e.label in ("PERSON", "LOC", "ORG") for e in ex.entities)


def test_contract_offsets_labels_order_and_empty_input():
    texts = ["", "周卫东驾驶浙E5G378到青岭村倾倒废盐酸。", None, "   "]
    out = extract_texts(texts)
    assert len(out) == 4
    assert out[0].entities == [] and out[2].entities == []
    ex = out[1]
    assert ex.text == texts[1]
    for e in ex.entities:
        assert e.label in LABELS
        assert e.method in ("rule", "model")
        assert 0 < e.confidence <= 1
        assert ex.text[e.start : e.end] == e.text
    starts = [e.start for e in ex.entities]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(ex.entities, ex.entities[1:]))


def test_entities_never_start_or_end_on_whitespace():
    ex = extract_texts(["  浙E 5G378  周卫东\n驾驶货车，\n王某某\t伙同 李某甲"])[0]
    assert ex.entities
    for e in ex.entities:
        assert e.text == e.text.strip() and ex.text[e.start : e.end] == e.text
    assert {"浙E 5G378", "周卫东", "王某某", "李某甲"} <= {e.text for e in ex.entities}


def test_thread_safe_concurrent_calls():
    texts = [f"第{i}号：犯罪嫌疑人周卫东驾驶浙E5G378将废酸倒入长兴县煤山镇青岭村矿坑。" for i in range(40)]
    expected = [labels(x) for x in extract_texts(texts)]
    results: dict[int, list] = {}

    def work(k):
        results[k] = [labels(x) for x in extract_texts(texts)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results.values())
