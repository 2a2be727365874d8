"""`mask_text` on every written form of a resident ID and a phone number (the HTTP tests
prove the routes use it; this table pins the rules), and on what must stay as written."""

from __future__ import annotations

import hashlib

import pytest

from api.security.masking import has_identifier, mask_text


@pytest.mark.parametrize(
    "text,masked",
    [
        ("330502198001011234", "330502********1234"),
        ("身份证号33048119750105271X，", "身份证号330481********271X，"),
        ("330481 19750105 2713", "330481 ******** 2713"),
        ("330481-19750105-2713", "330481-********-2713"),
        ("３３０４８１１９７５０１０５２７１３", "３３０４８１********２７１３"),
        ("老身份证330481750105271。", "老身份证330481******271。"),
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138-****-5678"),
        ("138 1234 5679", "138 **** 5679"),
        ("138.1234.5678", "138.****.5678"),
        ("１３８１２３４５６７８", "１３８****５６７８"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("＋86 139 8765 4321", "＋86 139 **** 4321"),
        ("8613812345678", "86138****5678"),
        ("(+86)13812345678", "(+86)138****5678"),
        ("0086-13812345678", "0086-138****5678"),
        ("TEL13812345678", "TEL138****5678"),
        ("座机0572-2345678", "座机0572-***5678"),
        ("(0572)2345678", "(0572)***5678"),
        ("010-12345678", "010-****5678"),
        ("05722345678", "0572***5678"),
    ],
)
def test_every_written_form_is_masked(text, masked):
    assert mask_text(text) == masked
    assert len(mask_text(text)) == len(text)  # document spans stay aligned
    assert has_identifier(text) and not has_identifier(mask_text(text))


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-21 22:41:07,浙E3K821,KK-07",  # a plate read
        "转移联单 2024330522000163",  # a 16-digit manifest number
        "LD2024-0088",
        "案件编号 AJ2024001",
        "330481991399271",  # 15 digits without a calendar date
        "经度120.123456789",
        "gang:d6e82336a693",
        hashlib.sha256(b"13812345678").hexdigest(),
    ],
)
def test_what_is_not_an_identifier_stays(text):
    assert mask_text(text) == text


def test_hashes_are_never_touched():
    digests = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(5000)]
    assert [d for d in digests if mask_text(d) != d] == []


def test_bare_identifiers_are_masked_exactly_as_the_pattern_chain_masks_them():
    """A bare resident ID or mobile number (or a key made of one), and a hex id the system wrote,
    skip the pattern chain; on every such form, and on strings that only look like one, the
    answer is the chain's."""
    import random

    from api.security import masking

    rnd = random.Random(17)

    def digits(n: int) -> str:
        return "".join(rnd.choice("0123456789") for _ in range(n))

    forms = [
        lambda: digits(18),
        lambda: digits(17) + rnd.choice("Xx"),
        lambda: "1" + rnd.choice("3456789") + digits(9),
        lambda: digits(rnd.randrange(8, 21)),
        lambda: "1" + digits(10),
        lambda: "".join(rnd.choice("0123456789abcdef") for _ in range(rnd.randrange(14, 41))),  # fact ids, hashes
    ]
    prefixes = ["", "person:", "phone:", "Person:", "p1:", "doc_x:", " ", "a:b:"]
    texts = [rnd.choice(prefixes) + rnd.choice(forms)() for _ in range(5000)]
    fast = [t for t in texts if masking._BARE_ID.fullmatch(t) or masking._BARE_MOBILE.fullmatch(t)]
    hexes = [t for t in texts if masking._HEX_RE.fullmatch(t)]
    assert len(fast) > 1000 and len(hexes) > 50 and len(texts) - len(fast) - len(hexes) > 1000  # every path
    assert [masking._mask_all(t) for t in texts] == [masking._mask_chain(t) for t in texts]
    assert masking.mask_text("person:33050219610202081X") == "person:330502********081X"
    assert masking.mask_text("13812345678") == "138****5678"
