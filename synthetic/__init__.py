"""Synthetic, seeded bundles of every input format with a truth file of what was planted.

`generate_bundle(out_dir, seed, scale, variation=False)` writes the bundle (`variation=True`: the
same kind of world written by other hands, for evaluation; synthetic/variation/); `planted_coffending_graph(n, seed)`
builds a large weighted person graph with planted groups for gang-detection benchmarks.
"""

from synthetic.generate import generate_bundle
from synthetic.graph import planted_coffending_graph

__all__ = ["generate_bundle", "planted_coffending_graph"]
