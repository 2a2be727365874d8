"""What differs between FalkorDB and Neo4j 5 Cypher: DDL, full-text, shortest path.

Everything else is written once, in the common subset, in `queries/*.cypher`.
"""

from __future__ import annotations

from graph_schema.schema import LABELS

FULLTEXT_INDEX = "entity_text"


def schema_statements(dialect: str) -> list[str]:
    """Idempotent DDL: a unique key per label plus the indexed properties."""
    out: list[str] = []
    if dialect == "neo4j":
        out.append("CREATE CONSTRAINT entity_key IF NOT EXISTS FOR (n:Entity) REQUIRE n.key IS UNIQUE")
    else:
        out.append("CREATE INDEX FOR (n:Entity) ON (n.key)")
    for spec in LABELS.values():
        lab = spec.label
        if dialect == "neo4j":
            out.append(f"CREATE CONSTRAINT {lab.lower()}_key IF NOT EXISTS FOR (n:{lab}) REQUIRE n.key IS UNIQUE")
            for prop in spec.indexed:
                out.append(f"CREATE INDEX {lab.lower()}_{prop} IF NOT EXISTS FOR (n:{lab}) ON (n.{prop})")
        else:
            out.append(f"CREATE INDEX FOR (n:{lab}) ON (n.key)")
            for prop in spec.indexed:
                out.append(f"CREATE INDEX FOR (n:{lab}) ON (n.{prop})")
    if dialect == "neo4j":
        labels = "|".join(s.label for s in LABELS.values() if s.fulltext)
        props = sorted({p for s in LABELS.values() for p in s.fulltext})
        each = ", ".join(f"n.{p}" for p in props)
        out.append(f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{labels}) ON EACH [{each}]")
    return out


def falkor_fulltext_statements() -> list[str]:
    """FalkorDB full-text indexes are per label, created by procedure."""
    out = []
    for spec in LABELS.values():
        for prop in spec.fulltext:
            out.append(f"CALL db.idx.fulltext.createNodeIndex('{spec.label}', '{prop}')")
    return out


def shortest_path_cypher(max_hops: int) -> str:
    """Neo4j: one shortest path between two keyed entities, any direction, bounded length.

    FalkorDB supports only *directed* shortestPath, so its adapter runs a
    bidirectional breadth-first search over the named `expand_frontier` query
    instead (see `GraphStore.shortest_path`).
    """
    hops = int(max_hops)
    if not 1 <= hops <= 10:
        raise ValueError("max_hops must be between 1 and 10")
    return (
        "MATCH (a:Entity {key: $a}), (b:Entity {key: $b}) "
        f"MATCH p = shortestPath((a)-[*..{hops}]-(b)) "
        "RETURN [n IN nodes(p) | n.key] AS keys, [r IN relationships(p) | type(r)] AS types, "
        "[r IN relationships(p) | properties(r)] AS rels, "
        "[r IN relationships(p) | startNode(r).key] AS heads"
    )


def fulltext_cypher(dialect: str, label: str) -> str:
    if label not in LABELS:
        raise ValueError(label)
    if dialect == "neo4j":
        return (
            f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $q) YIELD node, score "
            f"WHERE node:{label} RETURN node.key AS key, score ORDER BY score DESC LIMIT $limit"
        )
    return (
        f"CALL db.idx.fulltext.queryNodes('{label}', $q) YIELD node, score "
        "RETURN node.key AS key, score ORDER BY score DESC LIMIT $limit"
    )


def wipe_statements(dialect: str) -> list[str]:
    if dialect == "neo4j":
        return ["MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"]
    return []  # FalkorDB drops the whole graph with GRAPH.DELETE
