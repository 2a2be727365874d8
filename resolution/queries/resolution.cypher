// Named queries of the entity-resolution layer, in the common subset of FalkorDB and Neo4j 5 Cypher.
// Always parameterised.  Relationship types that must be written per type are generated
// from the schema whitelist in Python (see resolution.merge), never spliced from input.

// name: res_node
MATCH (n:Entity {key: $key})
RETURN n.key AS key, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, properties(n) AS props

// name: res_rels_of
// Every relationship touching one node, with its identity (fact) and all properties.
MATCH (n:Entity {key: $key})-[r]-(m)
RETURN startNode(r).key AS head, type(r) AS type, endNode(r).key AS tail, r.fact AS fact,
       properties(r) AS props,
       [l IN labels(startNode(r)) WHERE l <> 'Entity'][0] AS head_label,
       [l IN labels(endNode(r)) WHERE l <> 'Entity'][0] AS tail_label

// name: res_delete_rels
// Delete exactly the listed relationships: (head, fact, tail) triples.
UNWIND $rows AS row
MATCH (a:Entity {key: row.head})-[r {fact: row.fact}]->(b:Entity {key: row.tail})
DELETE r
RETURN count(*) AS deleted

// name: res_set_props
MATCH (n:Entity {key: $key}) SET n += $props RETURN n.key AS key

// name: res_set_merge_state
// Replace the merge bookkeeping lists of a canonical node.
MATCH (n:Entity {key: $key})
SET n.aliases = $aliases, n.merge_log = $merge_log, n.split_log = $split_log
RETURN n.key AS key

// name: res_delete_node
MATCH (n:Entity {key: $key}) DETACH DELETE n

// name: res_aliased_nodes
MATCH (n:Entity) WHERE n.aliases IS NOT NULL AND size(n.aliases) > 0
RETURN n.key AS key, n.aliases AS aliases

// name: res_companies
MATCH (n:Company) RETURN n.key AS key, properties(n) AS props

// name: res_persons
MATCH (n:Person) RETURN n.key AS key, properties(n) AS props

// name: res_sites
MATCH (n:Site) RETURN n.key AS key, properties(n) AS props

// name: res_keys_with_prefix
MATCH (n:Entity) WHERE n.key STARTS WITH $prefix RETURN n.key AS key, properties(n) AS props

// name: res_company_edges
// Neighbourhood of every company: the candidate ties and the documents that name it.
MATCH (n:Company)-[r]-(m)
WHERE type(r) IN $types
RETURN n.key AS key, type(r) AS type, startNode(r).key AS head, m.key AS other, r.doc AS doc,
       r.quote AS quote, r.field AS field

// name: res_person_edges
// Only what the candidate needs (its ties and documents): at 200k records these are millions
// of rows, and every column returned is parsed.
MATCH (n:Person)-[r]-(m)
WHERE type(r) IN $types
RETURN n.key AS key, type(r) AS type, m.key AS other, r.doc AS doc

// name: res_site_edges
// Only what the candidate needs (its ties and documents): at 200k records these are millions
// of rows, and every column returned is parsed.
MATCH (n:Site)-[r]-(m)
WHERE type(r) IN $types
RETURN n.key AS key, type(r) AS type, m.key AS other, r.doc AS doc

// name: res_possibly_same
MATCH (a:Entity)-[r:POSSIBLY_SAME]->(b:Entity)
WHERE a.key <> b.key
RETURN a.key AS a, b.key AS b, [l IN labels(a) WHERE l <> 'Entity'][0] AS label,
       a.name AS a_name, b.name AS b_name, r.score AS score, r.reason AS reason, r.evidence AS evidence,
       r.fact AS fact
ORDER BY score DESC, a, b
LIMIT $limit

// name: res_possibly_same_of
MATCH (a:Entity {key: $key})-[r:POSSIBLY_SAME]-(b:Entity)
WHERE a.key <> b.key
RETURN b.key AS other, b.name AS other_name, r.score AS score, r.reason AS reason, r.evidence AS evidence
ORDER BY score DESC, other

// name: res_doc_entities
// Entities a document names or involves (for evaluation against ground truth).
UNWIND $docs AS d
MATCH (doc:Document {key: d})-[r:MENTIONS|INVOLVED_IN]-(n:Entity)
RETURN d AS doc, n.key AS key, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, n.name AS name,
       n.merge_log AS merge_log, r.quote AS quote

// name: res_documents_like
// Document keys ending with a record id (truth files may name records without the source).
MATCH (d:Document) WHERE d.key ENDS WITH $suffix RETURN d.key AS key LIMIT 5

// name: res_source_docs_of
MATCH (n:Entity {key: $key})-[r]-(m)
WHERE r.doc IS NOT NULL AND r.doc <> ''
RETURN collect(DISTINCT r.doc) AS docs

// name: res_person_doc_vehicles
// Vehicles and vessels that are parties to the same record as a person (a case's suspects and its 涉案车辆).
MATCH (p:Person)-[:INVOLVED_IN]->(d:Document)<-[:INVOLVED_IN]-(v:Entity)
WHERE (v:Vehicle OR v:Vessel) AND NOT p.key CONTAINS '@'
RETURN p.key AS key, v.key AS other, d.key AS doc

// name: res_nodes
UNWIND $keys AS k
MATCH (n:Entity {key: k})
RETURN n.key AS key, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, properties(n) AS props

// name: res_rels_of_many
UNWIND $keys AS k
MATCH (n:Entity {key: k})-[r]-(m)
RETURN startNode(r).key AS head, type(r) AS type, endNode(r).key AS tail, r.fact AS fact,
       properties(r) AS props

// name: res_set_merge_state_many
UNWIND $rows AS row
MATCH (n:Entity {key: row.key})
SET n.aliases = row.aliases, n.merge_log = row.merge_log
RETURN count(*) AS updated

// name: res_delete_nodes
UNWIND $keys AS k
MATCH (n:Entity {key: k}) DETACH DELETE n

// name: res_explain_counts
MATCH (n:Entity {key: $key})-[r]-(m)
WHERE type(r) <> 'POSSIBLY_SAME'
RETURN count(r) AS rels, count(DISTINCT r.doc) AS docs

// name: res_linked_identifiers
MATCH (n:Entity {key: $key})-[r]-(m:Entity)
WHERE (m:Phone OR m:Vehicle OR m:Vessel) AND type(r) <> 'POSSIBLY_SAME'
RETURN DISTINCT m.key AS key
ORDER BY key
LIMIT $limit

// name: res_facts_from_doc
// Does the node carry a fact asserted by this document (plate reads have no document links)?
MATCH (n:Entity {key: $key})-[r]-()
WHERE r.doc = $doc
RETURN count(r) AS facts

// name: res_person_merge_logs
MATCH (n:Person) WHERE n.merge_log IS NOT NULL AND size(n.merge_log) > 0
RETURN n.key AS key, n.name AS name, n.merge_log AS merge_log

// name: res_split_logs
MATCH (n:Entity) WHERE n.split_log IS NOT NULL AND size(n.split_log) > 0
RETURN n.key AS key, n.split_log AS split_log

// name: res_identifier_keys
// Keys of plates, vessels and phones (label scans: the key index does not serve STARTS WITH).
MATCH (n:Vehicle) RETURN n.key AS key
UNION ALL
MATCH (n:Vessel) RETURN n.key AS key
UNION ALL
MATCH (n:Phone) RETURN n.key AS key

// name: res_located_docs
// Records with coordinates of their own (grid events): tied to the place they stand in.
MATCH (d:Document)
WHERE d.lon IS NOT NULL AND d.lat IS NOT NULL
RETURN d.key AS key, d.lon AS lon, d.lat AS lat

// name: res_doc_areas
// The fields of a document that say which area it is about: a ticket's handling body, a case's
// investigating unit, a grid event's grid.
MATCH (d:Document) WHERE d.key IN $docs
RETURN d.key AS doc, d.handling_unit AS handling_unit, d.unit AS unit, d.grid AS grid

// name: res_site_docs
// The documents that name each of these sites (any relationship carrying one).
UNWIND $keys AS k
MATCH (n:Site {key: k})-[r]-()
WHERE r.doc IS NOT NULL AND r.doc <> ''
RETURN k AS key, collect(DISTINCT r.doc) AS docs
