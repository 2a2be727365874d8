"""What differs between FalkorDB and Neo4j 5 Cypher: DDL, full-text, shortest path.

Everything else is written once, in the common subset, in `queries/*.cypher`.
"""

from __future__ import annotations

from graph_schema.schema import (
    FACT_PROPERTY,
    LABELS,
    RELATIONS,
    SEARCH_PROPERTY,
    search_grams,
    search_normalize,
)

# Neo4j: one full-text index over every label, with Lucene's CJK analyzer (bigrams for
# Chinese).  Named after its analyzer: `IF NOT EXISTS` would otherwise keep an older
# index of the same name built with the standard analyzer.
FULLTEXT_INDEX = "entity_text_cjk"


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
    prop = FACT_PROPERTY  # relationships are upserted by fact id: found by index, not by walking a pair's edges
    for rel_type in RELATIONS:
        if dialect == "neo4j":
            out.append(f"CREATE INDEX {rel_type.lower()}_{prop} IF NOT EXISTS FOR ()-[r:{rel_type}]-() ON (r.{prop})")
        else:
            out.append(f"CREATE INDEX FOR ()-[r:{rel_type}]-() ON (r.{prop})")
    if dialect == "neo4j":
        labels = "|".join(s.label for s in LABELS.values() if s.fulltext)
        props = sorted({p for s in LABELS.values() for p in s.fulltext})
        each = ", ".join(f"n.{p}" for p in props)
        out.append(
            f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{labels}) ON EACH [{each}] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
        )
    return out


def falkor_fulltext_statements() -> list[str]:
    """FalkorDB full-text indexes are per label, created by procedure (RediSearch).

    RediSearch's default tokenizer splits on spaces and ASCII punctuation only, so a
    Chinese name is one token; the bigram property (`schema.SEARCH_PROPERTY`) is what
    makes substrings findable.  It is indexed without stemming.  (RediSearch's
    `language: 'chinese'` segments with a dictionary, and a query such as 俞海波 then
    misses the very node named 俞海波; its `*infix*` queries stopped matching in our
    tests once a label had more than ~100 distinct terms.)
    """
    out = []
    for spec in LABELS.values():
        for prop in spec.fulltext:
            if prop == SEARCH_PROPERTY:
                out.append(f"CALL db.idx.fulltext.createNodeIndex('{spec.label}', {{field: '{prop}', nostem: true}})")
            else:
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


def search_labels() -> list[str]:
    """Labels whose nodes carry the bigram search property."""
    return [s.label for s in LABELS.values() if s.search_source and SEARCH_PROPERTY in s.fulltext]


def search_query_text(dialect: str, q: str) -> str | None:
    """The full-text query for a name search on the bigram property, or None when `q`
    has no searchable character.  Two or more characters: every bigram of the query
    must be present (a superset of "contains q", ranked afterwards); one character:
    the bigrams starting with it.  Only CJK ideographs, a–z and 0–9 survive
    normalisation, so nothing needs escaping in either query language."""
    t = search_normalize(q)
    if not t:
        return None
    if dialect == "neo4j":
        if len(t) == 1:
            return f"{SEARCH_PROPERTY}:{t}*"
        return f"{SEARCH_PROPERTY}:(" + " AND ".join(search_grams(t)) + ")"
    if len(t) == 1:
        return f"@{SEARCH_PROPERTY}:{t}*"
    return f"@{SEARCH_PROPERTY}:(" + " ".join(search_grams(t)) + ")"


def fulltext_cypher(dialect: str, label: str) -> str:
    """Nodes of `label` matching the full-text query `$q`, best first, at most `$limit`:
    `key`, `label`, `props`, `score`."""
    if label not in LABELS:
        raise ValueError(label)
    ret = (
        f"RETURN node.key AS key, '{label}' AS label, properties(node) AS props, score "
        "ORDER BY score DESC, key LIMIT $limit"
    )
    if dialect == "neo4j":
        return (
            f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $q) YIELD node, score "
            f"WITH node, score WHERE node:{label} " + ret
        )
    return f"CALL db.idx.fulltext.queryNodes('{label}', $q) YIELD node, score " + ret


def wipe_statements(dialect: str) -> list[str]:
    if dialect == "neo4j":
        return ["MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"]
    return []  # FalkorDB drops the whole graph with GRAPH.DELETE
