/** One model over several etcd versions, and the multi-version client generated from it. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeModels } from '../../spec/merge.js';
import type { ApiModel, Operation } from '../../spec/model.js';
import { versionNote } from '../../templates/versions-doc.js';
import { generateClientDir } from '../helpers/client.js';
import { typeCheck } from '../helpers/typecheck.js';
import { modelOf } from './helpers.js';

const operation = (model: ApiModel, property: string, method: string): Operation =>
  model.services.find((s) => s.property === property)!.operations.find((op) => op.method === method)!;

describe('mergeModels', () => {
  it('is the union, marking what not every version has', async () => {
    const merged = mergeModels([await modelOf('3.6.14'), await modelOf('3.4.45')]);
    expect(merged.versions).toEqual(['3.4.45', '3.6.14']);
    expect(operation(merged, 'auth', 'status').versions).toEqual(['3.6.14']);
    expect(operation(merged, 'kv', 'put').versions).toBeUndefined();
    expect(merged.messages.find((m) => m.name === 'DowngradeRequest')!.versions).toEqual(['3.6.14']);
    const memberList = merged.messages.find((m) => m.name === 'MemberListRequest')!;
    expect(memberList.versions).toBeUndefined();
    expect(memberList.fields.find((f) => f.wireName === 'linearizable')!.versions).toEqual(['3.6.14']);
    expect(merged.sources.map((s) => `${s.version} ${s.file}`)).toEqual([
      '3.4.45 rpc.swagger.json', '3.4.45 v3election.swagger.json', '3.4.45 v3lock.swagger.json',
      '3.6.14 rpc.swagger.json', '3.6.14 v3election.swagger.json', '3.6.14 v3lock.swagger.json',
    ]);
  });

  it('keeps the route a version calls an operation at when it binds none of the newest routes', async () => {
    const merged = mergeModels([await modelOf('3.2.32'), await modelOf('3.3.12'), await modelOf('3.6.14')]);
    expect(operation(merged, 'lease', 'revoke')).toMatchObject({ route: { path: '/lease/revoke' }, versionRoutes: [{ versions: ['3.2.32', '3.3.12'], path: '/kv/lease/revoke' }] });
    expect(operation(merged, 'maintenance', 'hashKV')).toMatchObject({ versions: ['3.3.12', '3.6.14'], route: { path: '/maintenance/hashkv' }, versionRoutes: [{ versions: ['3.3.12'], path: '/maintenance/hash' }] });
    expect(operation(merged, 'maintenance', 'hash')).toMatchObject({ versions: ['3.2.32', '3.6.14'], route: { path: '/maintenance/hash' } });
    expect(operation(merged, 'maintenance', 'hash').versionRoutes).toBeUndefined();
    const target = merged.enums.find((e) => e.name === 'CompareCompareTarget')!;
    expect(target.values.find((v) => v.name === 'LEASE')!.versions).toEqual(['3.3.12', '3.6.14']);
    expect(target.values.find((v) => v.name === 'VALUE')!.versions).toBeUndefined();
  });

  it('has the table of which operations each version has', async () => {
    const merged = mergeModels([await modelOf('3.2.32'), await modelOf('3.6.14')]);
    expect(merged.operationsByVersion!.map((v) => [v.version, v.operations.length])).toEqual([['3.2.32', 42], ['3.6.14', 48]]);
    expect(merged.operationsByVersion![0]!.operations).toContain('maintenance.hash');
    expect(merged.operationsByVersion![0]!.operations).not.toContain('maintenance.hashKV');
  });

  it('takes the newest type where versions disagree, and says so', async () => {
    const merged = mergeModels([await modelOf('3.3.12'), await modelOf('3.4.45')]);
    const key = merged.messages.find((m) => m.name === 'AuthRoleRevokePermissionRequest')!.fields.find((f) => f.wireName === 'key')!;
    expect(key.type).toEqual({ kind: 'scalar', scalar: 'bytes' });
    expect(merged.notes).toContain('AuthRoleRevokePermissionRequest.key is string in etcd 3.3.12, bytes in etcd 3.4.45: the newest type is used');
  });

  it('refuses a model whose version is unknown, and a version given twice', async () => {
    const [v34, v36] = [await modelOf('3.4.45'), await modelOf('3.6.14')];
    const unversioned = { ...v36, versions: [] };
    expect(() => mergeModels([v34, unversioned])).toThrow(/its etcd version is unknown/);
    expect(() => mergeModels([v34, v34])).toThrow(/etcd 3\.4\.45 is given twice/);
  });
});

describe('@since / @until', () => {
  const all = ['3.2.32', '3.3.12', '3.4.45', '3.6.14'];
  it.each([
    [['3.4.45', '3.6.14'], '@since etcd 3.4.45 (not in 3.3.12)'],
    [['3.2.32', '3.3.12'], '@until etcd 3.3.12 (not in 3.4.45)'],
    [['3.3.12', '3.4.45'], '@since etcd 3.3.12 (not in 3.2.32)\n@until etcd 3.4.45 (not in 3.6.14)'],
    [['3.2.32', '3.6.14'], 'Only in etcd 3.2.32, 3.6.14 (not in 3.3.12, 3.4.45).'],
    [undefined, undefined],
  ])('%j → %j', (versions, note) => {
    expect(versionNote(versions, all)).toBe(note);
  });
  it('a single-version client gets no note', () => expect(versionNote(['3.6.14'], ['3.6.14'])).toBeUndefined());
});

describe('generate --etcd 3.4.45 --etcd 3.6.14', () => {
  it('emits the version table, the guard and @since notes, and type-checks as consumers compile it', async () => {
    const dir = await generateClientDir({ etcd: ['3.4.45', '3.6.14'] });
    expect(existsSync(join(dir, 'versions.ts'))).toBe(true);
    expect(existsSync(join(dir, 'runtime/core/version-guard.ts'))).toBe(true);
    const services = readFileSync(join(dir, 'services.ts'), 'utf8');
    expect(services).toMatch(/`POST <prefix>\/auth\/status`\.\n\s+\*\n\s+\* @since etcd 3\.6\.14 \(not in 3\.4\.45\)/);
    expect(services).toContain('On etcd 3.4.45: `/maintenance/hash`.');
    const models = readFileSync(join(dir, 'models.ts'), 'utf8');
    expect(models).toMatch(/\/\*\* @since etcd 3\.6\.14 \(not in 3\.4\.45\) \*\/\n\s+linearizable\?: boolean \| undefined;/);
    // A field of a message only 3.6 has is not in every version either.
    expect(models).toMatch(/version is the target version to downgrade\.\n\s+\*\n\s+\* @since etcd 3\.6\.14 \(not in 3\.4\.45\)\n\s+\*\/\n\s+version\?: string \| undefined;/);
    expect(readFileSync(join(dir, 'client.ts'), 'utf8')).toContain('createVersionedTransport(createTransport(options, clusterLayers), VERSION_TABLE, options)');
    expect(typeCheck(dir)).toEqual([]);
  }, 120_000);

  it('a single-version client does not grow any of it', async () => {
    const generated = await generateClientDir({ etcd: '3.6.14' });
    expect(readdirSync(generated)).not.toContain('versions.ts');
    expect(readdirSync(join(generated, 'runtime'))).not.toContain('version-guard.ts');
    const text = ['client.ts', 'services.ts', 'models.ts', 'index.ts'].map((f) => readFileSync(join(generated, f), 'utf8')).join('\n');
    expect(text).not.toMatch(/VersionedTransport|VERSION_TABLE|@since|@until/);
  }, 120_000);
});
