"""Variation mode of the synthetic generator: the same planted world, written by other hands.

Written separately from the development templates (synthetic/narrative.py,
text.py, the plate and site vocabularies) so an evaluation on it cannot pass
by matching them: other narrative registers (`prose`), other spellings of
plates, headers, addresses and site-type words (`spelling`, `world`), gang
members tied by one route only (`ties`) and case files that cannot be parsed
(`broken`).  Entry point: `synthetic.generate_bundle(..., variation=True)`.

Seeds: the variation mode is for evaluation; see synthetic/TRUTH.md for the
seeds held out of any tuning.
"""

from synthetic.variation.world import VariedBlock, VariedGenerator

HELD_OUT_SEEDS = (9101, 9202, 9303, 9404, 9505)

__all__ = ["HELD_OUT_SEEDS", "VariedBlock", "VariedGenerator"]
