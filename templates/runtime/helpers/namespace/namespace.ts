// client.namespace(prefix): the same client with every key relative to `prefix`, as Go's clientv3/namespace. The
// namespace lives in the transport: each operation's wire request has its keys prefixed (kv, txn compares and
// nested ops, lock and election names, raw watch streams) and its answer has them cut off again, so every service
// and helper on top of it (watchEvents, withLock, leaderElection, stm, iterate, mirror) is namespaced, and
// namespaces nest. Lease, auth, cluster and maintenance calls pass through (lease time-to-live keys are filtered).
import { textToBytes } from '../../wire/bytes.js';
import { isWireObject, type BytesInput } from '../../wire/codec.js';
import { joinBytes, prefixField, prefixRange, stripField, stripKey, stripWatchResponse } from '../../core/keyspace.js';
import type {
  CallOptions,
  ClientOptions,
  Ending,
  Keyspace,
  OperationDescriptor,
  Prefix,
  Transport,
} from '../../types.js';

type WireObject = Record<string, unknown>;
type Rewrite = (prefix: Uint8Array, wire: WireObject) => WireObject;

/** A transport whose keys are relative to `prefix` (joined to the inner transport's own namespace, if any). */
export function namespaceTransport(inner: Transport, prefix: BytesInput): Transport {
  if (typeof prefix !== 'string' && !(prefix instanceof Uint8Array)) {
    throw new TypeError(`namespace: prefix must be a string or a Uint8Array, got ${typeof prefix}`);
  }
  const bytes = typeof prefix === 'string' ? textToBytes(prefix) : prefix;
  const outer = inner.keyspace;
  return new NamespacedTransport({
    prefix: outer === undefined ? bytes.slice() : joinBytes(outer.prefix, bytes),
    root: outer?.root ?? inner,
  });
}

class NamespacedTransport implements Transport {
  constructor(readonly keyspace: Keyspace) {}

  async unary(op: OperationDescriptor, body: unknown, options?: CallOptions): Promise<Record<string, unknown>> {
    const response = await this.keyspace.root.unary(op, this.request(op, body), options);
    return this.response(op, response);
  }

  async *stream(
    op: OperationDescriptor,
    body: unknown | readonly unknown[],
    options?: CallOptions,
    within?: Ending,
  ): AsyncGenerator<Record<string, unknown>> {
    const rewritten = Array.isArray(body) ? body.map((b: unknown) => this.request(op, b)) : this.request(op, body);
    for await (const message of this.keyspace.root.stream(op, rewritten, options, within))
      yield this.response(op, message);
  }

  private request(op: OperationDescriptor, body: unknown): unknown {
    const rewrite = REQUESTS[op.name];
    return rewrite !== undefined && isWireObject(body) ? rewrite(this.keyspace.prefix, body) : body;
  }

  private response(op: OperationDescriptor, body: Record<string, unknown>): Record<string, unknown> {
    const rewrite = RESPONSES[op.name];
    return rewrite !== undefined ? rewrite(this.keyspace.prefix, body) : body;
  }

  get options(): ClientOptions {
    return this.keyspace.root.options;
  }
  get endpoints(): readonly string[] {
    return this.keyspace.root.endpoints;
  }
  get closed(): AbortSignal {
    return this.keyspace.root.closed;
  }
  get lifetime(): Ending {
    return this.keyspace.root.lifetime;
  }
  get currentEndpoint(): string {
    return this.keyspace.root.currentEndpoint;
  }
  endpointFailed(endpoint: string): void {
    this.keyspace.root.endpointFailed(endpoint);
  }
  serverVersion(): Promise<string | undefined> {
    return this.keyspace.root.serverVersion();
  }
  versionAt(endpoint: string): Promise<string> {
    return this.keyspace.root.versionAt(endpoint);
  }
  prefixFor(endpoint: string): Promise<Prefix> {
    return this.keyspace.root.prefixFor(endpoint);
  }
  token(endpoint?: string, signal?: AbortSignal): Promise<string | undefined> {
    return this.keyspace.root.token(endpoint, signal);
  }
  invalidateToken(token: string): boolean {
    return this.keyspace.root.invalidateToken(token);
  }
  /** A namespace is a view of its client: closing it closes the client. */
  close(): void {
    this.keyspace.root.close();
  }
}

// --- requests, by operation name -------------------------------------------------------------------------------

const range: Rewrite = (prefix, wire) => prefixRange(prefix, wire);

function txnRequest(prefix: Uint8Array, wire: WireObject): WireObject {
  const copy: WireObject = { ...wire };
  if (Array.isArray(wire['compare'])) {
    copy['compare'] = wire['compare'].map((c: unknown) => (isWireObject(c) ? prefixRange(prefix, c) : c));
  }
  for (const branch of ['success', 'failure']) {
    const ops = wire[branch];
    if (Array.isArray(ops)) copy[branch] = ops.map((op: unknown) => (isWireObject(op) ? requestOp(prefix, op) : op));
  }
  return copy;
}

function requestOp(prefix: Uint8Array, op: WireObject): WireObject {
  const copy: WireObject = { ...op };
  for (const field of ['request_range', 'request_put', 'request_delete_range']) {
    const inner = op[field];
    if (isWireObject(inner)) copy[field] = prefixRange(prefix, inner);
  }
  if (isWireObject(op['request_txn'])) copy['request_txn'] = txnRequest(prefix, op['request_txn']);
  return copy;
}

function leaderKeyRequest(prefix: Uint8Array, wire: WireObject): WireObject {
  const leader = wire['leader'];
  if (!isWireObject(leader)) return wire;
  return { ...wire, leader: prefixField(prefix, prefixField(prefix, leader, 'name'), 'key') };
}

function watchRequest(prefix: Uint8Array, wire: WireObject): WireObject {
  const create = wire['create_request'];
  return isWireObject(create) ? { ...wire, create_request: prefixRange(prefix, create) } : wire;
}

const REQUESTS: Readonly<Record<string, Rewrite>> = {
  'kv.range': range,
  'kv.put': range,
  'kv.deleteRange': range,
  'kv.txn': txnRequest,
  'watch.watch': watchRequest,
  'lock.lock': (prefix, wire) => prefixField(prefix, wire, 'name'),
  'lock.unlock': (prefix, wire) => prefixField(prefix, wire, 'key'),
  'election.campaign': (prefix, wire) => prefixField(prefix, wire, 'name'),
  'election.leader': (prefix, wire) => prefixField(prefix, wire, 'name'),
  'election.observe': (prefix, wire) => prefixField(prefix, wire, 'name'),
  'election.proclaim': leaderKeyRequest,
  'election.resign': leaderKeyRequest,
};

// --- responses, by operation name ------------------------------------------------------------------------------

function kvList(prefix: Uint8Array, list: unknown): unknown {
  return Array.isArray(list) ? list.map((kv: unknown) => stripField(prefix, kv, 'key')) : list;
}

function withField(wire: WireObject, field: string, rewrite: (value: unknown) => unknown): WireObject {
  return wire[field] === undefined ? wire : { ...wire, [field]: rewrite(wire[field]) };
}

const rangeResponse: Rewrite = (prefix, wire) => withField(wire, 'kvs', (kvs) => kvList(prefix, kvs));
const putResponse: Rewrite = (prefix, wire) => withField(wire, 'prev_kv', (kv) => stripField(prefix, kv, 'key'));
const deleteResponse: Rewrite = (prefix, wire) => withField(wire, 'prev_kvs', (kvs) => kvList(prefix, kvs));

function txnResponse(prefix: Uint8Array, wire: WireObject): WireObject {
  return withField(wire, 'responses', (ops) =>
    Array.isArray(ops) ? ops.map((op: unknown) => (isWireObject(op) ? responseOp(prefix, op) : op)) : ops,
  );
}

function responseOp(prefix: Uint8Array, op: WireObject): WireObject {
  const nested: Readonly<Record<string, Rewrite>> = {
    response_range: rangeResponse,
    response_put: putResponse,
    response_delete_range: deleteResponse,
    response_txn: txnResponse,
  };
  const copy: WireObject = { ...op };
  for (const [field, rewrite] of Object.entries(nested)) {
    const inner = op[field];
    if (isWireObject(inner)) copy[field] = rewrite(prefix, inner);
  }
  return copy;
}

const leaderKeyResponse: Rewrite = (prefix, wire) =>
  withField(wire, 'leader', (leader) => stripField(prefix, stripField(prefix, leader, 'name'), 'key'));
const leaderKvResponse: Rewrite = (prefix, wire) => withField(wire, 'kv', (kv) => stripField(prefix, kv, 'key'));

/** Keys attached to the lease: only those inside the namespace, without the prefix (as Go's namespace.NewLease). */
const timeToLiveResponse: Rewrite = (prefix, wire) =>
  withField(wire, 'keys', (keys) =>
    Array.isArray(keys) ? keys.map((k: unknown) => stripKey(prefix, k)).filter((k) => k !== undefined) : keys,
  );

const RESPONSES: Readonly<Record<string, Rewrite>> = {
  'kv.range': rangeResponse,
  'kv.put': putResponse,
  'kv.deleteRange': deleteResponse,
  'kv.txn': txnResponse,
  'watch.watch': (prefix, wire) => stripWatchResponse(prefix, wire) as WireObject,
  'lock.lock': (prefix, wire) => stripField(prefix, wire, 'key') as WireObject,
  'election.campaign': leaderKeyResponse,
  'election.leader': leaderKvResponse,
  'election.observe': leaderKvResponse,
  'lease.timeToLive': timeToLiveResponse,
};
