// The Oxigraph side of bench/sparql_bench (npm `oxigraph`: a Rust SPARQL engine
// built to WebAssembly, one thread, in-memory store):
//   node oxigraph-reference.mjs NODE_MODULES DUMP.nt SAMPLES QUERY_FILE...
// Loads the N-Triples dump (read in 16 MiB chunks, parsed as one document so
// blank-node labels stay shared), then runs each query SAMPLES times in process
// with SPARQL JSON results (the format the endpoint is timed with). Prints one
// JSON object: {load_seconds, triples, queries: [{median_seconds, rows}]}.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [modules, dump, samplesText, ...queryFiles] = process.argv.slice(2);
const require = createRequire(path.join(modules, 'noop.js'));
const oxigraph = require('oxigraph');

function* chunks(file) {
  const fd = fs.openSync(file, 'r');
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(16 << 20);
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) return;
      yield buffer.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

const loadStart = process.hrtime.bigint();
const store = new oxigraph.Store();
store.load(chunks(dump), { format: 'application/n-triples', no_transaction: true });
const loadSeconds = seconds(loadStart);

const samples = Number(samplesText);
const queries = queryFiles.map((file) => {
  const query = fs.readFileSync(file, 'utf8');
  const run = () => store.query(query, { results_format: 'application/sparql-results+json' });
  const rows = JSON.parse(run()).results.bindings.length;  // warm-up and row count
  const times = [];
  for (let i = 0; i < samples; ++i) {
    const start = process.hrtime.bigint();
    run();
    times.push(seconds(start));
  }
  times.sort((a, b) => a - b);
  return { median_seconds: times[Math.floor(times.length / 2)], rows };
});
console.log(JSON.stringify({ load_seconds: loadSeconds, triples: store.size, queries }));
