// Synthetic specs k times the size of etcd's: each document (rpc, v3lock, v3election) holds its own paths and
// definitions plus k-1 renamed copies of them (`/v3/c2/kv/put`, tag `KVC2`, `KVC2_Put`, `etcdserverpbPutRequestC2`,
// every $ref inside a copy pointing into the same copy). Written to a temporary directory at bench time: etcd's
// spec files are upstream data and are never copied into the repository.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PREFIX = /^(\/v3(?:alpha|beta)?)(\/.*)$/;

/** `doc` with k-1 renamed copies of its paths and definitions added. */
export function scaleDocument(doc, k) {
  const out = structuredClone(doc);
  for (let i = 2; i <= k; i++) {
    const suffix = `C${i}`;
    const copy = (value) => renameRefs(value, suffix);
    for (const [name, definition] of Object.entries(doc.definitions ?? {})) out.definitions[name + suffix] = copy(definition);
    for (const [name, definition] of Object.entries(doc['x-stream-definitions'] ?? {})) out['x-stream-definitions'][name + suffix] = copy(definition);
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      const [, version, rest] = PREFIX.exec(path) ?? ['', '', path];
      const renamed = copy(item);
      for (const op of Object.values(renamed)) {
        if (typeof op !== 'object' || op === null || Array.isArray(op)) continue;
        const tag = op.tags?.[0];
        if (tag !== undefined) op.tags = [tag + suffix, ...op.tags.slice(1)];
        if (typeof op.operationId === 'string') {
          op.operationId = tag !== undefined && op.operationId.startsWith(`${tag}_`)
            ? `${tag}${suffix}_${op.operationId.slice(tag.length + 1)}`
            : op.operationId + suffix;
        }
      }
      out.paths[`${version}/c${i}${rest}`] = renamed;
    }
    if (Array.isArray(doc.tags)) out.tags.push(...doc.tags.map((t) => ({ ...t, name: t.name + suffix })));
  }
  return out;
}

function renameRefs(value, suffix) {
  if (Array.isArray(value)) return value.map((v) => renameRefs(v, suffix));
  if (typeof value !== 'object' || value === null) return value;
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = key === '$ref' && typeof v === 'string' && /^#\/(x-stream-)?definitions\//.test(v) ? v + suffix : renameRefs(v, suffix);
  }
  return out;
}

/** Writes the k-times spec set of etcd `specDir` (rpc, v3lock, v3election) into `outDir`; returns its size in bytes. */
export function writeScaledSpecs(specDir, outDir, k) {
  let size = 0;
  for (const name of ['rpc', 'v3lock', 'v3election']) {
    const doc = JSON.parse(readFileSync(join(specDir, `${name}.swagger.json`), 'utf8'));
    const text = `${JSON.stringify(scaleDocument(doc, k), null, 2)}\n`;
    writeFileSync(join(outDir, `${name}.swagger.json`), text);
    size += Buffer.byteLength(text);
  }
  return size;
}
