// The transport every generated service calls: POSTs wire JSON to the etcd gateway, picks the prefix per
// endpoint, authenticates, applies deadlines, fails over between endpoints, and turns error bodies into EtcdError.
import { isInvalidTokenError, type createTokenSource, type TokenSource } from './auth.js';
import {
  fetchServerVersion,
  isOk,
  moveOn,
  normalizeEndpoint,
  normalizeEndpoints,
  prefixForVersion,
} from './endpoints.js';
import { GrpcCode } from '../codes.js';
import { EtcdConnectionError, EtcdDecodeError, EtcdError, EtcdLimitError, systemErrorCode } from '../errors.js';
import { byteLimits, isReadLimitExceeded, type ByteLimits } from '../wire/limits.js';
import { protectOptions } from './secrets.js';
import { retryBackoff } from './backoff.js';
import type { Attempt, EndpointRing, FailoverPlan, withFailover } from './failover.js';
import type { createLiveness, Liveness } from './liveness.js';
import type { readJsonStream } from '../wire/ndjson.js';
import { errorFromResponse, grpcTimeout, readJsonObject, streamResult } from './responses.js';
import { createScope, raceSignal, type Scope } from './signals.js';
import type { CallOptions, ClientOptions, HttpEngine, HttpResponse, OperationDescriptor, Prefix, Transport } from '../types.js';
import type { chooseEngine } from './engines/choose.js';
import { fetchEngineFor } from './engines/fetch.js';
import type { observeStart, Observation } from './observe.js';
import type { startAutoSync } from './auto-sync.js';

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
 * (core/layers.ts has them; `createClient` passes them all): the Node engine, failover between endpoints,
 * authentication, streams, hung-member probes, endpoint auto-sync and the observe hook.
 */
export interface TransportLayers {
  /** Picks the engine: the Node engine (node:http keep-alive, TLS options) where the runtime has one; without it, fetch. */
  readonly engine?: typeof chooseEngine;
  /** Runs a call's attempts across endpoints; without it a call makes one attempt, and the next call moves on. */
  readonly failover?: typeof withFailover;
  /** Authenticates with `ClientOptions.auth`; without it the option is refused. */
  readonly auth?: typeof createTokenSource;
  /** Reads streaming answers (watch, keepalive, snapshot, observe); without it `stream()` is refused. */
  readonly streams?: typeof readJsonStream;
  /** Probes endpoints that calls wait on and aborts the calls when one hangs; without it calls wait for their deadline. */
  readonly liveness?: typeof createLiveness;
  /** Refreshes the endpoints from the member list (`ClientOptions.autoSyncIntervalMs`); without it the option is refused. */
  readonly autoSync?: typeof startAutoSync;
  /** Reports calls, streams and authentications to `ClientOptions.observe`; without it the option is refused. */
  readonly observe?: typeof observeStart;
}

/**
 * A transport over `options.endpoints` with the given layers. Alone (no layers) it is the smallest client a
 * bundle can carry: unary calls, the path prefix by server version, deadlines and typed errors.
 */
export function createTransport(options: ClientOptions, layers: TransportLayers = {}): Transport {
  return new GatewayTransport(options, layers);
}

const NO_TOKENS: TokenSource = { get: async () => undefined, invalidate: () => false };
const UNOBSERVED: Observation = { end: () => undefined };

class GatewayTransport implements Transport {
  readonly options: ClientOptions;
  /** `endpoints` replaced by auto-sync; failover reads it on every attempt. */
  private readonly ring: { endpoints: readonly string[]; current: number };
  private readonly root = new AbortController();
  private readonly postHeaders: Readonly<Record<string, string>>;
  private readonly versions = new Map<string, Promise<string>>();
  private readonly prefixes = new Map<string, Prefix>();
  private readonly tokens: TokenSource;
  private readonly deadlineHeader: boolean;
  private readonly engine: HttpEngine;
  private readonly liveness: Liveness | undefined;
  private readonly limits: ByteLimits;

  constructor(
    options: ClientOptions,
    private readonly layers: TransportLayers,
  ) {
    checkOptions(options, layers);
    this.limits = byteLimits(options);
    // Secrets stay in the layers' closures; what the transport shows (options) has them hidden.
    this.options = protectOptions(options);
    this.ring = { endpoints: normalizeEndpoints(options.endpoints), current: 0 };
    this.engine = (layers.engine ?? fetchEngineFor)(options);
    this.deadlineHeader = options.deadlineHeader ?? typeof (globalThis as { document?: unknown }).document === 'undefined';
    this.postHeaders = {
      'Content-Type': 'application/json',
      ...options.headers,
      ...(options.requireLeader === true ? { 'Grpc-Metadata-hasleader': 'true' } : {}),
    };
    const tuning = options.liveness;
    this.liveness =
      tuning === false
        ? undefined
        : layers.liveness?.((endpoint, signal) => this.probe(endpoint, signal), tuning, (endpoint) => this.endpointFailed(endpoint));
    this.tokens =
      layers.auth?.(options.auth, (endpoint, prefix, name, password) => this.authenticate(endpoint, prefix, name, password)) ??
      NO_TOKENS;
    if (options.autoSyncIntervalMs !== undefined) {
      layers.autoSync?.(this, options.autoSyncIntervalMs, (endpoints) => this.replaceEndpoints(endpoints));
    }
  }

  get endpoints(): readonly string[] {
    return this.ring.endpoints;
  }

  /** Auto-sync found these members: new calls use them, starting on the current endpoint if it is still there. */
  private replaceEndpoints(endpoints: readonly string[]): void {
    const current = this.ring.endpoints[this.ring.current];
    const kept = current === undefined ? -1 : endpoints.indexOf(current);
    this.ring.endpoints = endpoints;
    this.ring.current = Math.max(0, kept);
  }

  async unary(op: OperationDescriptor, body: unknown, options: CallOptions = {}): Promise<Record<string, unknown>> {
    const payload = JSON.stringify(body ?? {});
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const scope = this.openScope(op, timeoutMs, options.signal);
    const plan = this.plan(op, scope, timeoutMs, options.idempotent === true);
    let attempts = 0;
    try {
      return await (this.layers.failover ?? oneAttempt)(this.ring, plan, async (attempt) => {
        const observed = this.observe('call', op.name, attempt.endpoint, ++attempts);
        const guarded = this.guard(attempt.endpoint, scope);
        try {
          const response = await this.send(op, payload, attempt, guarded.scope);
          const result = await readJsonObject(response, op, attempt.endpoint, this.limits.maxResponseBytes);
          observed.end();
          return result;
        } catch (error) {
          observed.end(scope.signal.aborted ? scope.signal.reason : error);
          throw error;
        } finally {
          guarded.release();
        }
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
    let guarded: Guarded | undefined;
    let attempts = 0;
    let observed: Observation | undefined; // the stream that opened, reported when it ends
    let failure: unknown;
    try {
      const { response, endpoint } = await (this.layers.failover ?? oneAttempt)(
        this.ring,
        this.plan(op, scope, options.timeoutMs, false),
        async (attempt) => {
          const opening = this.observe('stream', op.name, attempt.endpoint, ++attempts);
          const guard = this.guard(attempt.endpoint, scope);
          try {
            const opened = await this.send(op, payload, attempt, guard.scope);
            guarded = guard;
            observed = opening;
            return { response: opened, endpoint: attempt.endpoint };
          } catch (error) {
            opening.end(scope.signal.aborted ? scope.signal.reason : error, scope.signal.aborted);
            throw error;
          } finally {
            if (guarded !== guard) guard.release();
          }
        },
      );
      try {
        const signal = guarded?.scope.signal ?? scope.signal;
        for await (const message of read(response.chunks(), signal, this.limits.maxMessageBytes)) {
          guarded?.heard();
          yield streamResult(message as Record<string, unknown>, op, endpoint);
        }
      } catch (error) {
        const { maxMessageBytes } = this.limits;
        if (isReadLimitExceeded(error)) throw new EtcdLimitError('maxMessageBytes', maxMessageBytes, { operation: op.name, endpoint });
        if (scope.signal.aborted || error instanceof EtcdError || error instanceof EtcdDecodeError) throw error;
        throw new EtcdConnectionError(`${op.name} stream from ${endpoint} broke`, [{ endpoint, error }], op.name);
      }
    } catch (error) {
      failure = scope.signal.aborted ? scope.signal.reason : error;
      throw failure;
    } finally {
      observed?.end(failure, scope.signal.aborted); // aborted before this line: the caller stopped it
      // The call's scope first: the attempt's follows it, and aborting it closes the response.
      scope.abort(new EtcdError(`${op.name} stream closed by the client`, { code: GrpcCode.Canceled, operation: op.name }));
      guarded?.release();
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

  get currentEndpoint(): string {
    return this.ring.endpoints[this.ring.current] ?? '';
  }

  endpointFailed(endpoint: string): void {
    moveOn(this.ring, this.ring.endpoints.indexOf(endpoint));
    this.forgetVersion(endpoint);
  }

  versionAt(endpoint: string): Promise<string> {
    return this.versionOf(normalizeEndpoint(endpoint));
  }

  prefixFor(endpoint: string): Promise<Prefix> {
    return this.resolvePrefix(normalizeEndpoint(endpoint), this.root.signal);
  }

  async token(endpoint?: string, signal: AbortSignal = this.root.signal): Promise<string | undefined> {
    const at = endpoint === undefined ? this.currentEndpoint : normalizeEndpoint(endpoint);
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

  /**
   * One attempt's scope under the liveness monitor: aborted with a connection error when its endpoint hangs, so the
   * failover moves on while the call's own scope (deadline, caller's signal) stays as it is.
   */
  private guard(endpoint: string, scope: Scope): Guarded {
    if (this.liveness === undefined) return { scope, heard: () => undefined, release: () => undefined };
    const child = createScope([scope.signal]);
    const watched = this.liveness.guard(endpoint, (error) => child.abort(error));
    return {
      scope: { ...child, deadline: scope.deadline },
      heard: watched.heard,
      release: () => {
        watched.release();
        child.dispose();
      },
    };
  }

  /** The liveness probe: GET /version through the engine (TLS included), bounded by the probe's signal. */
  private async probe(endpoint: string, signal: AbortSignal): Promise<void> {
    const response = await this.engine.send({ url: `${endpoint}/version`, method: 'GET', headers: { ...this.options.headers }, signal });
    await response.text(this.limits.maxResponseBytes);
  }


  private observe(type: 'call' | 'stream' | 'authenticate', operation: string, endpoint: string, attempt: number): Observation {
    return this.layers.observe?.(this.options, type, operation, endpoint, attempt) ?? UNOBSERVED;
  }

  /** The call's signal: the user's, the client's close(), and the deadline (aborting with DEADLINE_EXCEEDED). */
  private openScope(op: OperationDescriptor, timeoutMs: number | undefined, signal: AbortSignal | undefined): Scope {
    checkTimeout(timeoutMs, 'timeoutMs');
    return createScope([signal, this.root.signal], timeoutMs, () => {
      const message = `${op.name} exceeded its deadline of ${timeoutMs} ms`;
      return new EtcdError(message, { code: GrpcCode.DeadlineExceeded, operation: op.name });
    });
  }

  /** `idempotent`: the caller says this write may be applied twice, so it fails over like a read. */
  private plan(op: OperationDescriptor, scope: Scope, timeoutMs: number | undefined, idempotent: boolean): FailoverPlan {
    const retry = this.options.retry;
    return {
      operation: op.name,
      safety: idempotent ? 'read' : op.safety,
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
    let response: HttpResponse;
    try {
      response = await this.post(endpoint, prefix, op, payload, token, scope);
    } catch (error) {
      if (!this.tokenClosedConnection(op, token, error, scope)) throw error;
      // Upstream 3.4.23 closes the connection on an expired token (etcd-io/etcd#15256): a read tries once more.
      return await this.post(endpoint, prefix, op, payload, await this.tokens.get(endpoint, prefix, scope.signal), scope);
    }
    if (isOk(response.status)) return response;
    const sizes = { maxBytes: this.limits.maxResponseBytes, requestBytes: byteLength(payload) };
    const error = await errorFromResponse(response, op, endpoint, prefix, this.options.prefix, sizes);
    if (!isInvalidTokenError(error) || token === undefined || !this.tokens.invalidate(token)) throw error;
    const fresh = await this.tokens.get(endpoint, prefix, scope.signal);
    const retried = await this.post(endpoint, prefix, op, payload, fresh, scope);
    if (isOk(retried.status)) return retried;
    throw await errorFromResponse(retried, op, endpoint, prefix, this.options.prefix, sizes);
  }

  /**
   * Whether a connection closed without an answer may mean the token expired (some etcd builds close it instead of
   * answering 401): the token is then dropped, so the next request authenticates again. True only for a read,
   * which may be re-sent; a write that got no answer may have been applied, and fails as it is.
   */
  private tokenClosedConnection(op: OperationDescriptor, token: string | undefined, error: unknown, scope: Scope): boolean {
    if (token === undefined || scope.signal.aborted || !closedWithoutAnswer(error)) return false;
    return this.tokens.invalidate(token) && op.safety === 'read';
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
    const observed = this.observe('authenticate', AUTHENTICATE.name, endpoint, 1);
    try {
      const payload = JSON.stringify({ name, password });
      // A client-side guard only: no Grpc-Timeout header, which etcd's CORS answer does not allow (browsers).
      const guard = { ...scope, deadline: undefined };
      const response = await this.post(endpoint, prefix, AUTHENTICATE, payload, undefined, guard);
      const maxBytes = this.limits.maxResponseBytes;
      if (!isOk(response.status)) {
        throw await errorFromResponse(response, AUTHENTICATE, endpoint, prefix, this.options.prefix, { maxBytes });
      }
      const { token } = await readJsonObject(response, AUTHENTICATE, endpoint, maxBytes);
      if (typeof token !== 'string' || token === '') {
        throw new EtcdDecodeError('token', `authenticate at ${endpoint} returned no token`);
      }
      observed.end();
      return token;
    } catch (error) {
      observed.end(error);
      throw error;
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
      const headers = { ...this.options.headers };
      version = fetchServerVersion(this.engine, endpoint, headers, scope.signal, this.limits.maxResponseBytes).finally(() =>
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

const encoder = new TextEncoder();

/** The UTF-8 size of a request body (only asked when the server refused one). */
function byteLength(text: string): number {
  return encoder.encode(text).byteLength;
}

/** A connection the server closed before any answer: Node's `socket hang up`, undici's `other side closed`. */
function closedWithoutAnswer(error: unknown): boolean {
  const code = systemErrorCode(error);
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
}

/** An attempt's scope and its liveness guard. */
interface Guarded {
  readonly scope: Scope;
  heard(): void;
  release(): void;
}

/** Without the failover layer: one attempt on the current endpoint; a connection failure moves the next call on. */
async function oneAttempt<T>(ring: EndpointRing, plan: FailoverPlan, run: (attempt: Attempt) => Promise<T>): Promise<T> {
  const attempt: Attempt = { endpoint: ring.endpoints[ring.current] ?? '', sent: false };
  try {
    return await run(attempt);
  } catch (error) {
    if (plan.signal.aborted || error instanceof EtcdError || error instanceof EtcdDecodeError) throw error;
    moveOn(ring, ring.endpoints.indexOf(attempt.endpoint));
    throw new EtcdConnectionError(`${plan.operation} failed on ${attempt.endpoint}`, [{ endpoint: attempt.endpoint, error }], plan.operation);
  }
}

function checkOptions(options: ClientOptions, layers: TransportLayers): void {
  for (const [option, name, layer] of [
    ['auth', 'authLayer', layers.auth],
    ['autoSyncIntervalMs', 'autoSyncLayer', layers.autoSync],
    ['observe', 'observeLayer', layers.observe],
  ] as const) {
    if (options[option] !== undefined && layer === undefined) {
      throw new TypeError(`ClientOptions.${option} needs ${name}: createTransport(options, { ...${name} }) (createClient has it)`);
    }
  }
  checkTimeout(options.autoSyncIntervalMs, 'ClientOptions.autoSyncIntervalMs');
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
