"""Gang detection: a weighted co-offending network of people, small communities in it,
scored, ranked and written back to the graph.

Pipeline (`detect_gangs`):

1. **Projection** (`coffending_rows` → `project_coffending`).  Every piece of
   evidence that ties people together becomes a *tie row* — a hyperedge
   `{"kind", "members", "doc", "time", "object"}`:

   =============  ==========================================================  ======
   kind           evidence                                                    base w
   =============  ==========================================================  ======
   co_offender    an explicit CO_OFFENDER relationship (伙同, 共同)              3.0
   case           co-suspects / co-parties of one case (INVOLVED_IN)           2.0
   vehicle        people who drive or own the same vehicle (a borrower and     1.5
                  the registered owner), or are the principal suspects of
                  cases that name it
   vessel         the same for a vessel                                        1.5
   phone          people who use the same (unmasked) phone                     1.2
   checkpoint     their plates read at one checkpoint within minutes,          0.6
                  repeatedly (or once, at night, near a sensitive site):
                  a convoy (`investigations.gangs.convoy`); × occasions
   mention        named together in a hotline ticket or grid event             0.5
   =============  ==========================================================  ======

   Each row adds, to every pair of its n members,
   ``w = base(kind) / (n - 1) × 0.5 ** (age_days / HALF_LIFE_DAYS)``
   (a shared object: ``/ √(n − 1)``).

   *Why 1/(n−1)*: Newman's collaboration weighting (M. E. J. Newman,
   "Scientific collaboration networks. II", Phys. Rev. E 64, 016132, 2001):
   a person spends one unit of tie strength per document, shared among its
   co-parties, so a 30-defendant sweep does not outweigh a three-person crew.
   *Why recency*: ties decay with a one-year half-life counted back from the
   newest evidence in the data (never the wall clock, so reruns agree); a
   crew active last month matters more than one that met five years ago.
   *Why these bases*: a stated joint offence is the strongest evidence;
   co-suspects in one case nearly as strong; sharing a truck, boat or phone
   is an operational tie; plate co-reads and co-mentions in complaints are
   circumstantial, kept weak so they can join people only with help from
   other evidence.  Repeated evidence adds up.

2. **Communities** (`detect_communities`).  Leiden (V. A. Traag, L. Waltman,
   N. J. van Eck, "From Louvain to Leiden: guaranteeing well-connected
   communities", Sci. Rep. 9, 5233, 2019) optimising the Constant Potts Model
   (Traag, Van Dooren, Nesterov, "Narrow scope for resolution-limit-free
   community detection", Phys. Rev. E 84, 016114, 2011).  Modularity
   (Louvain: Blondel et al., J. Stat. Mech. 2008, P10008) has a resolution
   limit (Fortunato & Barthélemy, PNAS 104, 36, 2007): on 100k people in ~13k
   groups of 3–12 it merges them into ~480 communities.  CPM's resolution γ
   is a density threshold independent of the graph's size: a group stays
   together when its internal tie weight beats γ per member pair, so the same
   γ finds 3-person crews in a town or in a province.  Communities larger
   than `max_size` are split again at doubled γ.  Deterministic: vertices in
   key order, edges sorted, fixed seed.

   Then two clean-ups: `reassign_to_strongest` (a member goes to the
   group it is most tied to) and `absorb_fragments` (a pair left beside the
   crew it offended with joins it).

3. **Membership** (`investigations.gangs.scoring`).  A member tied to another
   member by anything but a co-mention (a co-suspect of *any* member, not only
   of the leader; a borrowed or shared vehicle or vessel; a phone; convoy reads)
   is never pruned; `prune_periphery` drops only people tied by co-mentions to
   one member who is not the leader; a person left outside every gang but tied
   so to a member is attached (`attach_tied`, up to `max_size`, not transitive,
   but bringing the co-suspect his community left beside him: `attach_fragments`);
   a star — one hub's separate pair cases — joins the crew the hub shares a phone,
   vehicle, vessel or file with (`join_stars`), and a pair or more with a case of
   its own, reaching the crew only by co-reads or co-mentions, leaves it as
   another crew (`detach_independent`; both in `investigations.gangs.crews`);
   a group without a case file or stated joint offence is not a gang.  Each
   member carries the rules and documents that admitted them
   (`investigations.gangs.evidence`).

4. **Scoring** — prior cases, distinct crime types, internal density,
   recency; **leader** = the member with the highest degree in the two-mode
   person–case network (the number of case files naming them as suspect:
   Freeman degree centrality, Soc. Networks 1, 215, 1978, on affiliation
   data as in Borgatti & Everett, Soc. Networks 19, 243, 1997), ties broken
   by weighted degree inside the gang (strength, Barrat et al., PNAS 101,
   3747, 2004), then degree, then who a joint-offence statement names first
   (张三伙同李四: files name the 主犯 first), then key order.  Why: the organiser is the
   constant of the crew's files — members come and go case by case, the
   leader is in most of them, including the cases he was caught alone;
   one-mode strength alone over-rates a pair of members who co-offended
   intensely once, and betweenness inside a 3–15 person group is mostly zero.

5. **Write-back** — `Gang {key, score, rank, size, leader, evidence}` nodes and
   `(:Person)-[:MEMBER_OF {score, rules, evidence}]->(:Gang)`.  Gang ids are stable: `gang:` + SHA-1 of the sorted member
   keys, so an analyst can cite a gang in a file.

Modules: `base` (kinds, weights), `ties` and `convoy` (tie rows), `projection`,
`communities`, `crews` (where one crew ends and another begins), `scoring` and
`evidence` (membership, leaders, why), `report`
(`detect_gangs`), `writeback`, `truth` (`compare_with_truth`).

Engines: networkx is the API (`project_coffending` returns an `nx.Graph`,
`detect_communities` takes one); the work runs on igraph's C Leiden (or
leidenalg), and, when `engine="networkx"`, on `networkx.community.louvain_communities`
(dispatchable to nx-cugraph on a GPU).
"""

from __future__ import annotations

from investigations.checkpoints import sensitive_checkpoints
from investigations.gangs.base import (
    CHECKPOINT_WINDOW_MIN,
    DEFAULT_RESOLUTION,
    DEFAULT_SEED,
    HALF_LIFE_DAYS,
    KIND_WEIGHTS,
    MAX_GANG_SIZE,
    MAX_WINDOW_VEHICLES,
    WEAK_KINDS,
)
from investigations.gangs.communities import (
    absorb_fragments,
    communities_from_arrays,
    detect_communities,
    reassign_to_strongest,
)
from investigations.gangs.convoy import checkpoint_rows
from investigations.gangs.crews import attach_fragments, detach_independent, join_stars
from investigations.gangs.evidence import RULE_LABELS
from investigations.gangs.projection import Projection, project, project_coffending
from investigations.gangs.report import Gang, GangReport, detect_gangs
from investigations.gangs.scoring import attach_tied, gang_id, merge_dependent, prune_periphery, score_groups
from investigations.gangs.ties import coffending_rows, principal
from investigations.gangs.truth import compare_with_truth
from investigations.gangs.writeback import write_gangs

__all__ = [
    "KIND_WEIGHTS",
    "HALF_LIFE_DAYS",
    "DEFAULT_RESOLUTION",
    "Gang",
    "GangReport",
    "Projection",
    "coffending_rows",
    "checkpoint_rows",
    "project",
    "project_coffending",
    "detect_communities",
    "communities_from_arrays",
    "score_groups",
    "write_gangs",
    "detect_gangs",
    "gang_id",
    "compare_with_truth",
    "principal",
    "prune_periphery",
    "reassign_to_strongest",
    "absorb_fragments",
    "CHECKPOINT_WINDOW_MIN",
    "MAX_WINDOW_VEHICLES",
    "MAX_GANG_SIZE",
    "WEAK_KINDS",
    "DEFAULT_SEED",
    "RULE_LABELS",
    "sensitive_checkpoints",
    "attach_tied",
    "merge_dependent",
    "join_stars",
    "attach_fragments",
    "detach_independent",
]
