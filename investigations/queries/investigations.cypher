// Named queries of the investigations layer (link exploration, gangs, chains,
// water, alerts), in the common subset of FalkorDB and Neo4j 5 Cypher.
// Always parameterised; variable-length patterns are always bounded.
// A relationship an analyst rejected (`review = 'rejected'`, api/http/routers/review.py)
// stops counting: every query that reads relationships skips it
// (tests/investigations/test_inv_review.py).

// ---------------------------------------------------------------- exploration

// name: inv_search_small
// Substring scan of the two small vocabularies (waste types, species); the large labels
// are searched through the full-text index (explore.search_entities).
MATCH (n:WasteType)
WHERE 'WasteType' IN $labels
  AND (toLower(n.key) CONTAINS $q OR toLower(coalesce(n.name, '')) CONTAINS $q OR toLower(coalesce(n.code, '')) CONTAINS $q)
RETURN n.key AS key, 'WasteType' AS label, properties(n) AS props
LIMIT $limit
UNION ALL
MATCH (n:Species)
WHERE 'Species' IN $labels AND (toLower(n.key) CONTAINS $q OR toLower(coalesce(n.name, '')) CONTAINS $q)
RETURN n.key AS key, 'Species' AS label, properties(n) AS props
LIMIT $limit

// name: inv_search @falkordb
// A name search in one round trip (search.search_entities), each part bounded:
// - the keys the query names outright ($keys);
// - the people and companies whose name is written exactly as the query ($exact), through
//   their range index, at most $limit a label: a common name's holders are found whatever
//   else holds its characters (a site's name and a vehicle's plate are their keys: $keys);
// - each label's full-text index (bigram query $q; FalkorDB keeps one index per label, so a
//   part per label of dialect.search_labels()): the first $scan_limit matches the index yields,
//   then the $ft_limit shortest names of them, by key ($by_score false), or, for the
//   typo-tolerant query whose score counts the runs of bigrams a node holds ($by_score
//   true), the best-scored.  Every match of the plain query holds all its bigrams, so the
//   shortest are what rapidfuzz ranks first.  The scan cap bounds what a query held by a
//   hundred thousand names costs (sorting a common name's 500 matches was two thirds of the
//   index's time); the exact part keeps whole names first beyond it;
// - a substring scan of the two small vocabularies ($small, $needle).
// rapidfuzz ranks the union.  Each candidate comes as the scalar fields the ranking reads
// (name, title, plate, USCC, resident ID), not as its property map: a map per candidate
// cost more to parse than the ranking; the hits' properties are fetched for the best
// `limit` only (inv_search_props).
// reply: scalar
UNWIND $keys AS k
MATCH (n:Entity {key: k})
RETURN n.key AS key, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, n.name AS name, n.title AS title, n.plate AS plate, n.uscc AS uscc, n.id_card AS id_card
UNION ALL
UNWIND CASE WHEN 'Person' IN $exact_labels THEN $exact ELSE [] END AS written
MATCH (n:Person {name: written})
WITH n LIMIT $limit
RETURN n.key AS key, 'Person' AS label, n.name AS name, n.title AS title, n.plate AS plate, n.uscc AS uscc, n.id_card AS id_card
UNION ALL
UNWIND CASE WHEN 'Company' IN $exact_labels THEN $exact ELSE [] END AS written
MATCH (n:Company {name: written})
WITH n LIMIT $limit
RETURN n.key AS key, 'Company' AS label, n.name AS name, n.title AS title, n.plate AS plate, n.uscc AS uscc, n.id_card AS id_card
UNION ALL
UNWIND CASE WHEN 'Person' IN $ft_labels THEN [$q] ELSE [] END AS text
CALL db.idx.fulltext.queryNodes('Person', text) YIELD node, score
WITH node, score LIMIT $scan_limit
WITH node, score
ORDER BY CASE WHEN $by_score THEN score ELSE 0 END DESC, size(coalesce(node.name, node.plate, '')), node.key
LIMIT $ft_limit
RETURN node.key AS key, 'Person' AS label, node.name AS name, node.title AS title, node.plate AS plate, node.uscc AS uscc, node.id_card AS id_card
UNION ALL
UNWIND CASE WHEN 'Company' IN $ft_labels THEN [$q] ELSE [] END AS text
CALL db.idx.fulltext.queryNodes('Company', text) YIELD node, score
WITH node, score LIMIT $scan_limit
WITH node, score
ORDER BY CASE WHEN $by_score THEN score ELSE 0 END DESC, size(coalesce(node.name, node.plate, '')), node.key
LIMIT $ft_limit
RETURN node.key AS key, 'Company' AS label, node.name AS name, node.title AS title, node.plate AS plate, node.uscc AS uscc, node.id_card AS id_card
UNION ALL
UNWIND CASE WHEN 'Vehicle' IN $ft_labels THEN [$q] ELSE [] END AS text
CALL db.idx.fulltext.queryNodes('Vehicle', text) YIELD node, score
WITH node, score LIMIT $scan_limit
WITH node, score
ORDER BY CASE WHEN $by_score THEN score ELSE 0 END DESC, size(coalesce(node.name, node.plate, '')), node.key
LIMIT $ft_limit
RETURN node.key AS key, 'Vehicle' AS label, node.name AS name, node.title AS title, node.plate AS plate, node.uscc AS uscc, node.id_card AS id_card
UNION ALL
UNWIND CASE WHEN 'Vessel' IN $ft_labels THEN [$q] ELSE [] END AS text
CALL db.idx.fulltext.queryNodes('Vessel', text) YIELD node, score
WITH node, score LIMIT $scan_limit
WITH node, score
ORDER BY CASE WHEN $by_score THEN score ELSE 0 END DESC, size(coalesce(node.name, node.plate, '')), node.key
LIMIT $ft_limit
RETURN node.key AS key, 'Vessel' AS label, node.name AS name, node.title AS title, node.plate AS plate, node.uscc AS uscc, node.id_card AS id_card
UNION ALL
UNWIND CASE WHEN 'Site' IN $ft_labels THEN [$q] ELSE [] END AS text
CALL db.idx.fulltext.queryNodes('Site', text) YIELD node, score
WITH node, score LIMIT $scan_limit
WITH node, score
ORDER BY CASE WHEN $by_score THEN score ELSE 0 END DESC, size(coalesce(node.name, node.plate, '')), node.key
LIMIT $ft_limit
RETURN node.key AS key, 'Site' AS label, node.name AS name, node.title AS title, node.plate AS plate, node.uscc AS uscc, node.id_card AS id_card
UNION ALL
MATCH (n:WasteType)
WHERE 'WasteType' IN $small
  AND (toLower(n.key) CONTAINS $needle OR toLower(coalesce(n.name, '')) CONTAINS $needle
       OR toLower(coalesce(n.code, '')) CONTAINS $needle)
RETURN n.key AS key, 'WasteType' AS label, n.name AS name, n.title AS title, n.plate AS plate, n.uscc AS uscc, n.id_card AS id_card
LIMIT $limit
UNION ALL
MATCH (n:Species)
WHERE 'Species' IN $small AND (toLower(n.key) CONTAINS $needle OR toLower(coalesce(n.name, '')) CONTAINS $needle)
RETURN n.key AS key, 'Species' AS label, n.name AS name, n.title AS title, n.plate AS plate, n.uscc AS uscc, n.id_card AS id_card
LIMIT $limit

// name: inv_search @neo4j
// Neo4j: one full-text index over every label (dialect.FULLTEXT_INDEX, `cjk` analyzer),
// queried once and filtered to $ft_labels; not called at all when $ft_labels is empty.
// Lucene yields its matches best-scored first (BM25 favours short names), so the scan cap
// keeps the first $scan_limit of the labels together.  The other parts as in the FalkorDB form.
UNWIND $keys AS k
MATCH (n:Entity {key: k})
RETURN n.key AS key, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, n.name AS name, n.title AS title, n.plate AS plate, n.uscc AS uscc, n.id_card AS id_card
UNION ALL
UNWIND CASE WHEN 'Person' IN $exact_labels THEN $exact ELSE [] END AS written
MATCH (n:Person {name: written})
WITH n LIMIT $limit
RETURN n.key AS key, 'Person' AS label, n.name AS name, n.title AS title, n.plate AS plate, n.uscc AS uscc, n.id_card AS id_card
UNION ALL
UNWIND CASE WHEN 'Company' IN $exact_labels THEN $exact ELSE [] END AS written
MATCH (n:Company {name: written})
WITH n LIMIT $limit
RETURN n.key AS key, 'Company' AS label, n.name AS name, n.title AS title, n.plate AS plate, n.uscc AS uscc, n.id_card AS id_card
UNION ALL
UNWIND CASE WHEN size($ft_labels) > 0 THEN [$q] ELSE [] END AS text
CALL db.index.fulltext.queryNodes('entity_text_cjk', text) YIELD node, score
WITH node, score, [l IN labels(node) WHERE l <> 'Entity'][0] AS label
WHERE label IN $ft_labels
WITH node, label, score LIMIT $scan_limit
WITH node, label, score
ORDER BY CASE WHEN $by_score THEN score ELSE 0 END DESC, size(coalesce(node.name, node.plate, '')), node.key
LIMIT $ft_limit
RETURN node.key AS key, label, node.name AS name, node.title AS title, node.plate AS plate, node.uscc AS uscc, node.id_card AS id_card
UNION ALL
MATCH (n:WasteType)
WHERE 'WasteType' IN $small
  AND (toLower(n.key) CONTAINS $needle OR toLower(coalesce(n.name, '')) CONTAINS $needle
       OR toLower(coalesce(n.code, '')) CONTAINS $needle)
RETURN n.key AS key, 'WasteType' AS label, n.name AS name, n.title AS title, n.plate AS plate, n.uscc AS uscc, n.id_card AS id_card
LIMIT $limit
UNION ALL
MATCH (n:Species)
WHERE 'Species' IN $small AND (toLower(n.key) CONTAINS $needle OR toLower(coalesce(n.name, '')) CONTAINS $needle)
RETURN n.key AS key, 'Species' AS label, n.name AS name, n.title AS title, n.plate AS plate, n.uscc AS uscc, n.id_card AS id_card
LIMIT $limit

// name: inv_search_props
// The properties of the search hits the ranking kept, without the derived search bigrams.
UNWIND $keys AS k
MATCH (n:Entity {key: k})
RETURN n.key AS key, n {.*, search: null} AS props

// name: inv_search_missing
// Nodes that carry their label's search source (schema.LabelSpec.search_source) but not
// the derived bigram property yet (explore.refresh_search_index).
MATCH (n:Entity)
WHERE n.search IS NULL
  AND ((n:Person AND n.name IS NOT NULL) OR (n:Company AND n.name IS NOT NULL)
       OR (n:Vehicle AND n.plate IS NOT NULL) OR (n:Vessel AND n.name IS NOT NULL) OR (n:Site AND n.name IS NOT NULL))
RETURN n.key AS key, [l IN labels(n) WHERE l <> 'Entity'][0] AS label,
       CASE WHEN n:Vehicle THEN n.plate ELSE n.name END AS value
LIMIT $limit

// name: inv_expand
// One breadth-first step from the frontier, optionally restricted by relationship type and
// by the other end's label; rejected links only when $rejected is true (an analyst reviewing
// them).  The other end's properties come without a document's full text and the derived
// name-search bigrams: the neighbour view never shows them, and a person named in 200 case
// files would otherwise ship every file.
UNWIND $keys AS k
MATCH (n:Entity {key: k})-[r]-(m)
WHERE (size($types) = 0 OR type(r) IN $types) AND ($rejected OR coalesce(r.review, '') <> 'rejected')
  AND (size($labels) = 0 OR any(l IN labels(m) WHERE l IN $labels))
RETURN k AS from, m.key AS to, [l IN labels(m) WHERE l <> 'Entity'][0] AS to_label,
       m {.*, text: null, search: null} AS to_props,
       type(r) AS type, startNode(r).key AS head, endNode(r).key AS tail, properties(r) AS props
LIMIT $limit

// name: inv_neighbourhood
// The first level of the neighbour view in one round trip (explore.neighbours): the start
// node itself (`start` true; its properties without a document's text and the search
// bigrams, which the view drops) and, at most $limit rows, its links as inv_expand returns
// them (same filters, same columns).  No row at all: no such entity.
MATCH (n:Entity {key: $key})
RETURN true AS start, n.key AS from, n.key AS to, [l IN labels(n) WHERE l <> 'Entity'][0] AS to_label,
       n {.*, text: null, search: null} AS to_props, null AS type, null AS head, null AS tail, null AS props
UNION ALL
MATCH (n:Entity {key: $key})-[r]-(m)
WHERE (size($types) = 0 OR type(r) IN $types) AND ($rejected OR coalesce(r.review, '') <> 'rejected')
  AND (size($labels) = 0 OR any(l IN labels(m) WHERE l IN $labels))
RETURN false AS start, n.key AS from, m.key AS to, [l IN labels(m) WHERE l <> 'Entity'][0] AS to_label,
       m {.*, text: null, search: null} AS to_props,
       type(r) AS type, startNode(r).key AS head, endNode(r).key AS tail, properties(r) AS props
LIMIT $limit

// name: inv_path_step
// One breadth-first step of path search (investigations/paths.py): neighbours of the frontier
// over links nobody rejected.  A hub (degree above $hub; 0: no limit) is not expanded
// through unless its key is in $force (the path's own ends): a receiver of 100k manifests
// or a busy checkpoint would flood the search and link everyone to everyone.  Keys and fact
// ids only; the hops of the answer fetch their properties (inv_path_hops).
UNWIND $keys AS k
MATCH (n:Entity {key: k})
WITH k, n, size([(n)--() | 1]) AS degree
WHERE $hub = 0 OR degree <= $hub OR k IN $force
MATCH (n)-[r]-(m)
WHERE coalesce(r.review, '') <> 'rejected'
RETURN k AS from, m.key AS to, type(r) AS type, startNode(r).key AS head, endNode(r).key AS tail, r.fact AS fact
LIMIT $limit

// name: inv_path_hubs
// Which of $keys are hubs (degree above $hub): a path search met them without expanding them.
UNWIND $keys AS k
MATCH (n:Entity {key: k})
WITH k, size([(n)--() | 1]) AS degree
WHERE degree > $hub
RETURN k AS key, degree

// name: inv_path_step @falkordb
// FalkorDB: the hub test counts a node's links only up to $cap ($hub + 1: enough to tell a
// hub) in a subquery, instead of asking the degree functions: indegree(n) + outdegree(n)
// cost ~0.4 ms a node whatever its degree (a step of four nodes on the 1M benchmark graph:
// 3.4 ms with them, 0.8 ms with the capped count), a capped count of a person's five links
// next to nothing, and of a hub's 5,000 no more than the old test.  Otherwise the common
// inv_path_step.
// reply: scalar
UNWIND $keys AS k
MATCH (n:Entity {key: k})
CALL {
  WITH n
  MATCH (n)--()
  WITH 1 AS one LIMIT $cap
  RETURN count(one) AS degree
}
WITH k, n, degree
WHERE $hub = 0 OR degree <= $hub OR k IN $force
MATCH (n)-[r]-(m)
WHERE coalesce(r.review, '') <> 'rejected'
RETURN k AS from, m.key AS to, type(r) AS type, startNode(r).key AS head, endNode(r).key AS tail, r.fact AS fact
LIMIT $limit

// name: inv_path_hubs @falkordb
// FalkorDB: inv_path_hubs with the capped count of inv_path_step @falkordb ($cap = $hub + 1).
UNWIND $keys AS k
MATCH (n:Entity {key: k})
CALL {
  WITH n
  MATCH (n)--()
  WITH 1 AS one LIMIT $cap
  RETURN count(one) AS degree
}
WITH k, degree
WHERE degree > $hub
RETURN k AS key, degree

// name: inv_path_hops
// The relationships a found path runs along ($hops: [{head, tail, type, fact}]), with their
// properties and both ends' labels and properties (no document text, no search bigrams), so
// the answer needs no further query; a relationship written without a fact id is matched by type.
// The degree of the ends in $check (the path's meeting point, reached but never expanded:
// the hub rule must still judge it), 0 for the others: one round trip for both.
UNWIND $hops AS h
MATCH (a:Entity {key: h.head})-[r]->(b:Entity {key: h.tail})
WHERE type(r) = h.type AND (h.fact IS NULL OR r.fact = h.fact) AND coalesce(r.review, '') <> 'rejected'
RETURN a.key AS head, type(r) AS type, b.key AS tail, r.fact AS fact, properties(r) AS props,
       [l IN labels(a) WHERE l <> 'Entity'][0] AS head_label, a {.*, text: null, search: null} AS head_props,
       [l IN labels(b) WHERE l <> 'Entity'][0] AS tail_label, b {.*, text: null, search: null} AS tail_props,
       CASE WHEN a.key IN $check THEN size([(a)--() | 1]) ELSE 0 END AS head_degree,
       CASE WHEN b.key IN $check THEN size([(b)--() | 1]) ELSE 0 END AS tail_degree

// name: inv_path_hops @falkordb
// FalkorDB: inv_path_hops with the checked ends' links counted up to $cap, as in
// inv_path_step @falkordb.
UNWIND $hops AS h
MATCH (a:Entity {key: h.head})-[r]->(b:Entity {key: h.tail})
WHERE type(r) = h.type AND (h.fact IS NULL OR r.fact = h.fact) AND coalesce(r.review, '') <> 'rejected'
CALL {
  WITH a
  WITH a WHERE a.key IN $check
  MATCH (a)--()
  WITH 1 AS one LIMIT $cap
  RETURN count(one) AS head_degree
}
CALL {
  WITH b
  WITH b WHERE b.key IN $check
  MATCH (b)--()
  WITH 1 AS one LIMIT $cap
  RETURN count(one) AS tail_degree
}
RETURN a.key AS head, type(r) AS type, b.key AS tail, r.fact AS fact, properties(r) AS props,
       [l IN labels(a) WHERE l <> 'Entity'][0] AS head_label, a {.*, text: null, search: null} AS head_props,
       [l IN labels(b) WHERE l <> 'Entity'][0] AS tail_label, b {.*, text: null, search: null} AS tail_props,
       head_degree, tail_degree

// name: inv_node_rels
// Every relationship of one node with the other end's label and the props needed for timelines.
MATCH (n:Entity {key: $key})-[r]-(m)
WHERE coalesce(r.review, '') <> 'rejected'
RETURN startNode(r).key AS head, type(r) AS type, endNode(r).key AS tail, properties(r) AS props,
       m.key AS other, [l IN labels(m) WHERE l <> 'Entity'][0] AS other_label,
       m.name AS other_name, m.title AS other_title, m.time AS other_time, m.source AS other_source
LIMIT $limit

// ---------------------------------------------------------------- gangs (projection)

// name: inv_doc_persons
// Co-suspects: persons who are parties (INVOLVED_IN role suspect) of one case, one row per document,
// members in the order the record names them (`rank`: header line, or first mention in the narrative).
MATCH (p:Person)-[r:INVOLVED_IN]->(d:Document)
WHERE (r.role = 'suspect' OR d.source = 'case') AND coalesce(r.review, '') <> 'rejected'
WITH d, p, r ORDER BY d.key, coalesce(r.rank, 1000000), p.key
RETURN d.key AS doc, d.source AS source, d.time AS time, d.cause AS cause, 'case' AS kind,
       collect(DISTINCT p.key) AS members, collect(r.role) AS roles, min(r.rank) AS first_rank
ORDER BY doc
SKIP $skip LIMIT $limit

// name: inv_doc_mentions
MATCH (d:Document)-[m:MENTIONS]->(p:Person)
WHERE d.source IN $sources AND coalesce(m.review, '') <> 'rejected'
RETURN d.key AS doc, d.source AS source, d.time AS time, collect(DISTINCT p.key) AS members
ORDER BY doc
SKIP $skip LIMIT $limit

// name: inv_shared_objects
// Who drives, owns or uses each vehicle, vessel or phone, and how (one row per object and person).
// Read in either direction: an owner or borrower statement may be stored either way round.
MATCH (p:Person)-[r:DRIVES|OWNS|USES_PHONE]-(o)
WHERE (o:Vehicle OR o:Vessel OR o:Phone) AND coalesce(p.role, '') <> 'grid_worker' AND coalesce(r.review, '') <> 'rejected'
RETURN o.key AS object, [l IN labels(o) WHERE l <> 'Entity'][0] AS label, p.key AS person,
       collect(DISTINCT type(r)) AS types, collect(DISTINCT r.doc) AS docs, max(r.last_seen) AS time
ORDER BY object, person
SKIP $skip LIMIT $limit

// name: inv_case_objects
// Cases a vehicle or vessel is party to or named in, with their suspects and narrative (to find each case's principal).
MATCH (v)-[x:INVOLVED_IN|MENTIONS]-(d:Document)<-[r:INVOLVED_IN]-(p:Person)
WHERE (v:Vehicle OR v:Vessel) AND d.source = 'case' AND r.role = 'suspect' AND coalesce(x.review, '') <> 'rejected' AND coalesce(r.review, '') <> 'rejected'
RETURN v.key AS object, [l IN labels(v) WHERE l <> 'Entity'][0] AS label, d.key AS doc, d.time AS time, d.text AS text,
       collect(DISTINCT p.key) AS members, collect(p.name) AS names
ORDER BY object, doc
SKIP $skip LIMIT $limit

// name: inv_case_vehicles
// Vehicles and vessels party to the given documents.  The label test comes after a WITH:
// written in the MATCH's WHERE, FalkorDB starts from `v` and scans every node once per
// document (an All Node Scan under the Unwind: 7 minutes for 5,000 cases at 220k records).
UNWIND $docs AS dk
MATCH (d:Document {key: dk})<-[r:INVOLVED_IN]-(v)
WITH dk, r, v
WHERE (v:Vehicle OR v:Vessel) AND coalesce(r.review, '') <> 'rejected'
RETURN dk AS doc, v.key AS object, [l IN labels(v) WHERE l <> 'Entity'][0] AS label

// name: inv_co_offender
MATCH (a:Person)-[r:CO_OFFENDER]->(b:Person)
WHERE coalesce(r.review, '') <> 'rejected'
RETURN a.key AS a, b.key AS b, r.doc AS doc, coalesce(r.last_seen, r.first_seen) AS time
ORDER BY a, b, doc
SKIP $skip LIMIT $limit

// name: inv_checkpoint_reads
// Plate reads at checkpoints, for the co-travel window join.
MATCH (v:Vehicle)-[s:SEEN_AT]->(c:Site)
WHERE coalesce(s.review, '') <> 'rejected'
RETURN c.key AS site, v.key AS vehicle, s.time AS time, s.doc AS doc
ORDER BY site, time, vehicle
SKIP $skip LIMIT $limit

// name: inv_vehicle_people
// Who drives or owns each vehicle / vessel (either direction).  From the persons, with the
// label test after a WITH (in the MATCH's WHERE it made FalkorDB scan every node per page).
MATCH (p:Person)-[r:DRIVES|OWNS]-(v)
WITH p, r, v
WHERE (v:Vehicle OR v:Vessel) AND coalesce(r.review, '') <> 'rejected'
RETURN v.key AS vehicle, collect(DISTINCT p.key) AS people
ORDER BY vehicle
SKIP $skip LIMIT $limit

// name: inv_site_links
// Where the given checkpoints stand (LOCATED_IN / LOCATED_AT another site: a village, a pit),
// with the other sites that stand in the same place (convoy: near a sensitive site).
UNWIND $keys AS k
MATCH (c:Site {key: k})-[r:LOCATED_IN|LOCATED_AT]->(s:Site)
WHERE coalesce(r.review, '') <> 'rejected'
OPTIONAL MATCH (s)<-[r2:LOCATED_IN|LOCATED_AT]-(t:Site)
WHERE coalesce(r2.review, '') <> 'rejected' AND t.key <> k
RETURN k AS site, s.key AS target, collect(DISTINCT t.key) AS siblings

// name: inv_people_by_keys
UNWIND $keys AS k
MATCH (p:Person {key: k})
RETURN p.key AS key, p.name AS name, p.id_card AS id_card

// name: inv_person_objects
// Vehicles and vessels of a set of persons (gang output).
UNWIND $keys AS k
MATCH (p:Person {key: k})-[r:DRIVES|OWNS]-(v)
WHERE (v:Vehicle OR v:Vessel) AND coalesce(r.review, '') <> 'rejected'
RETURN DISTINCT p.key AS person, v.key AS object, [l IN labels(v) WHERE l <> 'Entity'][0] AS label

// ---------------------------------------------------------------- gangs (write-back)

// name: inv_delete_gangs
MATCH (g:Gang) DETACH DELETE g

// name: inv_write_gangs
// Create the Gang nodes of one batch and their MEMBER_OF edges (old gangs were deleted first).
// Each MEMBER_OF carries the rules that admitted the member and their evidence (JSON text).
UNWIND $gangs AS g
CREATE (x:Gang:Entity {key: g.key, name: g.name, score: g.score, rank: g.rank, size: g.size, leader: g.leader,
                       cases: g.cases, vehicles: g.vehicles, vessels: g.vessels, evidence: g.evidence,
                       method: 'inferred'})
WITH x, g
UNWIND range(0, size(g.members) - 1) AS i
MATCH (p:Person {key: g.members[i]})
CREATE (p)-[:MEMBER_OF {score: g.ms[i], leader: g.members[i] = g.leader, doc: g.key, method: 'inferred',
                        confidence: g.score, quote: '', fact: g.key + '|' + g.members[i],
                        rules: g.rules[i], evidence: g.ev[i]}]->(x)

// ---------------------------------------------------------------- waste chains

// name: inv_manifests
// Transfer manifests (producer → receiver), optionally for one company.
MATCH (p:Company)-[t:TRANSFERRED_WASTE]->(r)
WHERE ($company IS NULL OR p.key = $company OR r.key = $company) AND coalesce(t.review, '') <> 'rejected'
RETURN p.key AS producer, p.name AS producer_name, r.key AS receiver, r.name AS receiver_name,
       [l IN labels(r) WHERE l <> 'Entity'][0] AS receiver_label, properties(r) AS receiver_props,
       t.doc AS doc, t.manifest AS manifest, t.time AS time, t.tons AS tons, t.waste AS waste, t.waste_code AS waste_code

// name: inv_doc_parties
// The parties of the given documents (manifest: producer, carrier, receiver, vehicle, driver; case: suspects…).
UNWIND $docs AS dk
MATCH (a)-[r:INVOLVED_IN]->(d:Document {key: dk})
WHERE coalesce(r.review, '') <> 'rejected'
RETURN dk AS doc, a.key AS key, [l IN labels(a) WHERE l <> 'Entity'][0] AS label, a.name AS name, a.plate AS plate,
       r.role AS role

// name: inv_transport_facts
// Transport relationships (carrier / vehicle / driver → producer) with their documents.
MATCH (a)-[r:TRANSPORTS]->(p:Company)
WHERE coalesce(r.review, '') <> 'rejected'
RETURN r.doc AS doc, a.key AS head, [l IN labels(a) WHERE l <> 'Entity'][0] AS head_label, a.name AS head_name,
       p.key AS producer

// name: inv_drives
MATCH (p:Person)-[r:DRIVES]->(v)
WHERE coalesce(r.review, '') <> 'rejected'
RETURN p.key AS person, p.name AS name, v.key AS vehicle, r.doc AS doc

// name: inv_dumped
MATCH (a)-[r:DUMPED_AT]->(s:Site)
WHERE coalesce(r.review, '') <> 'rejected'
RETURN a.key AS who, [l IN labels(a) WHERE l <> 'Entity'][0] AS label, s.key AS site, s.name AS site_name,
       s.kind AS site_kind, r.doc AS doc

// name: inv_sites
MATCH (s:Site)
RETURN s.key AS key, s.name AS name, s.kind AS kind, s.lon AS lon, s.lat AS lat, properties(s) AS props

// name: inv_vehicle_reads
// Reads of the given vehicles (night and route checks).
UNWIND $keys AS k
MATCH (v:Vehicle {key: k})-[s:SEEN_AT]->(c:Site)
WHERE coalesce(s.review, '') <> 'rejected'
RETURN v.key AS vehicle, c.key AS site, c.name AS site_name, c.kind AS site_kind, s.time AS time, s.doc AS doc

// name: inv_complaints
// Hotline tickets and grid events with what they mention and where they are, both as
// pattern comprehensions, not OPTIONAL MATCH and collect(DISTINCT): that grouped every
// (mention, site) row by eleven columns, the text among them (0.9 -> 0.65 s at 19.5k
// complaints).  A list may repeat a key (two facts, one entity); every reader takes them as sets.
MATCH (d:Document)
WHERE d.source IN ['hotline', 'grid']
RETURN d.key AS doc, d.source AS source, d.time AS time, d.lon AS lon, d.lat AS lat, d.text AS text,
       d.reply AS reply, d.result AS result, d.category AS category, d.event_type AS event_type, d.address AS address,
       [(d)-[m:MENTIONS]->(e) WHERE coalesce(m.review, '') <> 'rejected' | e.key] AS mentions,
       [(d)-[l:LOCATED_AT]->(s:Site) WHERE coalesce(l.review, '') <> 'rejected' | s.key] AS sites

// name: inv_companies
MATCH (c:Company)
RETURN c.key AS key, c.name AS name, properties(c) AS props

// ---------------------------------------------------------------- water

// name: inv_station
// A monitoring station and the segments it monitors (a river segment: itself, no segments).
MATCH (st:Site {key: $station})
OPTIONAL MATCH (st)-[m:MONITORS]->(seg:Site)
WHERE coalesce(m.review, '') <> 'rejected'
RETURN st.key AS station, st.name AS name, st.kind AS kind, collect(DISTINCT seg.key) AS segments

// name: inv_station_readings
MATCH (d:Document)-[l:LOCATED_AT]->(st:Site {key: $station})
WHERE coalesce(l.review, '') <> 'rejected'
RETURN d.key AS doc, d.indicator AS indicator, d.value AS value, d.exceeded AS exceeded, d.time AS time

// name: inv_upstream_outfalls
// Outfalls discharging into one of $segments or any segment up to 12 hops upstream of it;
// `seg_path`: the segments from the outfall's down to the given one.  The WITH keeps
// FalkorDB from planning the upstream walk from a scan of every Site, once per segment.
UNWIND $segments AS sk
MATCH (seg:Site {key: sk})
WITH seg
MATCH p = (up:Site)-[:FLOWS_INTO*0..12]->(seg)
WHERE all(f IN relationships(p) WHERE coalesce(f.review, '') <> 'rejected')
MATCH (o:Site)-[d:DISCHARGES_INTO]->(up)
WHERE coalesce(d.review, '') <> 'rejected'
OPTIONAL MATCH (c:Company)-[w:OWNS]->(o)
WHERE coalesce(w.review, '') <> 'rejected'
RETURN o.key AS outfall, o.name AS outfall_name, o.lon AS lon, o.lat AS lat, up.key AS segment,
       length(p) AS seg_hops, [n IN nodes(p) | n.key] AS seg_path, c.key AS company, c.name AS company_name

// name: inv_site_names
UNWIND $keys AS k
MATCH (s:Site {key: k})
RETURN s.key AS key, s.name AS name, s.kind AS kind

// name: inv_water_sites
// Monitoring stations and river segments (the upstream view's picker), with how many
// readings exceeded at each station.
MATCH (s:Site)
WHERE s.kind IN ['station', 'segment']
OPTIONAL MATCH (d:Document)-[l:LOCATED_AT]->(s)
WHERE (d.exceeded = true OR d.exceeded = 'true' OR d.exceeded = '是') AND coalesce(l.review, '') <> 'rejected'
RETURN s.key AS key, s.name AS name, s.kind AS kind, count(d) AS exceedances
ORDER BY kind DESC, key

// name: inv_company_waste
// Waste a company ships (codes, names) and when, for pollutant and timing match.
UNWIND $keys AS k
MATCH (c:Company {key: k})-[t:TRANSFERRED_WASTE]->()
WHERE coalesce(t.review, '') <> 'rejected'
RETURN c.key AS company, t.waste_code AS waste_code, t.waste AS waste, t.tons AS tons, t.time AS time

// name: inv_all_reads
// Every plate read, in one answer and unordered: the detectors hold them all in memory anyway,
// and paged with ORDER BY ... SKIP the store matched and sorted every read once per page
// (three times at 130k reads); the caller sorts (detectors.read_times).
MATCH (v:Vehicle)-[s:SEEN_AT]->(c:Site)
WHERE coalesce(s.review, '') <> 'rejected'
RETURN v.key AS vehicle, v.plate AS plate, c.key AS site, s.time AS time, s.doc AS doc

// name: inv_company_docs
// Documents that mention or involve the given companies or outfalls.
UNWIND $keys AS k
MATCH (e:Entity {key: k})-[r:MENTIONS|INVOLVED_IN]-(d:Document)
WHERE coalesce(r.review, '') <> 'rejected'
RETURN k AS key, d.key AS doc, d.source AS source, d.time AS time, d.category AS category, d.text AS text

// ---------------------------------------------------------------- alerts

// name: inv_delete_alerts
MATCH (a:Alert) WHERE a.detector IN $detectors DETACH DELETE a

// name: inv_write_alerts
UNWIND $rows AS row
MERGE (a:Alert:Entity {key: row.key})
SET a += row.props

// name: inv_write_flags
UNWIND $rows AS row
MATCH (a:Alert {key: row.alert})
MATCH (e:Entity {key: row.target})
CREATE (a)-[:FLAGS {fact: row.fact, doc: row.alert, method: 'inferred', confidence: row.score, quote: ''}]->(e)

// name: inv_list_alerts
MATCH (a:Alert)
OPTIONAL MATCH (a)-[f:FLAGS]->(e)
WHERE coalesce(f.review, '') <> 'rejected'
RETURN a.key AS key, properties(a) AS props, collect(e.key) AS targets

// name: inv_gang_vehicles
// The vehicles of the stored gangs (listed on the Gang node at write-back).
MATCH (g:Gang)
UNWIND coalesce(g.vehicles, []) AS plate
RETURN g.key AS gang, 'vehicle:' + plate AS vehicle

// name: inv_gang_member_vehicles
// Each stored gang's members, the rules that admitted them (MEMBER_OF.rules) and the
// vehicles they hold: those they drive or own, and those named in a case file they are
// party to (every party, where gang detection's `ties.object_holders` names only the
// case's principal: a companion car is one no otherwise admitted member holds at all).
MATCH (p:Person)-[m:MEMBER_OF]->(g:Gang)
OPTIONAL MATCH (p)-[r:DRIVES|OWNS]-(v:Vehicle)
WHERE coalesce(r.review, '') <> 'rejected'
WITH g, p, m, collect(DISTINCT v.key) AS own
OPTIONAL MATCH (p)-[:INVOLVED_IN]->(d:Document)<-[r2:INVOLVED_IN]-(w:Vehicle)
WHERE d.source = 'case' AND coalesce(r2.review, '') <> 'rejected'
RETURN g.key AS gang, p.key AS person, m.rules AS rules, own, collect(DISTINCT w.key) AS cased
ORDER BY gang, person
SKIP $skip LIMIT $limit

// name: inv_case_docs
// Case files with their cause and narrative (case-based waste chains).
MATCH (d:Document)
WHERE d.source = 'case'
RETURN d.key AS doc, d.cause AS cause, d.text AS text, d.time AS time
ORDER BY doc

// name: inv_doc_sites
// Sites the given documents mention or are located at (how: LOCATED_AT or MENTIONS).
UNWIND $docs AS dk
MATCH (d:Document {key: dk})-[r:MENTIONS|LOCATED_AT]->(s:Site)
WHERE coalesce(r.review, '') <> 'rejected'
RETURN dk AS doc, s.key AS site, s.name AS name, s.kind AS kind, type(r) AS how

// name: inv_located_in
// Which village or site each site stands in (resolution.locate).
MATCH (s:Site)-[l:LOCATED_IN]->(p:Site)
WHERE coalesce(l.review, '') <> 'rejected'
RETURN s.key AS site, p.key AS place

// name: inv_sites_on_record
// Which of the given sites some document records as its address (LOCATED_AT) or says waste was dumped at.
UNWIND $keys AS k
MATCH (s:Site {key: k})<-[r:LOCATED_AT|DUMPED_AT]-()
WHERE coalesce(r.review, '') <> 'rejected'
RETURN DISTINCT k AS key
