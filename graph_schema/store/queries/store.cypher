// Named queries of the graph layer, in the common subset of FalkorDB and Neo4j 5 Cypher.
// Always parameterised: values come in as $params, never spliced into the text.

// name: count_nodes_by_label
MATCH (n) UNWIND labels(n) AS l WITH l WHERE l <> 'Entity' RETURN l AS label, count(l) AS count

// name: count_relationships_by_type
MATCH ()-[r]->() RETURN type(r) AS type, count(r) AS count

// name: node_by_key
MATCH (n:Entity {key: $key}) RETURN n.key AS key, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, properties(n) AS props

// name: nodes_by_keys
UNWIND $keys AS k MATCH (n:Entity {key: k}) RETURN n.key AS key, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, properties(n) AS props

// name: relationships_of
MATCH (n:Entity {key: $key})-[r]-(m)
RETURN startNode(r).key AS head, type(r) AS type, endNode(r).key AS tail, properties(r) AS props,
       m.key AS other, [l IN labels(m) WHERE l <> 'Entity'][0] AS other_label
ORDER BY type, other
LIMIT $limit

// name: documents_by_keys
UNWIND $keys AS k MATCH (d:Document {key: k}) RETURN d.key AS key, properties(d) AS props

// name: record_events_by_facts
// Source records stored as relationships (schema.RelSpec.record_event: SEEN_AT), by the
// fact id their document key gives (model.record_event_fact); the `fact` index makes it a lookup.
UNWIND $facts AS f
MATCH ()-[r:SEEN_AT]->()
WHERE r.fact = f
RETURN r.doc AS key, type(r) AS type, startNode(r).key AS head, endNode(r).key AS tail, properties(r) AS props

// name: documents_asserting_otherwise
// Stored Documents whose record, as now loaded, asserts other facts ($docs: [key,
// facts_digest, sha256]); a Document stored without a digest compares its SHA-256.
UNWIND $docs AS d
MATCH (n:Document {key: d[0]})
WHERE (n.facts_digest IS NOT NULL AND n.facts_digest <> d[1])
   OR (n.facts_digest IS NULL AND n.sha256 IS NOT NULL AND n.sha256 <> d[2])
RETURN n.key AS key

// name: retract_stale_facts
// Facts an earlier version of a record asserted that its new version does not
// ($docs: [{key, facts}]).  Every fact a record asserts touches an entity next to its
// Document (MENTIONS, INVOLVED_IN), so that neighbourhood holds them all.  Analysts'
// facts (human, or reviewed) and investigations' (inferred) are never touched.
UNWIND $docs AS d
MATCH (n:Document {key: d.key})--(e)
MATCH (e)-[r]-()
WHERE r.doc = d.key AND NOT r.fact IN d.facts AND r.method IN ['structured', 'rule', 'model'] AND r.review IS NULL
WITH DISTINCT r
WITH r, startNode(r).key AS head, endNode(r).key AS tail
DELETE r
RETURN head, tail

// name: delete_orphans
// Entities left with no relationship at all (only an earlier version of a record named them).
UNWIND $keys AS k
MATCH (x:Entity {key: k})
WHERE NOT x:Document AND NOT (x)--()
DELETE x
RETURN count(x) AS deleted

// name: delete_node
MATCH (n:Entity {key: $key}) DETACH DELETE n

// name: set_node_props
MATCH (n:Entity {key: $key}) SET n += $props RETURN n.key AS key

// name: expand_frontier
// One breadth-first step for path search: every neighbour of the frontier keys.
UNWIND $keys AS k
MATCH (n:Entity {key: k})-[r]-(m)
RETURN k AS from, m.key AS to, type(r) AS type, startNode(r).key AS head, properties(r) AS props
LIMIT $limit

// name: export_nodes_page
// Keyset pagination over every node (stable order, uses the Entity.key index).
MATCH (n:Entity) WHERE n.key > $after
RETURN n.key AS key, properties(n) AS props
ORDER BY key
LIMIT $limit

// name: export_outgoing
UNWIND $keys AS k
MATCH (a:Entity {key: k})-[r]->(b)
RETURN a.key AS head, type(r) AS type, b.key AS tail, properties(r) AS props
