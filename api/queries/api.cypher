// Named queries of the API layer (review decisions, prosecutor scope, map, documents).
// Common subset of FalkorDB and Neo4j 5 Cypher; always parameterised.

// name: api_review_relationship
// An analyst's decision on one asserted relationship (identified by its `fact`).
// `review` is the property investigations read: "rejected" links stop counting.
MATCH (a:Entity {key: $head})-[r]->(b:Entity {key: $tail})
WHERE type(r) = $type AND r.fact = $fact
SET r.review = $review, r.review_reason = $reason, r.reviewed_by = $user, r.reviewed_at = $at
RETURN a.key AS head, type(r) AS type, b.key AS tail, properties(r) AS props

// name: api_rels_between
// Every relationship between two entities, either direction (all sources of one hop).
MATCH (a:Entity {key: $a})-[r]-(b:Entity {key: $b})
RETURN startNode(r).key AS head, type(r) AS type, endNode(r).key AS tail, properties(r) AS props

// name: api_doc_mentions
// Entity spans of one document: MENTIONS offsets into its text.
MATCH (d:Document {key: $doc})-[r:MENTIONS]->(e)
WHERE coalesce(r.review, '') <> 'rejected'
RETURN e.key AS key, [l IN labels(e) WHERE l <> 'Entity'][0] AS label, e.name AS name, e.plate AS plate,
       r.start AS start, r.end AS end, r.quote AS quote, r.field AS field
ORDER BY start

// name: api_doc_neighbourhood
// The entities one hop from the given documents (a shared case's parties, mentions, places).
UNWIND $docs AS dk
MATCH (d:Document {key: dk})-[r]-(e)
WHERE coalesce(r.review, '') <> 'rejected'
RETURN DISTINCT e.key AS key

// name: api_keys_like
// Resolve a masked key: candidates with the same visible prefix and suffix.
MATCH (n:Entity)
WHERE n.key STARTS WITH $prefix AND n.key ENDS WITH $suffix
RETURN n.key AS key
LIMIT 50

// name: api_stored_gangs
// Gangs written back by gang detection, one row per membership.
MATCH (g:Gang)
OPTIONAL MATCH (p:Person)-[m:MEMBER_OF]->(g)
WHERE coalesce(m.review, '') <> 'rejected'
RETURN g.key AS gang, properties(g) AS props, p.key AS member, p.name AS name, p.id_card AS id_card,
       m.leader AS leader, m.score AS score, m.evidence AS evidence
ORDER BY gang, member

// name: api_sites_with_coords
MATCH (s:Site)
WHERE s.lon IS NOT NULL AND s.lat IS NOT NULL
RETURN s.key AS key, s.name AS name, s.kind AS kind, s.lon AS lon, s.lat AS lat
LIMIT $limit

// name: api_cases
MATCH (d:Document)
WHERE d.source = 'case'
RETURN d.key AS key, d.title AS title, d.time AS time, d.record_id AS record_id
ORDER BY key
LIMIT $limit

// name: api_gang_member_vehicles
// Vehicles and vessels the members of stored gangs drive or own (the label test after a
// WITH: in the MATCH's WHERE, FalkorDB starts from `v` with a scan of every node).
MATCH (p:Person)-[m:MEMBER_OF]->(g:Gang)
WHERE coalesce(m.review, '') <> 'rejected'
MATCH (p)-[r:DRIVES|OWNS]->(v)
WITH g, r, v
WHERE (v:Vehicle OR v:Vessel) AND coalesce(r.review, '') <> 'rejected'
RETURN DISTINCT g.key AS gang, v.key AS object, [l IN labels(v) WHERE l <> 'Entity'][0] AS label

// name: api_reviewed_memberships
// Gang memberships an analyst confirmed or rejected (re-detection must not lose them).
MATCH (p:Person)-[m:MEMBER_OF]->(g:Gang)
WHERE m.review IS NOT NULL
RETURN p.key AS person, g.key AS gang, properties(m) AS props, properties(g) AS gang_props

// name: api_restore_memberships
// Put reviewed memberships back after a write-back: onto the re-detected gang of the same key,
// else onto their old gang, kept for the decision (`kept_for_review`).
UNWIND $rows AS r
MATCH (p:Person {key: r.person})
MERGE (g:Gang {key: r.gang})
ON CREATE SET g = r.gang_props, g.kept_for_review = true
SET g:Entity
MERGE (p)-[m:MEMBER_OF {fact: r.fact}]->(g)
SET m = r.props
RETURN count(m) AS restored

// name: api_document_sources
// The record sources in the store: how many Documents each holds and one key to open (the workbench's source list).
MATCH (d:Document)
RETURN d.source AS source, count(*) AS n, min(d.key) AS example
ORDER BY source

// name: api_record_event_docs
// Document keys of records stored as their relationship (plate reads: SEEN_AT with a `doc`).
MATCH (:Site)<-[r:SEEN_AT]-()
WHERE r.doc IS NOT NULL
RETURN r.doc AS doc
LIMIT $limit

// name: api_alert_set_status
// An analyst's decision on an alert: acknowledged, assigned (to a user) or dismissed, with the reason.
MATCH (a:Alert {key: $key})
SET a.status = $status, a.status_reason = $reason, a.status_by = $user, a.status_at = $at, a.assignee = $assignee
RETURN a.key AS key, a.status AS status, a.status_reason AS status_reason, a.status_by AS status_by,
       a.status_at AS status_at, a.assignee AS assignee

// name: api_alert_statuses
// The decisions taken on alerts (merged into the alert list).
MATCH (a:Alert)
WHERE a.status IS NOT NULL
RETURN a.key AS key, a.status AS status, a.status_reason AS status_reason, a.status_by AS status_by,
       a.status_at AS status_at, a.assignee AS assignee

// name: api_incidents_with_coords
// Grid reports with the place they were filed from (the map's incident layer).
MATCH (d:Document)
WHERE d.source = 'grid' AND d.lon IS NOT NULL AND d.lat IS NOT NULL
RETURN d.key AS key, d.title AS name, d.time AS time, d.lon AS lon, d.lat AS lat, d.event_type AS event_type
LIMIT $limit
