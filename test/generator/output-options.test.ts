/**
 * The output options users reach for: --int64 string, --services (a smaller client: only the messages and
 * codecs those services reach) and --name. Each output, with consumer code that uses it, type-checks under
 * strict + exactOptionalPropertyTypes + noUncheckedIndexedAccess + NodeNext.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, type GenerateOptions, type GenerateResult } from '../../generator/generate.js';
import { specsDir } from '../helpers/specs.js';
import { typeCheck } from '../helpers/typecheck.js';

let work: string;
const outputs = new Map<string, GenerateResult>();
const variants: Record<string, Partial<GenerateOptions>> = {
  full: {},
  strings: { int64: 'string' },
  services: { services: ['kv', 'watch', 'lease'] },
  kvOnly: { services: ['kv'] },
  named: { name: 'createEtcd' },
};

/** Consumer code per variant; `@ts-expect-error` lines prove the option changed the types. */
const consumers: Record<string, string> = {
  strings: `
import { createClient } from '../strings/index.js';
const client = createClient({ endpoints: 'http://127.0.0.1:2379' });
const range = await client.kv.range({ key: 'a' });
const count: string = range.count;
// @ts-expect-error int64 values are strings with --int64 string
const asBigint: bigint = range.count;
await client.kv.put({ key: 'a', value: 'b', lease: '7' });
export { count, asBigint };
`,
  services: `
import { createClient, type EtcdClient } from '../services/index.js';
const client: EtcdClient = createClient({ endpoints: ['http://127.0.0.1:2379'] });
await client.kv.put({ key: 'a', value: 'b' });
const grant = await client.lease.grant({ TTL: 10n });
const id: bigint = grant.ID;
// @ts-expect-error only kv, watch and lease were generated
client.auth;
// @ts-expect-error only kv, watch and lease were generated
client.lock;
export { id };
`,
  kvOnly: `
import { createClient, createKvService, createTransport, EtcdError, type EtcdClient } from '../kvOnly/index.js';
const client: EtcdClient = createClient({ endpoints: 'http://127.0.0.1:2379' });
await client.kv.put({ key: 'a', value: 'b' });
await createKvService(createTransport({ endpoints: 'http://127.0.0.1:2379' })).range({ key: 'a' });
// @ts-expect-error no watch service: no watch helper
client.watchEvents;
// @ts-expect-error no lease service: no lease keeper
client.leaseKeeper;
// @ts-expect-error the lease helpers' exports are not in a kv-only index
import { LeaseLostError } from '../kvOnly/index.js';
// @ts-expect-error nor the watch's
import { WatchCompactedError } from '../kvOnly/index.js';
export { EtcdError, LeaseLostError, WatchCompactedError };
`,
  named: `
import { createEtcd, EtcdError } from '../named/index.js';
const client = createEtcd({ endpoints: 'http://127.0.0.1:2379' });
try {
  await client.kv.range({ key: 'a' });
} catch (e) {
  if (e instanceof EtcdError) console.log(e.message);
}
// @ts-expect-error the factory was renamed
import { createClient } from '../named/index.js';
export { createClient };
`,
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'egc-options-'));
  await writeFile(join(work, 'package.json'), JSON.stringify({ type: 'module', private: true })); // an ESM consumer
  for (const [name, variant] of Object.entries(variants)) {
    outputs.set(name, await generate({ etcd: ['3.6.14'], specDir: specsDir, out: join(work, name), download: false, ...variant }));
  }
  await mkdir(join(work, 'consumers'));
  for (const [name, code] of Object.entries(consumers)) await writeFile(join(work, 'consumers', `${name}.ts`), code);
}, 120_000);
afterAll(() => rm(work, { recursive: true, force: true }));

const text = (variant: string, path: string): string => outputs.get(variant)!.files.find((f) => f.path === path)?.text ?? '';
const size = (variant: string): number => outputs.get(variant)!.files.reduce((n, f) => n + f.text.length, 0);
const exportedTypes = (models: string): string[] => [...models.matchAll(/^export (?:interface|type|enum|const) (\w+)/gm)].map((m) => m[1]!);
/** Uses of a model type elsewhere in the output: the type itself, or its input form (`PutRequest` / `PutRequestInput`). */
const usesOf = (name: string, text: string): number => text.match(new RegExp(`\\b${name.replace(/Input$/, '')}(Input)?\\b`, 'g'))?.length ?? 0;

describe.each(Object.keys(consumers))('%s', (variant) => {
  it('type-checks, with consumer code, under strict + exactOptionalPropertyTypes + noUncheckedIndexedAccess + NodeNext', () => {
    expect(typeCheck(join(work, variant), [join(work, 'consumers', `${variant}.ts`)])).toEqual([]);
  }, 120_000);
});

describe('--services', () => {
  it('shrinks the output: fewer messages and codecs, nothing the services do not reach', () => {
    expect(size('services')).toBeLessThan(size('full'));
    expect(size('kvOnly')).toBeLessThan(size('services'));
    for (const path of ['models.ts', 'codecs.ts', 'services.ts']) expect(text('kvOnly', path).length).toBeLessThan(text('full', path).length);
    const models = text('services', 'models.ts');
    for (const gone of ['AuthenticateRequest', 'MemberAddRequest', 'LockRequest', 'CampaignRequest', 'AlarmResponse', 'SnapshotResponse']) {
      expect(text('full', 'models.ts')).toContain(`interface ${gone}`);
      expect(models).not.toContain(gone);
      expect(text('services', 'codecs.ts')).not.toContain(gone);
    }
    for (const kept of ['PutRequest', 'WatchRequest', 'LeaseGrantResponse', 'KeyValue', 'ResponseHeader']) expect(models).toContain(`interface ${kept}`);
  });

  it('ships only the runtime the services use: a kv-only client has no watch, lease, lock, election or snapshot code', () => {
    const runtimeOf = (variant: string): string[] => outputs.get(variant)!.files.map((f) => f.path).filter((p) => p.startsWith('runtime/'));
    expect(runtimeOf('kvOnly').filter((p) => /^runtime\/watch\/|^runtime\/helpers\/(lease|lock|election|snapshot|mirror)\//.test(p))).toEqual([]);
    const kvRuntime = outputs.get('kvOnly')!.files.filter((f) => f.path.startsWith('runtime/')).map((f) => f.text).join('\n');
    for (const word of ['startLeaseKeeper', 'createLeaderElectionFactory', 'createWithLock', 'WatchHub', 'WatchSocket', 'LeaseLostError', 'SnapshotChecksumError', 'createSha256']) expect(kvRuntime, word).not.toContain(word);
    expect(runtimeOf('kvOnly')).toEqual(expect.arrayContaining(['runtime/core/transport.ts', 'runtime/errors.ts', 'runtime/wire/bytes.ts']));
    // kv, watch, lease: the watch room and the lease keeper, not the lock, election or snapshot helpers
    expect(runtimeOf('services')).toEqual(expect.arrayContaining(['runtime/watch/index.ts', 'runtime/helpers/lease/keeper.ts']));
    expect(runtimeOf('services').filter((p) => /^runtime\/helpers\/(lock|election|snapshot)\//.test(p))).toEqual([]);
    expect(runtimeOf('full').length).toBeGreaterThan(runtimeOf('services').length);
  });

  it('every type left in models.ts is used by another part of the output', () => {
    for (const variant of ['services', 'kvOnly']) {
      const others = outputs.get(variant)!.files.filter((f) => f.path !== 'index.ts').map((f) => f.text).join('\n');
      for (const name of exportedTypes(text(variant, 'models.ts'))) {
        // the declaration(s) of the type and its input form count once each; anything beyond is a use
        const declarations = exportedTypes(text(variant, 'models.ts')).filter((n) => n.replace(/Input$/, '') === name.replace(/Input$/, '')).length;
        expect(usesOf(name, others), `${variant}: ${name} is declared but never used`).toBeGreaterThan(declarations);
      }
    }
  });

  it('an unknown service is an error naming the option', async () => {
    await expect(generate({ etcd: ['3.6.14'], specDir: specsDir, out: join(work, 'x'), services: ['kv', 'nosuch'], write: false })).rejects.toThrow(
      '--services: "nosuch" is not a service of this API; the services are auth, cluster, election, kv, lease, lock, maintenance, watch',
    );
  });
});

describe('--int64 and --name', () => {
  it('--int64 string: 64-bit fields are strings, and no bigint is left in the models', () => {
    expect(text('full', 'models.ts')).toMatch(/count: bigint;/);
    expect(text('strings', 'models.ts')).toMatch(/count: string;/);
    expect(text('strings', 'models.ts')).not.toMatch(/:\s*bigint\b/);
  });

  it('--name renames the factory and nothing else', () => {
    expect(text('named', 'index.ts')).toContain("export { createEtcd } from './client.js';");
    expect(text('named', 'client.ts').replaceAll('createEtcd', 'createClient').split('\n').slice(3)).toEqual(text('full', 'client.ts').split('\n').slice(3));
  });
});
