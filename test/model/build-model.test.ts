import { describe, expect, it } from 'vitest';
import { buildModel } from '../../spec/build-model.js';
import { SpecError } from '../../spec/errors.js';
import { spec } from './fragments.js';
import { reservedTypeNames } from '../../templates/runtime-manifest.js';

const put = { etcdserverpbPutRequest: { type: 'object', properties: { key: { type: 'string', format: 'byte' }, prev_kv: { type: 'boolean' }, lease: { type: 'string', format: 'int64' } } } };

describe('routes and operations', () => {
  it.each([
    { given: { path: '/v3alpha/kv/put', operationId: 'Put', tag: 'KV' }, want: { service: 'KV', method: 'put' } },
    { given: { path: '/v3beta/kv/put', operationId: 'Put', tag: 'KV' }, want: { service: 'KV', method: 'put' } },
    { given: { path: '/v3/kv/put', operationId: 'KV_Put', tag: 'KV' }, want: { service: 'KV', method: 'put' } },
    { given: { path: '/v3/kv/deleterange', operationId: 'KV_DeleteRange', tag: 'KV' }, want: { service: 'KV', method: 'deleteRange' } },
    { given: { path: '/v3/lease/revoke', operationId: 'Lease_LeaseRevoke', tag: 'Lease' }, want: { service: 'Lease', method: 'revoke' } },
    { given: { path: '/v3/lease/keepalive', operationId: 'Lease_LeaseKeepAlive', tag: 'Lease' }, want: { service: 'Lease', method: 'keepAlive' } },
    { given: { path: '/v3/auth/authenticate', operationId: 'Auth_Authenticate', tag: 'Auth' }, want: { service: 'Auth', method: 'authenticate' } },
    { given: { path: '/v3/auth/enable', operationId: 'Auth_AuthEnable', tag: 'Auth' }, want: { service: 'Auth', method: 'enable' } },
    { given: { path: '/v3/auth/user/grant', operationId: 'Auth_UserGrantRole', tag: 'Auth' }, want: { service: 'Auth', method: 'userGrantRole' } },
    { given: { path: '/v3/maintenance/hashkv', operationId: 'Maintenance_HashKV', tag: 'Maintenance' }, want: { service: 'Maintenance', method: 'hashKV' } },
    { given: { path: '/v3/cluster/member/list', operationId: 'Cluster_MemberList', tag: 'Cluster' }, want: { service: 'Cluster', method: 'memberList' } },
    { given: { path: '/v3/watch', operationId: 'Watch_Watch', tag: 'Watch' }, want: { service: 'Watch', method: 'watch' } },
  ])('$given.path ($given.operationId) → $want.service.$want.method at a prefix-free route', ({ given, want }) => {
    const { path, operationId, tag } = given;
    const model = buildModel([spec('rpc.swagger.json', [{ path, operationId, tag }], {})]);
    const op = model.services[0]!.operations[0]!;
    expect(model.services[0]!.name).toBe(want.service);
    expect(op.method).toBe(want.method);
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
    { given: 'bare', want: 'bare' },
    { given: 'envelope', want: 'envelope' },
    { given: 'x-stream-definitions', want: 'x-stream-definitions' },
  ] as const)('recognises a $given streaming response', ({ given, want }) => {
    const model = buildModel([spec('rpc.swagger.json', [{ path: '/v3/watch', operationId: 'Watch', tag: 'Watch', streamIn: true, streamOut: given }], {})]);
    expect(model.services[0]!.operations[0]).toMatchObject({ requestStreaming: true, responseStreaming: true, streamStyle: want });
  });

  it.each([
    { given: 'Range', want: 'read' },
    { given: 'Put', want: 'write' },
    { given: 'Txn', want: 'txn' },
    { given: 'MemberList', want: 'read' },
    { given: 'LeaseGrant', want: 'write' },
    { given: 'LeaseTimeToLive', want: 'read' },
    { given: 'Compact', want: 'write' },
  ])('classifies $given as $want for retries', ({ given: rpc, want: safety }) => {
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
    { given: { type: 'string', format: 'uint64' }, want: { type: { kind: 'scalar', scalar: 'uint64' }, repeated: false } },
    { given: { type: 'integer', format: 'int64' }, want: { type: { kind: 'scalar', scalar: 'integer' }, repeated: false } },
    { given: { type: 'integer', format: 'int32' }, want: { type: { kind: 'scalar', scalar: 'int32' }, repeated: false } },
    { given: { type: 'boolean', format: 'boolean' }, want: { type: { kind: 'scalar', scalar: 'bool' }, repeated: false } },
    { given: { type: 'number', format: 'double' }, want: { type: { kind: 'scalar', scalar: 'double' }, repeated: false } },
    { given: { type: 'string' }, want: { type: { kind: 'scalar', scalar: 'string' }, repeated: false } },
    { given: { type: 'array', items: { type: 'string', format: 'byte' } }, want: { type: { kind: 'scalar', scalar: 'bytes' }, repeated: true } },
    { given: { type: 'object' }, want: { type: { kind: 'json' }, repeated: false } },
  ])('maps $given', ({ given: schema, want }) => {
    const model = buildModel([spec('rpc.swagger.json', [{ path: '/v3/x', operationId: 'X', tag: 'KV', request: 'pbX' }], { pbX: { type: 'object', properties: { f: schema } } })]);
    expect(model.messages.find((m) => m.name === 'X')!.fields[0]).toMatchObject(want);
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
    { given: { pbX: { type: 'object', properties: { f: { $ref: '#/definitions/nope' } } } }, want: { pointer: '/definitions/pbX/properties/f/$ref', reason: /\$ref to nothing/ } },
    { given: { pbX: { type: 'object', properties: { f: { allOf: [] } } } }, want: { pointer: '/definitions/pbX/properties/f/allOf', reason: /unsupported: allOf/ } },
    { given: { pbX: { type: 'object', properties: { f: { type: 'array', items: { type: 'array', items: {} } } } } }, want: { pointer: '/definitions/pbX/properties/f/items', reason: /array of arrays/ } },
    { given: { pbX: { type: 'object', properties: { f: { type: 'object', properties: { g: { type: 'string' } } } } } }, want: { pointer: '/definitions/pbX/properties/f', reason: /inline object/ } },
  ])('$want.pointer', ({ given: definitions, want: { pointer, reason } }) => {
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
