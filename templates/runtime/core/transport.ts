// The transport every generated service calls: POSTs wire JSON to the etcd gateway, picks the prefix per
// endpoint, authenticates, applies deadlines, fails over between endpoints, and turns error bodies into EtcdError.
import { isInvalidTokenError, type createTokenSource, type TokenSource } from './auth.js';
import {
  fetchServerVersion,
  isOk,
  normalizeEndpoint,
  normalizeEndpoints,
  prefixForVersion,
} from './endpoints.js';
import { GrpcCode } from '../codes.js';
import { EtcdConnectionError, EtcdDecodeError, EtcdError } from '../errors.js';
import { retryBackoff } from './backoff.js';
import type { Attempt, EndpointRing, FailoverPlan, withFailover } from './failover.js';
import type { readJsonStream } from '../wire/ndjson.js';
import { errorFromResponse, grpcTimeout, readJsonObject, streamResult } from './responses.js';
import { createScope, raceSignal, type Scope } from './signals.js';
import type { CallOptions, ClientOptions, HttpEngine, HttpResponse, OperationDescriptor, Prefix, Transport } from '../types.js';
import { chooseEngine } from './engines/choose.js';

export { prefixForVersion } from './endpoints.js';
export type { CallOptions, ClientOptions, OperationDescriptor, Prefix, Transport } from '../types.js';
export { txnIsReadOnly } from './txn.js';

const DEFAULT_RETRY_DEADLINE_MS = 10_000;
const AUTHENTICATE: OperationDescriptor = {
  name: 'auth.authenticate',
  route: '/auth/authenticate',
  safety: 'read',
  noAuth: true,
};

/**
 * What a transport does beyond one POST to one endpoint, each a layer a caller pays for only when it passes it
 * (core/layers.ts has them; `createClient` passes them all): failing over between endpoints, authenticating,
 * and reading streams.
 */
export interface TransportLayers {
  /** Runs a call's attempts across endpoints; without it a call makes one attempt, and the next call moves on. */
  readonly failover?: typeof withFailover;
  /** Authenticates with `ClientOptions.auth`; without it the option is refused. */
  readonly auth?: typeof createTokenSource;
  /** Reads streaming answers (watch, keepalive, snapshot, observe); without it `stream()` is refused. */
  readonly streams?: typeof readJsonStream;
}

/**
 * A transport over `options.endpoints` with the given layers. Alone (no layers) it is the smallest client a
 * bundle can carry: unary calls, the path prefix by server version, deadlines and typed errors.
 */
export function createTransport(options: ClientOptions, layers: TransportLayers = {}): Transport {
  return new GatewayTransport(options, layers);
}

const NO_TOKENS: TokenSource = { get: async () => undefined, invalidate: () => false };

class GatewayTransport implements Transport {
  readonly options: ClientOptions;
  readonly endpoints: readonly string[];
  private readonly ring: EndpointRing;
  private readonly root = new AbortController();
  private readonly postHeaders: Readonly<Record<string, string>>;
  private readonly versions = new Map<string, Promise<string>>();
  private readonly prefixes = new Map<string, Prefix>();
  private readonly tokens: TokenSource;
  private readonly deadlineHeader: boolean;
  private readonly engine: HttpEngine;

  constructor(
    options: ClientOptions,
    private readonly layers: TransportLayers,
  ) {
    checkOptions(options, layers);
    this.options = options;
    this.endpoints = normalizeEndpoints(options.endpoints);
    this.ring = { endpoints: this.endpoints, current: 0 };
    this.engine = chooseEngine(options);
    this.deadlineHeader = options.deadlineHeader ?? typeof (globalThis as { document?: unknown }).document === 'undefined';
    this.postHeaders = {
      'Content-Type': 'application/json',
      ...options.headers,
      ...(options.requireLeader === true ? { 'Grpc-Metadata-hasleader': 'true' } : {}),
    };
    this.tokens =
      layers.auth?.(options.auth, (endpoint, prefix, name, password) => this.authenticate(endpoint, prefix, name, password)) ??
      NO_TOKENS;
  }

  async unary(op: OperationDescriptor, body: unknown, options: CallOptions = {}): Promise<Record<string, unknown>> {
    const payload = JSON.stringify(body ?? {});
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const scope = this.openScope(op, timeoutMs, options.signal);
    try {
      return await (this.layers.failover ?? oneAttempt)(this.ring, this.plan(op, scope, timeoutMs), async (attempt) => {
        const response = await this.send(op, payload, attempt, scope);
        return await readJsonObject(response, op, attempt.endpoint);
      });
    } catch (error) {
      throw scope.signal.aborted ? scope.signal.reason : error;
    } finally {
      scope.dispose();
    }
  }

  async *stream(
    op: OperationDescriptor,
    body: unknown | readonly unknown[],
    options: CallOptions = {},
  ): AsyncGenerator<Record<string, unknown>> {
    const read = this.layers.streams;
    if (read === undefined) throw new TypeError(`${op.name} streams: build the transport with the stream layer (createClient has it)`);
    const payload = Array.isArray(body) ? body.map((b) => JSON.stringify(b)).join('\n') : JSON.stringify(body ?? {});
    // Only a per-call timeout bounds a stream: the client default would cut every long-lived watch.
    const scope = this.openScope(op, options.timeoutMs, options.signal);
    try {
      const { response, endpoint } = await (this.layers.failover ?? oneAttempt)(
        this.ring,
        this.plan(op, scope, options.timeoutMs),
        async (attempt) => {
          const opened = await this.send(op, payload, attempt, scope);
          return { response: opened, endpoint: attempt.endpoint };
        },
      );
      try {
        for await (const message of read(response.chunks(), scope.signal)) {
          yield streamResult(message as Record<string, unknown>, op, endpoint);
        }
      } catch (error) {
        if (scope.signal.aborted || error instanceof EtcdError || error instanceof EtcdDecodeError) throw error;
        throw new EtcdConnectionError(`${op.name} stream from ${endpoint} broke`, [{ endpoint, error }], op.name);
      }
    } catch (error) {
      throw scope.signal.aborted ? scope.signal.reason : error;
    } finally {
      scope.abort(new EtcdError(`${op.name} stream closed by the client`, { code: GrpcCode.Canceled, operation: op.name }));
    }
  }

  async serverVersion(): Promise<string | undefined> {
    const n = this.endpoints.length;
    for (let step = 0; step < n; step++) {
      const endpoint = this.endpoints[(this.ring.current + step) % n] ?? '';
      try {
        return await this.versionOf(endpoint);
      } catch {
        // try the next endpoint; undefined when none answers
      }
    }
    return undefined;
  }

  versionAt(endpoint: string): Promise<string> {
    return this.versionOf(normalizeEndpoint(endpoint));
  }

  prefixFor(endpoint: string): Promise<Prefix> {
    return this.resolvePrefix(normalizeEndpoint(endpoint), this.root.signal);
  }

  async token(endpoint?: string, signal: AbortSignal = this.root.signal): Promise<string | undefined> {
    const at = endpoint === undefined ? (this.endpoints[this.ring.current] ?? '') : normalizeEndpoint(endpoint);
    return this.tokens.get(at, await this.resolvePrefix(at, signal), signal);
  }

  invalidateToken(token: string): boolean {
    return this.tokens.invalidate(token);
  }

  get closed(): AbortSignal {
    return this.root.signal;
  }

  close(): void {
    this.root.abort(new EtcdError('the etcd client is closed', { code: GrpcCode.Canceled }));
    this.engine.close?.();
  }

  /** The call's signal: the user's, the client's close(), and the deadline (aborting with DEADLINE_EXCEEDED). */
  private openScope(op: OperationDescriptor, timeoutMs: number | undefined, signal: AbortSignal | undefined): Scope {
    checkTimeout(timeoutMs, 'timeoutMs');
    return createScope([signal, this.root.signal], timeoutMs, () => {
      const message = `${op.name} exceeded its deadline of ${timeoutMs} ms`;
      return new EtcdError(message, { code: GrpcCode.DeadlineExceeded, operation: op.name });
    });
  }

  private plan(op: OperationDescriptor, scope: Scope, timeoutMs: number | undefined): FailoverPlan {
    const retry = this.options.retry;
    return {
      operation: op.name,
      safety: op.safety,
      signal: scope.signal,
      retryDeadline: Date.now() + (retry?.deadlineMs ?? timeoutMs ?? DEFAULT_RETRY_DEADLINE_MS),
      backoff: retryBackoff(retry),
    };
  }

  /** One attempt: prefix, token, POST; on a 401 with an expired token, re-authenticates once and re-sends. */
  private async send(op: OperationDescriptor, payload: string, attempt: Attempt, scope: Scope): Promise<HttpResponse> {
    try {
      return await this.sendOnce(op, payload, attempt, scope);
    } catch (error) {
      if (!(error instanceof EtcdError) && !scope.signal.aborted) this.forgetVersion(attempt.endpoint);
      throw error;
    }
  }

  private async sendOnce(op: OperationDescriptor, payload: string, attempt: Attempt, scope: Scope): Promise<HttpResponse> {
    const { endpoint } = attempt;
    const prefix = await this.resolvePrefix(endpoint, scope.signal);
    const token = op.noAuth === true ? undefined : await this.tokens.get(endpoint, prefix, scope.signal);
    attempt.sent = true;
    const response = await this.post(endpoint, prefix, op, payload, token, scope);
    if (isOk(response.status)) return response;
    const error = await errorFromResponse(response, op, endpoint, prefix, this.options.prefix);
    if (!isInvalidTokenError(error) || token === undefined || !this.tokens.invalidate(token)) throw error;
    const fresh = await this.tokens.get(endpoint, prefix, scope.signal);
    const retried = await this.post(endpoint, prefix, op, payload, fresh, scope);
    if (isOk(retried.status)) return retried;
    throw await errorFromResponse(retried, op, endpoint, prefix, this.options.prefix);
  }

  private post(
    endpoint: string,
    prefix: Prefix,
    op: OperationDescriptor,
    payload: string,
    token: string | undefined,
    scope: Scope,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...this.postHeaders };
    if (token !== undefined) headers['Authorization'] = token;
    if (scope.deadline !== undefined && this.deadlineHeader) headers['Grpc-Timeout'] = grpcTimeout(scope.deadline - Date.now());
    return this.engine.send({ url: endpoint + prefix + op.route, method: 'POST', headers, body: payload, signal: scope.signal });
  }

  private async authenticate(endpoint: string, prefix: Prefix, name: string, password: string): Promise<string> {
    // Shared by every waiting call, so it is bound to the client, not to the call that started it.
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_RETRY_DEADLINE_MS;
    const scope = createScope([this.root.signal], timeoutMs);
    try {
      const payload = JSON.stringify({ name, password });
      // A client-side guard only: no Grpc-Timeout header, which etcd's CORS answer does not allow (browsers).
      const guard = { ...scope, deadline: undefined };
      const response = await this.post(endpoint, prefix, AUTHENTICATE, payload, undefined, guard);
      if (!isOk(response.status)) throw await errorFromResponse(response, AUTHENTICATE, endpoint, prefix, this.options.prefix);
      const { token } = await readJsonObject(response, AUTHENTICATE, endpoint);
      if (typeof token === 'string' && token !== '') return token;
      throw new EtcdDecodeError('token', `authenticate at ${endpoint} returned no token`);
    } finally {
      scope.dispose();
    }
  }

  private async resolvePrefix(endpoint: string, signal: AbortSignal): Promise<Prefix> {
    const fixed = this.options.prefix;
    if (fixed !== undefined && fixed !== 'auto') return fixed;
    const known = this.prefixes.get(endpoint);
    if (known !== undefined) return known;
    const prefix = prefixForVersion(await raceSignal(this.versionOf(endpoint), signal));
    this.prefixes.set(endpoint, prefix);
    return prefix;
  }

  /** GET /version once per endpoint; a failure is not cached, so the next call probes again. */
  private versionOf(endpoint: string): Promise<string> {
    let version = this.versions.get(endpoint);
    if (version === undefined) {
      const scope = createScope([this.root.signal], this.options.timeoutMs ?? DEFAULT_RETRY_DEADLINE_MS);
      version = fetchServerVersion(this.engine, endpoint, { ...this.options.headers }, scope.signal).finally(() =>
        scope.dispose(),
      );
      version.catch(() => this.forgetVersion(endpoint, version));
      this.versions.set(endpoint, version);
    }
    return version;
  }

  /** Drops a cached version (a failed probe, or a member that went away and may come back upgraded). */
  private forgetVersion(endpoint: string, only?: Promise<string>): void {
    if (only !== undefined && this.versions.get(endpoint) !== only) return;
    this.versions.delete(endpoint);
    this.prefixes.delete(endpoint);
  }
}

/** Without the failover layer: one attempt on the current endpoint; a connection failure moves the next call on. */
async function oneAttempt<T>(ring: EndpointRing, plan: FailoverPlan, run: (attempt: Attempt) => Promise<T>): Promise<T> {
  const attempt: Attempt = { endpoint: ring.endpoints[ring.current] ?? '', sent: false };
  try {
    return await run(attempt);
  } catch (error) {
    if (plan.signal.aborted || error instanceof EtcdError || error instanceof EtcdDecodeError) throw error;
    ring.current = (ring.current + 1) % ring.endpoints.length;
    throw new EtcdConnectionError(`${plan.operation} failed on ${attempt.endpoint}`, [{ endpoint: attempt.endpoint, error }], plan.operation);
  }
}

function checkOptions(options: ClientOptions, layers: TransportLayers): void {
  if (options.auth !== undefined && layers.auth === undefined) {
    throw new TypeError('ClientOptions.auth needs the auth layer: createTransport(options, { ...authLayer }) (createClient has it)');
  }
  checkTimeout(options.timeoutMs, 'ClientOptions.timeoutMs');
  checkTimeout(options.retry?.deadlineMs, 'ClientOptions.retry.deadlineMs');
  checkTimeout(options.retry?.initialBackoffMs, 'ClientOptions.retry.initialBackoffMs');
  checkTimeout(options.retry?.maxBackoffMs, 'ClientOptions.retry.maxBackoffMs');
  const prefix = options.prefix;
  if (prefix !== undefined && !['auto', '/v3', '/v3beta', '/v3alpha'].includes(prefix)) {
    throw new TypeError(`ClientOptions.prefix ${JSON.stringify(prefix)} is not 'auto', '/v3', '/v3beta' or '/v3alpha'`);
  }
}

function checkTimeout(ms: number | undefined, name: string): void {
  if (ms !== undefined && !(Number.isFinite(ms) && ms > 0)) {
    throw new RangeError(`${name} must be a positive number of milliseconds, got ${String(ms)}`);
  }
}
