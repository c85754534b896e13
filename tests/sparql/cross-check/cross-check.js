// The SPARQL cross-check (run by run-cross-check; docs/sparql.md "Cross-check"):
//   node cross-check.js BASE_URL FIXTURES_DIR WORK_DIR COMUNICA_BIN
// Uploads FIXTURES_DIR/*.xml, saves GET /query/export.nt, then for every query of
// queries.js compares three answers as sorted sets of normalised rows:
//   reference: roqet (rasqal) over the N-Triples export, no server involved;
//   comunica-sparql against /query (SPARQL 1.1 Protocol, JSON results);
//   roqet -p against /query (XML results); for ASK the server's XML read directly,
//   because roqet -p cannot read boolean results (see below).
// Normalisation: IRIs as <iri>; every blank node as _: (labels are per engine);
// literals as "lexical" with @lang or ^^datatype (xsd:string dropped: SPARQL 1.1
// and RDF 1.0 engines disagree on writing it); xsd:integer in canonical form.
// Exits 1 naming each query whose answers differ, with both row sets.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const [base, fixtures, work, comunica] = process.argv.slice(2);
const endpoint = base + 'query';
const XSD = 'http://www.w3.org/2001/XMLSchema#';

function term(t) {
  if (t.type === 'uri') return `<${t.value}>`;
  if (t.type === 'bnode') return '_:';
  let value = t.value;
  if (t.datatype === XSD + 'integer' && /^[+-]?\d+$/.test(value)) value = BigInt(value).toString();
  let s = JSON.stringify(value);
  if (t.lang) s += '@' + t.lang.toLowerCase();
  else if (t.datatype && t.datatype !== XSD + 'string') s += `^^<${t.datatype}>`;
  return s;
}

function rowKey(vars, row) {
  return vars.map((v) => `${v}=${row[v] ? term(row[v]) : 'UNBOUND'}`).join('  ');
}

// SPARQL Query Results JSON (comunica) -> {boolean} or {vars, rows: sorted keys}.
function fromJson(text) {
  const doc = JSON.parse(text);
  if ('boolean' in doc) return { boolean: doc.boolean };
  const vars = [...doc.head.vars].sort();
  const rows = doc.results.bindings.map((b) => {
    const row = {};
    for (const [k, v] of Object.entries(b)) {
      row[k] = { type: v.type === 'typed-literal' ? 'literal' : v.type, value: v.value,
        datatype: v.datatype, lang: v['xml:lang'] };
    }
    return rowKey(vars, row);
  });
  return { vars, rows: rows.sort() };
}

const unescapeXml = (s) => s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#\d+);/g, (m, e) => {
  const named = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  if (e in named) return named[e];
  return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
});

// SPARQL Query Results XML as roqet writes it -> same shape as fromJson.
function fromXml(text) {
  const bool = /<boolean>\s*(true|false)\s*<\/boolean>/.exec(text);
  if (bool) return { boolean: bool[1] === 'true' };
  const vars = [...text.matchAll(/<variable name="([^"]+)"\s*\/>/g)].map((m) => m[1]).sort();
  const rows = [...text.matchAll(/<result>([\s\S]*?)<\/result>/g)].map((r) => {
    const row = {};
    for (const b of r[1].matchAll(/<binding name="([^"]+)">\s*<(uri|bnode|literal)([^>]*)>([\s\S]*?)<\/\2>\s*<\/binding>/g)) {
      const attrs = b[3];
      const dt = /datatype="([^"]*)"/.exec(attrs);
      const lang = /xml:lang="([^"]*)"/.exec(attrs);
      row[b[1]] = { type: b[2], value: unescapeXml(b[4]), datatype: dt && unescapeXml(dt[1]),
        lang: lang && lang[1] };
    }
    return rowKey(vars, row);
  });
  return { vars, rows: rows.sort() };
}

// The client's standard output; throws with its stderr when it failed. roqet
// exits 2 after warnings with a complete answer (e.g. on any aggregate query).
function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  const warned = r.status === 2 && path.basename(cmd) === 'roqet' && r.stdout.includes('</sparql>');
  if (r.error || (r.status !== 0 && !warned)) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.error || r.stderr.trim()}`);
  }
  return r.stdout;
}

// The server's own XML answer (for ASK; see below).
async function served(query) {
  const r = await fetch(endpoint + '?query=' + encodeURIComponent(query),
    { headers: { Accept: 'application/sparql-results+xml' } });
  if (r.status !== 200) throw new Error(`GET /query: ${r.status} ${await r.text()}`);
  return fromXml(await r.text());
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const show = (a) => ('boolean' in a ? `ASK ${a.boolean}` :
  `${a.rows.length} rows, vars ${a.vars.join(' ')}\n        ` + a.rows.join('\n        '));

async function upload() {
  const names = fs.readdirSync(fixtures).filter((n) => n.endsWith('.xml')).sort();
  for (const name of names) {
    const r = await fetch(base + 'metadata', { method: 'POST',
      headers: { 'Content-Type': 'application/rdf+xml' },
      body: fs.readFileSync(path.join(fixtures, name)) });
    if (r.status !== 201) throw new Error(`upload ${name}: ${r.status} ${await r.text()}`);
  }
  return names.length;
}

// The graph is built in the background and fed by uploads: wait for every entry.
async function waitForEntries(n) {
  const count = 'SELECT (COUNT(?x) AS ?n) WHERE { ?x <http://purl.org/dc/terms/identifier> ?i }';
  for (let i = 0; i < 400; ++i) {
    const r = await fetch(endpoint + '?query=' + encodeURIComponent(count),
      { headers: { Accept: 'application/sparql-results+json' } });
    if (r.status === 200) {
      const got = (await r.json()).results.bindings[0].n.value;
      if (got === String(n)) return;
    }
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error(`the graph never reached ${n} entries`);
}

async function main() {
  const entries = await upload();
  await waitForEntries(entries);
  const exported = await fetch(endpoint + '/export.nt');
  if (exported.status !== 200) throw new Error(`GET /query/export.nt: ${exported.status}`);
  const nt = path.join(work, 'export.nt');
  fs.writeFileSync(nt, await exported.text());

  const queries = require('./queries.js')(entries);
  let failed = 0;
  for (const q of queries) {
    const qfile = path.join(work, 'query.rq');
    fs.writeFileSync(qfile, q.query);
    const answers = {};
    const problems = [];
    try {
      answers.reference = fromXml(run('roqet', ['-q', '-i', 'sparql11-query', '-F', 'ntriples',
        '-D', nt, '-r', 'xml', qfile]));
      answers.comunica = fromJson(run(comunica, [`sparql@${endpoint}`, '-f', qfile,
        '-t', 'application/sparql-results+json']));
      if ('boolean' in q) {
        // rasqal 0.9.33's results reader keeps only bindings: `roqet -p` turns any
        // boolean document into an empty table, so ASK is read from the server's XML.
        answers['/query XML'] = await served(q.query);
      } else {
        answers['roqet -p'] = fromXml(run('roqet', ['-q', '-i', 'sparql11-query', '-p', endpoint,
          '-r', 'xml', qfile]));
      }
    } catch (e) {
      problems.push(`a client failed: ${e.message}`);
    }
    const ref = answers.reference;
    if (ref) {
      if ('boolean' in q && ref.boolean !== q.boolean) {
        problems.push(`reference ASK answer ${ref.boolean}, expected ${q.boolean}`);
      }
      if (q.min !== undefined && !(ref.rows && ref.rows.length >= q.min)) {
        problems.push(`reference gave ${ref.rows ? ref.rows.length : 'no'} rows, expected >= ${q.min}`);
      }
      if (q.max !== undefined && ref.rows && ref.rows.length > q.max) {
        problems.push(`reference gave ${ref.rows.length} rows, expected <= ${q.max}`);
      }
      for (const [client, answer] of Object.entries(answers)) {
        if (client !== 'reference' && !same(answer, ref)) {
          problems.push(`${client} differs from the reference:\n      ${client}: ${show(answer)}\n` +
            `      reference: ${show(ref)}`);
        }
      }
    }
    const size = ref ? ('boolean' in ref ? `ASK ${ref.boolean}` : `${ref.rows.length} rows`) : '?';
    if (problems.length) {
      ++failed;
      console.log(`FAIL ${q.name}\n  ${problems.join('\n  ')}`);
    } else {
      console.log(`ok   ${q.name} (${size}; ${Object.keys(answers).join(', ')} agree)`);
    }
  }
  console.log(`${queries.length - failed} of ${queries.length} queries agree` +
    ` (${entries} entries, ${fs.readFileSync(nt, 'utf8').split('\n').length - 1} triples)`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(String(e.stack || e));
  process.exit(1);
});
