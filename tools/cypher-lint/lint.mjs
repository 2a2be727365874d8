#!/usr/bin/env node
// Lint Cypher statements with Neo4j's own linter (@neo4j-cypher/language-support).
//
// stdin: JSON, either a list of statements or
//   {"statements": [...], "schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]}}
// where each statement is a string or {"id": "where it comes from", "text": "MATCH ..."}.
//
// Prints one line per diagnostic; exits 1 when any error-severity diagnostic is found
// (warnings, e.g. a property key the schema does not list, are printed but do not fail).
// `--json` prints {"results": [{"id", "errors": [...], "warnings": [...]}], "errors": N} instead.
//
// Parameters are bound at run time, so "Parameter $x is not defined" is not an error here
// (isNotParamError).  Procedures and functions are checked against the Neo4j 5 registry
// shipped with the package (testData.mockSchema), so a FalkorDB-only procedure such as
// db.idx.fulltext.queryNodes is an error in a statement meant for Neo4j.
import { lintCypherQuery, isNotParamError, testData } from '@neo4j-cypher/language-support';

const ERROR = 1; // vscode DiagnosticSeverity.Error
const WARNING = 2;

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

const asJson = process.argv.includes('--json');
const input = JSON.parse(await readStdin());
const list = Array.isArray(input) ? input : input.statements ?? [];
const given = Array.isArray(input) ? {} : input.schema ?? {};
const mock = testData.mockSchema;
const dbSchema = {
  labels: given.labels,
  relationshipTypes: given.relationshipTypes,
  propertyKeys: given.propertyKeys,
  procedures: mock.procedures,
  functions: mock.functions,
  defaultLanguage: given.defaultLanguage ?? 'CYPHER 5',
};

const results = [];
let nErrors = 0;
list.forEach((item, i) => {
  const id = typeof item === 'string' ? `#${i}` : item.id ?? `#${i}`;
  const text = typeof item === 'string' ? item : item.text;
  const { diagnostics } = lintCypherQuery(text, dbSchema);
  const kept = diagnostics.filter(isNotParamError);
  const fmt = (d) => ({ message: d.message, offset: d.offsets?.start ?? null, line: d.range?.start?.line ?? null });
  const errors = kept.filter((d) => d.severity === ERROR).map(fmt);
  const warnings = kept.filter((d) => d.severity === WARNING).map(fmt);
  nErrors += errors.length;
  results.push({ id, errors, warnings });
  if (!asJson) {
    for (const e of errors) console.log(`ERROR   ${id}: ${e.message}\n        ${text.replace(/\n/g, '\n        ')}`);
    for (const w of warnings) console.log(`warning ${id}: ${w.message}`);
  }
});

if (asJson) {
  console.log(JSON.stringify({ results, errors: nErrors, statements: list.length }));
} else {
  console.log(`${list.length} statements, ${nErrors} errors`);
}
process.exitCode = nErrors > 0 ? 1 : 0; // not process.exit(): it would cut a piped stdout short
