"""Identifier recognisers on real sentences; normalised values come from graph_schema.identifiers."""

from graph_schema.identifiers import normalize_plate, normalize_resident_id, resident_id_check_char


def _first(ex, label):
    found = [e for e in ex.entities if e.label == label]
    assert found, f"no {label} in {[(e.text, e.label) for e in ex.entities]}"
    return found[0]


def test_plate_spellings_normalise_to_one_plate(extract):
    texts = [
        "涉案车辆：浙E·5G378（重型罐式货车）",
        "卡口显示浙E5G378驶入矿坑",
        "一辆浙E 5G378罐车",
        "新能源车浙ED35172停在厂门口",
    ]
    out = extract(texts)
    plates = [_first(ex, "PLATE") for ex in out]
    assert [p.normalized for p in plates[:3]] == [normalize_plate("浙E5G378")] * 3
    assert plates[0].text == "浙E·5G378"
    assert plates[3].normalized == "浙ED35172"
    for t, p in zip(texts, plates):
        assert t[p.start : p.end] == p.text


def test_vessel_not_swallowing_preceding_province_char(extract):
    ex = extract(["船主驾驶渔船浙岱渔07215出海，另一艘苏吴江货3186在河里抽水"])[0]
    vessels = [e.text for e in ex.entities if e.label == "VESSEL"]
    assert vessels == ["浙岱渔07215", "苏吴江货3186"]


def test_masked_and_landline_phones(extract):
    ex = extract(["来电人138****6625反映，厂里电话0572-2345678，老板手机13857201234"])[0]
    phones = {e.text: e.normalized for e in ex.entities if e.label == "PHONE"}
    assert phones == {"138****6625": "138****6625", "0572-2345678": "05722345678", "13857201234": "13857201234"}


def test_id_card_check_digit(extract):
    first17 = "33052219811203421"
    good = first17 + resident_id_check_char(first17)
    bad_check = "0" if good[-1] != "0" else "1"
    text = f"犯罪嫌疑人张三，身份证号{good}。另一个号码{first17}{bad_check}不是身份证。"
    ex = extract([text])[0]
    ids = [e for e in ex.entities if e.label == "ID_CARD"]
    assert [e.text for e in ids] == [good]
    assert ids[0].normalized == normalize_resident_id(good)
    # the invalid number is not misread as a phone either
    assert not any(e.label == "PHONE" for e in ex.entities)


def test_uscc_goes_into_org_normalized(extract):
    text = "涉案单位：长兴恒泰精细化工有限公司（统一社会信用代码91330522704523184E）"
    ex = extract([text])[0]
    org = _first(ex, "ORG")
    assert org.text == "长兴恒泰精细化工有限公司"
    assert org.normalized == "91330522704523184E"
    # the code itself is no entity of its own (the ten labels stay exact)
    assert not any("91330522704523184E" in e.text for e in ex.entities)
