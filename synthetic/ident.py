"""Unique, valid identifiers (resident IDs, USCCs, plates, vessels, phones) and their written variants."""

from __future__ import annotations

import random
from datetime import date, timedelta

from graph_schema.identifiers import org_code_check_char, resident_id_check_char, uscc_check_char
from synthetic import vocab

_USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "0123456789"
_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


class Idents:
    """Draws identifiers from one RNG and never hands out the same one twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _unique(self, make) -> str:
        for _ in range(1000):
            v = make()
            if v not in self.used:
                self.used.add(v)
                return v
        raise RuntimeError("identifier space exhausted")

    # ---------------------------------------------------------------- people
    def birth(self, lo: int = 1960, hi: int = 2000) -> date:
        d = date(lo, 1, 1) + timedelta(days=self.rng.randrange((date(hi, 12, 31) - date(lo, 1, 1)).days))
        return d

    def resident_id(self, region_code: str, born: date, male: bool) -> str:
        def make() -> str:
            seq = self.rng.randrange(0, 100) * 10 + int(self.rng.choice("13579") if male else self.rng.choice("02468"))
            first17 = f"{region_code}{born:%Y%m%d}{seq:03d}"
            return first17 + resident_id_check_char(first17)

        return self._unique(make)

    def bad_resident_id(self, good: str) -> str:
        """Same ID with a wrong check character (a typo in a case file)."""
        wrong = [c for c in "0123456789X" if c != good[-1]]
        return good[:17] + self.rng.choice(wrong)

    def mobile(self) -> str:
        return self._unique(lambda: self.rng.choice(vocab.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}")

    def landline(self, area: str = "0572") -> str:
        return self._unique(lambda: f"{area}-{self.rng.randrange(2, 9)}{self.rng.randrange(10**6):06d}")

    @staticmethod
    def mask_phone(phone: str) -> str:
        return phone[:3] + "****" + phone[-4:]

    # ---------------------------------------------------------------- companies
    def uscc(self, region_code: str, kind: str = "91") -> str:
        def make() -> str:
            if self.rng.random() < 0.6:
                org8 = "MA" + "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
            else:
                org8 = "".join(self.rng.choice(_DIGITS) for _ in range(8))
            org = org8 + org_code_check_char(org8)
            first17 = kind + region_code + org
            return first17 + uscc_check_char(first17)

        return self._unique(make)

    # ---------------------------------------------------------------- vehicles
    def plate(self, prefix: str, new_energy: bool = False) -> str:
        def make() -> str:
            if new_energy:
                return prefix + self.rng.choice("DF") + "".join(self.rng.choice(_DIGITS) for _ in range(5))
            n_letters = self.rng.choice((0, 1, 1, 1, 2))
            chars = [self.rng.choice(_DIGITS) for _ in range(5)]
            for i in self.rng.sample(range(5), n_letters):
                chars[i] = self.rng.choice(_PLATE_LETTERS)
            return prefix + "".join(chars)

        return self._unique(make)

    def vessel(self, prefix: str) -> str:
        return self._unique(lambda: prefix + f"{self.rng.randrange(10**5):05d}")

    def cargo_vessel(self, prefix: str) -> str:
        return self._unique(lambda: prefix + f"{self.rng.randrange(1000, 10**4)}")


def plate_variant(rng: random.Random, plate: str, weights: tuple[int, ...] = (4, 3, 2, 1, 1)) -> tuple[str, str]:
    """A written form of a normalised plate and its form name."""
    form = rng.choices(("plain", "dot", "space", "fullwidth", "dash"), weights=weights)[0]
    return render_plate(plate, form), form


def render_plate(plate: str, form: str) -> str:
    head, tail = plate[:2], plate[2:]
    if form == "dot":
        return f"{head}·{tail}"
    if form == "space":
        return f"{head} {tail}"
    if form == "dash":
        return f"{head}-{tail}"
    if form == "fullwidth":
        return plate[0] + "".join(_FULLWIDTH.get(c, c) for c in plate[1:])
    return plate
