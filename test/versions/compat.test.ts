/**
 * compat over every kind of version change: the synthesized 3.0/3.1 shapes, routes added beside old ones
 * (raw-route level and generated-client impact, separately), representation changes, and definitions renamed
 * with an identical structure (source-level INFO; the generated type names stay).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareModels, subjectOf } from '../../generator/compat/compare.js';
import type { Change } from '../../generator/compat/types.js';
import { generate } from '../../generator/generate.js';
import type { ApiModel } from '../../spec/model.js';
import { openApi } from '../../spec/open.js';
import { byRow, changesBetween, rowsOf, type Row } from '../compat/helpers.js';
import { repoRoot } from '../helpers/specs.js';
import { specDirFor } from './clients.js';
import { rpcSpec31 } from './shapes.js';

async function modelAt(version: string): Promise<ApiModel> {
  return (await openApi({ etcd: [version], specDir: specDirFor(version), download: false })).model();
}

async function between(old: string, next: string): Promise<readonly Change[]> {
  return compareModels(await modelAt(old), await modelAt(next)).changes;
}

describe('the synthesized older versions', () => {
  it('3.0 → 3.1: LeaseTimeToLive is added, and nothing else', async () => {
    expect(rowsOf(await between('3.0.17', '3.1.20'))).toEqual(
      ([
        ['operation-added', 'POST /kv/lease/timetolive', 'INFO', 'ERR'],
        ['message-added', 'etcdserverpbLeaseTimeToLiveRequest', 'INFO', 'INFO'],
        ['message-added', 'etcdserverpbLeaseTimeToLiveResponse', 'INFO', 'INFO'],
      ] as Row[]).sort(byRow),
    );
  }, 60_000);

  it('3.1 → 3.2: cancel_reason and the revision filters are added; lock and election arrive as operations', async () => {
    const changes = await between('3.1.20', '3.2.32');
    const fields = rowsOf(changes.filter((c) => c.id.startsWith('field-')));
    expect(fields).toEqual(
      ([
        ['field-added', 'etcdserverpbRangeRequest.max_create_revision', 'INFO', 'WARN'],
        ['field-added', 'etcdserverpbRangeRequest.max_mod_revision', 'INFO', 'WARN'],
        ['field-added', 'etcdserverpbRangeRequest.min_create_revision', 'INFO', 'WARN'],
        ['field-added', 'etcdserverpbRangeRequest.min_mod_revision', 'INFO', 'WARN'],
        ['field-added', 'etcdserverpbWatchResponse.cancel_reason', 'INFO', 'WARN'],
      ] as Row[]).sort(byRow),
    );
    const filter = changes.find((c) => c.field === 'min_mod_revision')!;
    expect(filter.reason.B).toContain('returns every key in the range');
    const added = changes.filter((c) => c.id === 'operation-added').map((c) => [c.operation, c.level.A, c.level.B]);
    expect(added).toContainEqual(['POST /lock/lock', 'INFO', 'ERR']);
    expect(added).toContainEqual(['POST /election/campaign', 'INFO', 'ERR']);
    expect(changes.filter((c) => c.id !== 'operation-added' && !c.id.startsWith('message-') && !c.id.startsWith('field-'))).toEqual([]);
  }, 60_000);
});

describe('routes added beside old ones', () => {
  const client = (c: Change | undefined) => c?.client && { A: [c.client.A.affected, c.client.A.route], B: [c.client.B.affected, c.client.B.route] };

  it('3.3.12 → 3.3.27: /lease/revoke is new; raw-route users of it get 404 on 3.3.12, and so does the 3.3.27 client', async () => {
    const changes = await changesBetween('3.3.12', '3.3.27');
    const routes = changes.filter((c) => c.id.startsWith('route-'));
    expect(rowsOf(routes)).toEqual(
      ([
        ['route-added', 'POST /lease/leases', 'INFO', 'ERR'],
        ['route-added', 'POST /lease/revoke', 'INFO', 'ERR'],
        ['route-added', 'POST /lease/timetolive', 'INFO', 'ERR'],
      ] as Row[]).sort(byRow),
    );
    const revoke = routes.find((c) => c.operation === 'POST /lease/revoke');
    // A: the 3.3.12 client calls /kv/lease/revoke, which 3.3.27 still binds. B: the 3.3.27 client calls /lease/revoke.
    expect(client(revoke)).toEqual({ A: [false, 'POST /kv/lease/revoke'], B: [true, 'POST /lease/revoke'] });
    expect(revoke!.reason.B).toBe('a raw-route user calling POST /lease/revoke on etcd 3.3.12 gets 404 (UNIMPLEMENTED)');
    expect(revoke!.client!.B.reason).toContain('a client generated over both versions calls POST /kv/lease/revoke on etcd 3.3.12');
    expect(revoke!.text).toBe('route added: POST /lease/revoke (Lease.LeaseRevoke; also at POST /kv/lease/revoke)');
  });

  it('3.3.27 → 3.3.12, the other way: the route is removed; the 3.3.12 client is not affected', async () => {
    const revoke = (await changesBetween('3.3.27', '3.3.12')).find((c) => c.operation === 'POST /lease/revoke' && c.id.startsWith('route-'));
    expect(revoke).toMatchObject({ id: 'route-removed', level: { A: 'ERR', B: 'INFO' } });
    expect(client(revoke)).toEqual({ A: [true, 'POST /lease/revoke'], B: [false, 'POST /kv/lease/revoke'] });
  });

  it('3.2.32 → 3.4.45: /kv/lease/leases, the alias of an RPC 3.2 does not have, is reported too', async () => {
    const changes = await changesBetween('3.2.32', '3.4.45');
    const leases = changes.filter((c) => c.operation?.endsWith('/lease/leases'));
    expect(rowsOf(leases)).toEqual(
      ([
        ['operation-added', 'POST /lease/leases', 'INFO', 'ERR'],
        ['route-added', 'POST /kv/lease/leases', 'INFO', 'ERR'],
      ] as Row[]).sort(byRow),
    );
    const alias = leases.find((c) => c.id === 'route-added');
    expect(client(alias)).toEqual({ A: [false, null], B: [true, 'POST /lease/leases'] });
  });

  it('a route the other side binds to another RPC is left to operation-rebound (3.4.45 → 3.5.33 /maintenance/hash)', async () => {
    const changes = await changesBetween('3.4.45', '3.5.33');
    expect(changes.filter((c) => c.operation === 'POST /maintenance/hash').map((c) => c.id)).toEqual(['operation-rebound']);
    expect(changes.find((c) => c.id === 'operation-rebound')!.reason.A).toContain('the server routes it to Hash (measured on etcd 3.4.');
  });
});

it('a representation change (string → bytes) is ERR in both directions', async () => {
  const key = (await changesBetween('3.3.12', '3.3.27')).find((c) => c.message === 'etcdserverpbAuthRoleRevokePermissionRequest' && c.field === 'key');
  expect(key).toMatchObject({ id: 'field-type-changed', from: 'string', to: 'bytes', level: { A: 'ERR', B: 'ERR' } });
  expect(key!.reason.A).toContain('a value one side encodes is not the value the other decodes');
  const back = (await changesBetween('3.3.27', '3.3.12')).find((c) => c.message === 'etcdserverpbAuthRoleRevokePermissionRequest' && c.field === 'key');
  expect(back).toMatchObject({ level: { A: 'ERR', B: 'ERR' } });
});

describe('definitions renamed with an identical structure (a new proto package)', () => {
  /** The 3.1-shaped rpc spec with every etcdserverpb/mvccpb definition moved to etcdv4pb/mvccv4pb. */
  function renamedSpecDir(): string {
    const text = JSON.stringify(rpcSpec31(), null, 2).replace(/"(#\/definitions\/)?etcdserverpb/g, '"$1etcdv4pb').replace(/"(#\/definitions\/)?mvccpb/g, '"$1mvccv4pb');
    const dir = join(repoRoot, '.tmp/versions/renamed/v3.1.20');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'rpc.swagger.json'), text);
    return dir;
  }

  it('compat reports each as source-level INFO with the old and new names, and nothing else', async () => {
    const renamed = await (await openApi({ specs: [renamedSpecDir()] })).model();
    const changes = compareModels(await modelAt('3.1.20'), renamed).changes;
    expect(new Set(changes.map((c) => c.id))).toEqual(new Set(['message-renamed', 'enum-renamed']));
    expect(changes.every((c) => c.level.A === 'INFO' && c.level.B === 'INFO')).toBe(true);
    const put = changes.find((c) => subjectOf(c) === 'etcdv4pbPutRequest')!;
    expect(put).toMatchObject({ id: 'message-renamed', from: 'etcdserverpbPutRequest', to: 'etcdv4pbPutRequest' });
    expect(put.reason.A).toMatch(/^source-level only: .*must name etcdv4pbPutRequest; the generated type stays PutRequest$/);
    expect(changes.find((c) => c.id === 'enum-renamed' && c.to === 'etcdv4pbAlarmType')).toMatchObject({ from: 'etcdserverpbAlarmType' });
  }, 60_000);

  it('the generated client is the same: the type names stay', async () => {
    const out = join(repoRoot, '.tmp/versions/renamed-out');
    const [before, after] = await Promise.all([
      generate({ specs: [join(specDirFor('3.1.20'), 'v3.1.20')], out: `${out}/a`, write: false }),
      generate({ specs: [renamedSpecDir()], out: `${out}/b`, write: false }),
    ]);
    const body = (files: readonly { path: string; text: string }[]) => Object.fromEntries(files.map((f) => [f.path, f.text.replace(/^(\/\/.*\n)+/, '')]));
    expect(body(after.files)).toEqual(body(before.files));
  }, 60_000);
});
