/**
 * etcd 3.0- and 3.1-shaped specs, synthesized from the 3.2.32 spec by deleting what those versions lack:
 * the v3lock and v3election files (so the lock and election routes), `WatchResponse.cancel_reason`, the
 * `RangeRequest` revision filters and (3.0) `LeaseTimeToLive`. Written under .tmp/ at test time: no spec copy is
 * committed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, specDirOf } from '../helpers/specs.js';

type Json = Record<string, any>;

/** The synthesized versions: their version directories' names stand for them. */
export const SYNTHESIZED = ['3.0.17', '3.1.20'] as const;
export type SynthesizedVersion = (typeof SYNTHESIZED)[number];

export const synthesizedSpecDir = join(repoRoot, '.tmp/versions/specs');

const REVISION_FILTERS = ['min_mod_revision', 'max_mod_revision', 'min_create_revision', 'max_create_revision'];

/** The 3.2.32 rpc spec less what a 3.1 server lacks. */
export function rpcSpec31(): Json {
  const doc = JSON.parse(readFileSync(join(specDirOf('3.2.32'), 'rpc.swagger.json'), 'utf8')) as Json;
  doc['info'] = { ...doc['info'], version: 'version not set' };
  delete doc['definitions']['etcdserverpbWatchResponse']['properties']['cancel_reason'];
  for (const f of REVISION_FILTERS) delete doc['definitions']['etcdserverpbRangeRequest']['properties'][f];
  return doc;
}

/** A 3.1 spec less LeaseTimeToLive (added in 3.1). */
export function rpcSpec30(): Json {
  const doc = rpcSpec31();
  delete doc['paths']['/v3alpha/kv/lease/timetolive'];
  delete doc['definitions']['etcdserverpbLeaseTimeToLiveRequest'];
  delete doc['definitions']['etcdserverpbLeaseTimeToLiveResponse'];
  return doc;
}

/** Write the synthesized specs as `<dir>/v<version>/rpc.swagger.json` and return `dir` (a spec dir for `--etcd`). */
export function writeSynthesizedSpecs(dir: string = synthesizedSpecDir): string {
  const docs: Record<SynthesizedVersion, Json> = { '3.0.17': rpcSpec30(), '3.1.20': rpcSpec31() };
  for (const version of SYNTHESIZED) {
    mkdirSync(join(dir, `v${version}`), { recursive: true });
    writeFileSync(join(dir, `v${version}`, 'rpc.swagger.json'), `${JSON.stringify(docs[version], null, 2)}\n`);
  }
  return dir;
}
