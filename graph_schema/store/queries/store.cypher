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
