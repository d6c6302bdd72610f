import { describe, expect, it } from 'vitest';
import { buildModel } from '../../spec/build-model.js';
import { SpecError } from '../../spec/errors.js';
import { spec } from './fragments.js';
import { reservedTypeNames } from '../../templates/runtime-manifest.js';

const put = { etcdserverpbPutRequest: { type: 'object', properties: { key: { type: 'string', format: 'byte' }, prev_kv: { type: 'boolean' }, lease: { type: 'string', format: 'int64' } } } };

describe('routes and operations', () => {
  it.each([
    ['/v3alpha/kv/put', 'Put', 'KV', 'put'],
    ['/v3beta/kv/put', 'Put', 'KV', 'put'],
    ['/v3/kv/put', 'KV_Put', 'KV', 'put'],
    ['/v3/kv/deleterange', 'KV_DeleteRange', 'KV', 'deleteRange'],
    ['/v3/lease/revoke', 'Lease_LeaseRevoke', 'Lease', 'revoke'],
    ['/v3/lease/keepalive', 'Lease_LeaseKeepAlive', 'Lease', 'keepAlive'],
    ['/v3/auth/authenticate', 'Auth_Authenticate', 'Auth', 'authenticate'],
    ['/v3/auth/enable', 'Auth_AuthEnable', 'Auth', 'enable'],
    ['/v3/auth/user/grant', 'Auth_UserGrantRole', 'Auth', 'userGrantRole'],
    ['/v3/maintenance/hashkv', 'Maintenance_HashKV', 'Maintenance', 'hashKV'],
    ['/v3/cluster/member/list', 'Cluster_MemberList', 'Cluster', 'memberList'],
    ['/v3/watch', 'Watch_Watch', 'Watch', 'watch'],
  ])('%s (%s) → %s.%s at a prefix-free route', (path, operationId, tag, method) => {
    const model = buildModel([spec('rpc.swagger.json', [{ path, operationId, tag }], {})]);
    const op = model.services[0]!.operations[0]!;
    expect(model.services[0]!.name).toBe(tag);
    expect(op.method).toBe(method);
    expect(op.route.path).toBe(path.replace(/^\/v3(alpha|beta)?/, ''));
    expect(op.route.specPrefix).toBe(/^\/v3(alpha|beta)?/.exec(path)![0]);
  });

  it('folds a numeric alias into one operation with an alternate route', () => {
    const model = buildModel([
      spec('rpc.swagger.json', [
        { path: '/v3/kv/lease/revoke', operationId: 'Lease_LeaseRevoke2', tag: 'Lease' },
        { path: '/v3/lease/revoke', operationId: 'Lease_LeaseRevoke', tag: 'Lease' },
      ], {}),
    ]);
    const ops = model.services[0]!.operations;
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ rpc: 'LeaseRevoke', method: 'revoke', route: { path: '/lease/revoke', operationId: 'Lease_LeaseRevoke' } });
    expect(ops[0]!.alternateRoutes.map((r) => [r.path, r.operationId])).toEqual([['/kv/lease/revoke', 'Lease_LeaseRevoke2']]);
  });

  it('keeps a trailing number that is not an alias (no unsuffixed twin)', () => {
    const model = buildModel([spec('rpc.swagger.json', [{ path: '/v3/x/range2', operationId: 'KV_Range2', tag: 'KV' }], {})]);
    expect(model.services[0]!.operations[0]).toMatchObject({ rpc: 'Range2', method: 'range2' });
  });

  it('does not depend on the order of routes or files', () => {
    const a = spec('a.swagger.json', [{ path: '/v3/b', operationId: 'B', tag: 'S' }, { path: '/v3/a', operationId: 'A', tag: 'T' }], {});
    const b = spec('b.swagger.json', [{ path: '/v3/c', operationId: 'C', tag: 'S' }], {});
    expect(buildModel([b, a])).toEqual(buildModel([a, b]));
  });

  it.each([
    ['bare', undefined, 'bare'],
    ['envelope', undefined, 'envelope'],
    ['x-stream-definitions', undefined, 'x-stream-definitions'],
  ] as const)('recognises a %s streaming response', (streamOut, _, style) => {
    const model = buildModel([spec('rpc.swagger.json', [{ path: '/v3/watch', operationId: 'Watch', tag: 'Watch', streamIn: true, streamOut }], {})]);
    expect(model.services[0]!.operations[0]).toMatchObject({ requestStreaming: true, responseStreaming: true, streamStyle: style });
  });

  it.each([
    ['Range', 'read'],
    ['Put', 'write'],
    ['Txn', 'txn'],
    ['MemberList', 'read'],
    ['LeaseGrant', 'write'],
    ['LeaseTimeToLive', 'read'],
    ['Compact', 'write'],
  ])('classifies %s as %s for retries', (rpc, safety) => {
    const model = buildModel([spec('rpc.swagger.json', [{ path: `/v3/${rpc.toLowerCase()}`, operationId: rpc, tag: 'KV' }], {})]);
    expect(model.services[0]!.operations[0]!.safety).toBe(safety);
  });
});

describe('messages and fields', () => {
  it('names messages without their proto package and fields by their JSON names', () => {
    const model = buildModel([spec('rpc.swagger.json', [{ path: '/v3/kv/put', operationId: 'Put', tag: 'KV', request: 'etcdserverpbPutRequest' }], put)]);
    const message = model.messages.find((m) => m.name === 'PutRequest')!;
    expect(message.definitions).toEqual(['etcdserverpbPutRequest']);
    expect(message.fields.map((f) => [f.wireName, f.name, f.type])).toEqual([
      ['key', 'key', { kind: 'scalar', scalar: 'bytes' }],
      ['prev_kv', 'prevKv', { kind: 'scalar', scalar: 'bool' }],
      ['lease', 'lease', { kind: 'scalar', scalar: 'int64' }],
    ]);
  });

  it.each([
    [{ type: 'string', format: 'uint64' }, { kind: 'scalar', scalar: 'uint64' }, false],
    [{ type: 'integer', format: 'int64' }, { kind: 'scalar', scalar: 'integer' }, false],
    [{ type: 'integer', format: 'int32' }, { kind: 'scalar', scalar: 'int32' }, false],
    [{ type: 'boolean', format: 'boolean' }, { kind: 'scalar', scalar: 'bool' }, false],
    [{ type: 'number', format: 'double' }, { kind: 'scalar', scalar: 'double' }, false],
    [{ type: 'string' }, { kind: 'scalar', scalar: 'string' }, false],
    [{ type: 'array', items: { type: 'string', format: 'byte' } }, { kind: 'scalar', scalar: 'bytes' }, true],
    [{ type: 'object' }, { kind: 'json' }, false],
  ])('maps %j to %j', (schema, type, repeated) => {
    const model = buildModel([spec('rpc.swagger.json', [{ path: '/v3/x', operationId: 'X', tag: 'KV', request: 'pbX' }], { pbX: { type: 'object', properties: { f: schema } } })]);
    expect(model.messages.find((m) => m.name === 'X')!.fields[0]).toMatchObject({ type, repeated });
  });

  it('keeps TTL, ID and dbSize as written and camel-cases snake_case', () => {
    const model = buildModel([spec('rpc.swagger.json', [{ path: '/v3/x', operationId: 'X', tag: 'KV', request: 'pbX' }], {
      pbX: { type: 'object', properties: { TTL: { type: 'string', format: 'int64' }, ID: { type: 'string', format: 'int64' }, dbSize: { type: 'string', format: 'int64' }, create_revision: { type: 'string', format: 'int64' } } },
    })]);
    expect(model.messages.find((m) => m.name === 'X')!.fields.map((f) => f.name)).toEqual(['TTL', 'ID', 'dbSize', 'createRevision']);
  });

  it('merges one message repeated across files and resolves real collisions by package', () => {
    const header = { type: 'object', properties: { revision: { type: 'string', format: 'int64' } } };
    const withHeader = (pkg: string) => ({ type: 'object', properties: { header: { $ref: '#/definitions/etcdserverpbResponseHeader' }, s: { $ref: `#/definitions/${pkg}Status` } } });
    const rpc = spec('rpc.swagger.json', [{ path: '/v3/a', operationId: 'A', tag: 'KV', response: 'pbA' }], {
      etcdserverpbResponseHeader: header, pbA: withHeader('googlerpc'), googlerpcStatus: { type: 'object', properties: { code: { type: 'integer' } } },
    });
    const lock = spec('v3lock.swagger.json', [{ path: '/v3/lock/lock', operationId: 'Lock', tag: 'Lock', response: 'pbB' }], {
      etcdserverpbResponseHeader: { ...header, description: 'the same message, other prose' }, pbB: withHeader('rpc'), rpcStatus: { type: 'object', properties: { code: { type: 'string' } } },
    });
    const model = buildModel([lock, rpc]);
    expect(model.messages.map((m) => m.name)).toEqual(['A', 'B', 'Empty', 'GooglerpcStatus', 'ResponseHeader', 'RpcStatus']);
    expect(model.messages.find((m) => m.name === 'ResponseHeader')!.definitions).toEqual(['etcdserverpbResponseHeader']);
    expect(model.notes.join('\n')).toMatch(/googlerpcStatus is named GooglerpcStatus/);
  });

  it('renames a message whose name is reserved (runtimeError would shadow Error)', () => {
    const model = buildModel([spec('rpc.swagger.json', [{ path: '/v3/a', operationId: 'A', tag: 'KV', response: 'runtimeError' }], { runtimeError: { type: 'object', properties: { error: { type: 'string' } } } })]);
    expect(model.messages.map((m) => m.name)).toContain('RuntimeError');
  });

  it("renames a message named like a runtime export the generator reserves (the manifest's index names)", () => {
    const specs = [spec('rpc.swagger.json', [{ path: '/v3/a', operationId: 'A', tag: 'KV', response: 'etcdserverpbMirror' }], { etcdserverpbMirror: { type: 'object', properties: { n: { type: 'string' } } } })];
    expect(buildModel(specs).messages.map((m) => m.name)).toContain('Mirror');
    const renamed = buildModel(specs, { reservedNames: reservedTypeNames() }).messages.map((m) => m.name);
    expect(renamed).toContain('EtcdserverpbMirror');
    expect(renamed).not.toContain('Mirror');
  });

  it('builds recursive messages (RequestOp → TxnRequest → RequestOp)', () => {
    const model = buildModel([spec('rpc.swagger.json', [{ path: '/v3/kv/txn', operationId: 'Txn', tag: 'KV', request: 'pbTxnRequest' }], {
      pbTxnRequest: { type: 'object', properties: { success: { type: 'array', items: { $ref: '#/definitions/pbRequestOp' } } } },
      pbRequestOp: { type: 'object', properties: { request_txn: { $ref: '#/definitions/pbTxnRequest' } } },
    })]);
    expect(model.messages.find((m) => m.name === 'RequestOp')!.fields[0]).toMatchObject({ name: 'requestTxn', type: { kind: 'message', name: 'TxnRequest' } });
  });

  it('reads enums with their zero value', () => {
    const model = buildModel([spec('rpc.swagger.json', [{ path: '/v3/x', operationId: 'X', tag: 'KV', request: 'pbX' }], {
      pbX: { type: 'object', properties: { t: { $ref: '#/definitions/EventEventType' } } },
      EventEventType: { type: 'string', enum: ['PUT', 'DELETE'], default: 'PUT' },
    })]);
    expect(model.enums).toEqual([expect.objectContaining({ name: 'EventEventType', values: [{ name: 'PUT' }, { name: 'DELETE' }], zero: 'PUT' })]);
  });
});

describe('errors name the place', () => {
  it.each([
    [{ pbX: { type: 'object', properties: { f: { $ref: '#/definitions/nope' } } } }, '/definitions/pbX/properties/f/$ref', /\$ref to nothing/],
    [{ pbX: { type: 'object', properties: { f: { allOf: [] } } } }, '/definitions/pbX/properties/f/allOf', /unsupported: allOf/],
    [{ pbX: { type: 'object', properties: { f: { type: 'array', items: { type: 'array', items: {} } } } } }, '/definitions/pbX/properties/f/items', /array of arrays/],
    [{ pbX: { type: 'object', properties: { f: { type: 'object', properties: { g: { type: 'string' } } } } } }, '/definitions/pbX/properties/f', /inline object/],
  ])('%j', (definitions, pointer, reason) => {
    const build = () => buildModel([spec('rpc.swagger.json', [{ path: '/v3/x', operationId: 'X', tag: 'KV', request: 'pbX' }], definitions)]);
    expect(build).toThrow(SpecError);
    expect(build).toThrow(reason);
    try {
      build();
    } catch (e) {
      expect((e as SpecError).file).toBe('rpc.swagger.json');
      expect((e as SpecError).pointer).toBe(pointer);
    }
  });
});
