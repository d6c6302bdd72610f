// Benchmark 7: what a consumer ships for put + range. Each entry is bundled by esbuild (minify, tree shaking,
// ESM, platform browser) and gzipped (level 9). etcd3 is bundled for Node for comparison.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { generatedDir, prepare } from './lib/prepare.mjs';
import { benchModules, cli, ETCD_VERSION, specsDir, workDir } from './lib/paths.mjs';
import { timeCommand } from './lib/processes.mjs';
import { recordResult } from './lib/results.mjs';
import { bytes, load, table } from './lib/stats.mjs';

const TARGET = 4 * 1024;
await prepare();
const dir = join(workDir, 'size');
mkdirSync(dir, { recursive: true });
const client = (file) => JSON.stringify(join(generatedDir, file));

// The kv-only client of the target: `generate --services kv`, as a browser app that only puts and reads keys would.
const kvOnlyDir = join(dir, 'generated-kv');
rmSync(kvOnlyDir, { recursive: true, force: true });
timeCommand([process.execPath, cli, 'generate', '--etcd', ETCD_VERSION, '--spec-dir', specsDir, '--services', 'kv', '--out', kvOnlyDir]);
const kvOnly = (file) => JSON.stringify(join(kvOnlyDir, file));
const putRange = (kv) => [`await ${kv}.put({ key: 'k', value: 'v' });`, `console.log((await ${kv}.range({ key: 'k' })).kvs.length);`];

const entries = [
  {
    id: 'kv-only',
    label: '`--services kv`: `createKvService(createTransport(…))`, `put` + `range` (the target)',
    source: [
      `import { createKvService, createTransport } from ${kvOnly('index.js')};`,
      `const kv = createKvService(createTransport({ endpoints: 'http://127.0.0.1:2379' }));`,
      ...putRange('kv'),
    ],
  },
  {
    id: 'kv-only-cluster',
    label: '`--services kv`: the same with every layer (`clusterLayers`: failover, auth, streams)',
    source: [
      `import { clusterLayers, createKvService, createTransport } from ${kvOnly('index.js')};`,
      `const kv = createKvService(createTransport({ endpoints: 'http://127.0.0.1:2379' }, clusterLayers));`,
      ...putRange('kv'),
    ],
  },
  {
    id: 'create-client',
    label: 'every service: `createClient` from the generated index, `kv.put` + `kv.range`',
    source: [
      `import { createClient } from ${client('index.js')};`,
      `const client = createClient({ endpoints: 'http://127.0.0.1:2379' });`,
      ...putRange('client.kv'),
    ],
  },
  {
    id: 'transport',
    label: 'the transport alone (no layers), one hand-made unary call (no codecs, no service)',
    source: [
      `import { createTransport } from ${client('runtime/core/transport.js')};`,
      `const transport = createTransport({ endpoints: 'http://127.0.0.1:2379' });`,
      `console.log(await transport.unary({ name: 'kv.put', route: '/kv/put', safety: 'write' }, { key: 'aw==' }));`,
    ],
  },
  {
    id: 'fetch',
    label: 'hand-written `fetch` of the same two calls (floor)',
    source: [
      `const post = (route, body) => fetch('http://127.0.0.1:2379/v3' + route, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());`,
      `await post('/kv/put', { key: btoa('k'), value: btoa('v') });`,
      `console.log((await post('/kv/range', { key: btoa('k') })).kvs.length);`,
    ],
  },
];

async function measure(entryFile, platform) {
  const result = await build({
    entryPoints: [entryFile],
    bundle: true,
    minify: true,
    treeShaking: true,
    format: 'esm',
    platform,
    target: 'es2022',
    write: false,
    metafile: true,
    outfile: `${entryFile}.bundle.js`,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const inputs = Object.entries(Object.values(result.metafile.outputs)[0].inputs)
    .map(([path, i]) => [path.replace(/^.*?generated(?:-kv)?\//, '').replace(/^.*node_modules\//, ''), i.bytesInOutput])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length, inputs };
}

const loadBefore = load();
const results = {};
for (const entry of entries) {
  const file = join(dir, `${entry.id}.ts`);
  writeFileSync(file, `${entry.source.join('\n')}\n`);
  results[entry.id] = await measure(file, 'browser');
}

// etcd3 for comparison: Node only (gRPC), and it reads its .proto files from disk at run time.
const etcd3Entry = join(dir, 'etcd3.mjs');
writeFileSync(
  etcd3Entry,
  [
    `import { Etcd3 } from ${JSON.stringify(join(benchModules, 'etcd3/lib/index.js'))};`,
    `const client = new Etcd3({ hosts: 'http://127.0.0.1:2379' });`,
    `await client.put('k').value('v');`,
    `console.log(await client.get('k').string());`,
  ].join('\n'),
);
let etcd3;
try {
  etcd3 = await measure(etcd3Entry, 'node');
} catch (error) {
  etcd3 = { error: error.message.split('\n')[0] };
}
const protoDir = join(benchModules, 'etcd3/proto');
const protoFiles = ['rpc.proto', 'kv.proto', 'auth.proto'];
const protoGzip = protoFiles.reduce((sum, f) => sum + gzipSync(readFileSync(join(protoDir, f)), { level: 9 }).length, 0);

const main = results['kv-only'];
const met = main.gzip <= TARGET;
const top = (r, n = 8) => r.inputs.slice(0, n).map(([path, size]) => `${path} ${bytes(size)}`).join(', ');
recordResult('size', {
  title: '7. Size: what a consumer bundles for put + range',
  loadBefore,
  markdown: [
    'Command: `npm run bench -- size` (= `node bench/size.mjs` after `npm run build`). Each entry bundled with ' +
      'esbuild 0.28 (`bundle, minify, treeShaking, format: esm, platform: browser, target: es2022`), gzip level 9. ' +
      `The entries are written to \`bench/.work/size/\`.`,
    '',
    table(
      ['entry', 'minified', 'gzip', 'largest inputs (minified bytes in the bundle)'],
      entries.map((e) => [e.label, bytes(results[e.id].raw), `**${bytes(results[e.id].gzip)}**`, top(results[e.id])]),
    ),
    '',
    `Target: ≤ 4 KiB gzip for put + range from a \`--services kv\` client with the default transport — **${met ? 'met' : 'not met'}** ` +
      `(${bytes(main.gzip)}); with every layer ${bytes(results['kv-only-cluster'].gzip)}; through \`createClient\` of every service ` +
      `${bytes(results['create-client'].gzip)}; the transport alone ${bytes(results['transport'].gzip)}; hand-written fetch ${bytes(results['fetch'].gzip)}.`,
    '',
    etcd3.error
      ? `etcd3@1.1.2 (platform node): does not bundle: ${etcd3.error}`
      : `etcd3@1.1.2, same two calls, bundled for Node (\`platform: node\`): ${bytes(etcd3.raw)} minified, **${bytes(etcd3.gzip)}** gzip ` +
        `(${top(etcd3, 5)}). It does not run from the bundle alone: it loads \`proto/rpc.proto\` (+ kv.proto, auth.proto, ` +
        `${bytes(protoGzip)} gzip) from disk next to its own files at run time, and it cannot run in a browser (gRPC over HTTP/2).`,
  ].join('\n'),
  data: { results, etcd3, protoGzip },
});
