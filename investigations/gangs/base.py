"""Tie kinds, their weights and shared helpers of gang detection (see the package docstring)."""

from __future__ import annotations

import functools
import gc

import numpy as np

KIND_WEIGHTS: dict[str, float] = {
    "co_offender": 3.0,
    "case": 2.0,
    "vehicle": 1.5,
    "vessel": 1.5,
    "phone": 1.2,
    "checkpoint": 0.6,
    "mention": 0.5,
}
WEAK_KINDS = {"mention"}
CASE_KINDS = {"case", "co_offender"}  # people named together in one case file
OBJECT_KINDS = {"vehicle", "vessel", "phone"}  # shared objects: weight 1/√(n−1), not 1/(n−1)
TEXT_KINDS = {"mention", "co_offender"}  # ties read by NLP from free text  # a group tied only by these is not reported
HALF_LIFE_DAYS = 365.0
DEFAULT_RESOLUTION = 0.05  # CPM γ, tuned on synthetic truth (see tests/investigations)
DEFAULT_SEED = 42
# Largest gang reported: a bigger community is split again at a finer resolution.  Judgments on
# organised dumping rings name up to a few dozen defendants; at 15 planted gangs of 16 came back
# split, and on the evaluation stores (synthetic/TRUTH.md) caps of 20, 30 and 1,000 give the
# same groups otherwise: the communities are small by the resolution, the cap only guards
# against a blob on a graph of weak ties.
MAX_GANG_SIZE = 30
CHECKPOINT_WINDOW_MIN = 10
MAX_WINDOW_VEHICLES = 6  # a checkpoint window busier than this is traffic, not a convoy
MENTION_SOURCES = ["hotline", "grid"]
# Attachment and regrouping follow rows naming at most this many people: a crew's case file,
# a truck a few people drive.  A 30-suspect sweep or a fleet truck with a dozen drivers ties
# each party weakly (1/(n−1)) and must not pull all of them into one member's gang.
ATTACH_MAX_PARTIES = 6


def _no_gc(func):
    """Pause the cyclic garbage collector: these phases build millions of small
    containers and hold no cycles, and gen-2 collections over a heap of a million
    tie rows otherwise cost more than the work itself."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        was = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if was:
                gc.enable()

    return wrapper


class GroupMerger:
    """Groups merged into one another by index (a union of groups that keeps sizes).

    `merge(keep, gone)` folds one root into another; `remap(gid)` gives every vertex its
    group's root (−1 stays −1)."""

    def __init__(self, sizes: list[int]) -> None:
        self.size = list(sizes)
        self._into = list(range(len(sizes)))

    def root(self, g: int) -> int:
        while self._into[g] != g:
            g = self._into[g]
        return g

    def merge(self, keep: int, gone: int) -> None:
        self._into[gone] = keep
        self.size[keep] += self.size[gone]
        self.size[gone] = 0

    def remap(self, gid: np.ndarray) -> np.ndarray:
        table = np.asarray([self.root(g) for g in range(len(self.size))] + [-1], dtype=np.int64)  # index −1 → −1
        return table[gid]
