// The transport every generated service calls: POSTs wire JSON to the etcd gateway, picks the prefix per
// endpoint, authenticates, applies deadlines, fails over between endpoints, and turns error bodies into EtcdError.
// Its jobs each have a room: option checks (check-options.ts), the endpoint ring (ring.ts), the version/prefix
// cache (version-cache.ts), the request itself (post.ts), the token retry (token-retry.ts), and the liveness guard
// with the observe hook around each attempt (attempt.ts). This file puts them together.
import type { TokenSource } from './auth.js';
import { normalizeEndpoint } from './endpoints.js';
import { GrpcCode } from '../codes.js';
import { EtcdConnectionError, EtcdDecodeError, EtcdError, EtcdLimitError } from '../errors.js';
import { byteLimits, isReadLimitExceeded, type ByteLimits } from '../wire/limits.js';
import { protectOptions } from './secrets.js';
import { openAttempt, runAttempt, type AttemptDeps, type OpenAttempt } from './attempt.js';
import { callPlan, openCallScope } from './call-scope.js';
import { checkOptions } from './check-options.js';
import type { Attempt } from './failover.js';
import { createPost } from './post.js';
import { bodyError, checkedBody, jsonObjectOf, streamResult } from './responses.js';
import { createRing, oneAttempt, type Ring } from './ring.js';
import { createScope, type Scope } from './signals.js';
import { requestToken, sendWithToken, type TokenRetryDeps } from './token-retry.js';
import type {
  CallOptions,
  ClientOptions,
  Ending,
  HttpEngine,
  HttpResponse,
  OperationDescriptor,
  Prefix,
  Transport,
} from '../types.js';
import { createVersionCache, type VersionCache } from './version-cache.js';
import { fetchEngineFor } from './engines/fetch.js';
import type { TransportLayers } from './transport-layers.js';

export { prefixForVersion } from './endpoints.js';
export type { TransportLayers } from './transport-layers.js';
export type { CallOptions, ClientOptions, OperationDescriptor, Prefix, Transport } from '../types.js';
export { txnIsReadOnly } from './txn.js';

/**
 * A transport over `options.endpoints` with the given layers. Alone (no layers) it is the smallest client a
 * bundle can carry: unary calls, the path prefix by server version, deadlines and typed errors.
 */
export function createTransport(options: ClientOptions, layers: TransportLayers = {}): Transport {
  return new GatewayTransport(options, layers);
}

const NO_TOKENS: TokenSource = { get: () => undefined, invalidate: () => false };

class GatewayTransport implements Transport {
  readonly options: ClientOptions;
  /** Its `endpoints` are replaced by auto-sync; failover reads them on every attempt. */
  private readonly ring: Ring;
  /** The client's life: close() ends it. A scope, not an AbortController: its signal is made only if read. */
  private readonly root = createScope([]);
  private readonly versions: VersionCache;
  private readonly tokens: TokenSource;
  private readonly engine: HttpEngine;
  private readonly attempts: AttemptDeps;
  private readonly sender: TokenRetryDeps;
  private readonly limits: ByteLimits;

  constructor(
    options: ClientOptions,
    private readonly layers: TransportLayers,
  ) {
    checkOptions(options, layers);
    this.limits = byteLimits(options);
    // Secrets stay in the layers' closures; what the transport shows (options) has them hidden.
    this.options = protectOptions(options);
    this.ring = createRing(options.endpoints);
    this.engine = (layers.engine ?? fetchEngineFor)(options);
    this.versions = createVersionCache(this.engine, options, this.root);
    const tuning = options.liveness;
    const liveness =
      tuning === false
        ? undefined
        : layers.liveness?.(
            (endpoint, signal) => this.probe(endpoint, signal),
            tuning,
            (endpoint) => this.endpointFailed(endpoint),
          );
    this.attempts = { options: this.options, observe: layers.observe, liveness };
    this.tokens =
      layers.auth?.(options.auth, (endpoint, prefix, name, password) =>
        requestToken({ ...this.sender, attempts: this.attempts, closed: this.root }, endpoint, prefix, name, password),
      ) ?? NO_TOKENS;
    this.sender = {
      tokens: this.tokens,
      prefixOption: options.prefix,
      maxResponseBytes: this.limits.maxResponseBytes,
      prefixOf: (endpoint, from) => this.versions.prefixOf(endpoint, from),
      post: createPost(this.engine, options),
    };
    if (options.autoSyncIntervalMs !== undefined) {
      layers.autoSync?.(this, options.autoSyncIntervalMs, (endpoints) => this.ring.replace(endpoints));
    }
  }

  get endpoints(): readonly string[] {
    return this.ring.endpoints;
  }

  async unary(op: OperationDescriptor, body: unknown, options: CallOptions = {}): Promise<Record<string, unknown>> {
    const payload = JSON.stringify(body ?? {});
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const scope = openCallScope(op, timeoutMs, [options.signal, this.root]);
    const plan = callPlan(this.options.retry, op, scope, timeoutMs, options.idempotent === true);
    let n = 0;
    try {
      return await (this.layers.failover ?? oneAttempt)(this.ring, plan, (attempt) =>
        this.callAttempt(op, payload, attempt, ++n, scope),
      );
    } catch (error) {
      throw scope.aborted ? scope.reason : error;
    } finally {
      scope.dispose();
    }
  }

  /**
   * Attempt `n` of a unary call: sent, answered and read in this one frame. It is what every call runs, so it
   * does runAttempt's work (observe, liveness guard), send()'s and readJsonObject's inline rather than through more
   * async layers.
   */
  private async callAttempt(
    op: OperationDescriptor,
    payload: string,
    attempt: Attempt,
    n: number,
    scope: Scope,
  ): Promise<Record<string, unknown>> {
    const open = openAttempt(this.attempts, 'call', op.name, attempt.endpoint, n, scope);
    try {
      let response: HttpResponse;
      try {
        response = await sendWithToken(this.sender, op, payload, attempt, open.scope);
      } catch (error) {
        this.sendFailed(error, attempt, open.scope);
        throw error;
      }
      const { maxResponseBytes } = this.limits;
      let read: string;
      try {
        read = await response.text(maxResponseBytes);
      } catch (error) {
        throw bodyError(error, op, attempt.endpoint, maxResponseBytes);
      }
      const value = jsonObjectOf(checkedBody(read, op, attempt.endpoint, maxResponseBytes), op, attempt.endpoint);
      open.end();
      return value;
    } catch (error) {
      open.end(scope.aborted ? scope.reason : error);
      throw error;
    }
  }

  async *stream(
    op: OperationDescriptor,
    body: unknown | readonly unknown[],
    options: CallOptions = {},
    within?: Ending,
  ): AsyncGenerator<Record<string, unknown>> {
    const read = this.layers.streams;
    if (read === undefined)
      throw new TypeError(`${op.name} streams: build the transport with the stream layer (createClient has it)`);
    const payload = Array.isArray(body) ? body.map((b) => JSON.stringify(b)).join('\n') : JSON.stringify(body ?? {});
    // Only a per-call timeout bounds a stream: the client default would cut every long-lived watch.
    const scope = openCallScope(op, options.timeoutMs, [options.signal, within, this.root]);
    let opened: OpenAttempt | undefined; // the stream's attempt, reported when the stream ends
    let n = 0;
    let failure: unknown;
    try {
      const { response, endpoint } = await (this.layers.failover ?? oneAttempt)(
        this.ring,
        callPlan(this.options.retry, op, scope, options.timeoutMs, false),
        async (attempt) => {
          const { value, attempt: open } = await runAttempt(
            this.attempts,
            'stream',
            op.name,
            attempt.endpoint,
            ++n,
            scope,
            (open) => this.send(op, payload, attempt, open.scope),
          );
          opened = open;
          return { response: value, endpoint: attempt.endpoint };
        },
      );
      try {
        const ending = opened?.scope ?? scope;
        for await (const message of read(response.chunks(), ending, this.limits.maxMessageBytes)) {
          opened?.heard();
          yield streamResult(message as Record<string, unknown>, op, endpoint);
        }
      } catch (error) {
        const { maxMessageBytes } = this.limits;
        if (isReadLimitExceeded(error))
          throw new EtcdLimitError('maxMessageBytes', maxMessageBytes, { operation: op.name, endpoint });
        if (scope.aborted || error instanceof EtcdError || error instanceof EtcdDecodeError) throw error;
        throw new EtcdConnectionError(`${op.name} stream from ${endpoint} broke`, [{ endpoint, error }], op.name);
      }
    } catch (error) {
      failure = scope.aborted ? scope.reason : error;
      throw failure;
    } finally {
      const stoppedByClient = scope.aborted; // aborted before this line: the caller stopped it
      // The call's scope first: the attempt's follows it, and aborting it closes the response. Already aborted (a
      // watch's close most often): only released, without making an error no one reads.
      if (scope.aborted) scope.dispose();
      else
        scope.abort(
          new EtcdError(`${op.name} stream closed by the client`, { code: GrpcCode.Canceled, operation: op.name }),
        );
      opened?.end(failure, stoppedByClient);
    }
  }

  async serverVersion(): Promise<string | undefined> {
    const n = this.endpoints.length;
    for (let step = 0; step < n; step++) {
      const endpoint = this.endpoints[(this.ring.current + step) % n] ?? '';
      try {
        return await this.versions.versionOf(endpoint);
      } catch {
        // try the next endpoint; undefined when none answers
      }
    }
    return undefined;
  }

  get currentEndpoint(): string {
    return this.ring.currentEndpoint;
  }

  endpointFailed(endpoint: string): void {
    this.ring.failed(endpoint);
    this.versions.forget(endpoint);
  }

  versionAt(endpoint: string): Promise<string> {
    return this.versions.versionOf(normalizeEndpoint(endpoint));
  }

  async prefixFor(endpoint: string): Promise<Prefix> {
    return this.versions.prefixOf(normalizeEndpoint(endpoint), this.root);
  }

  async token(endpoint?: string, signal: AbortSignal = this.root.signal): Promise<string | undefined> {
    const at = endpoint === undefined ? this.currentEndpoint : normalizeEndpoint(endpoint);
    const from = { signal };
    return this.tokens.get(at, await this.versions.prefixOf(at, from), from);
  }

  invalidateToken(token: string): boolean {
    return this.tokens.invalidate(token);
  }

  get closed(): AbortSignal {
    return this.root.signal;
  }

  get lifetime(): Ending {
    return this.root;
  }

  close(): void {
    this.root.abort(new EtcdError('the etcd client is closed', { code: GrpcCode.Canceled }));
    this.engine.close?.();
  }

  /** The liveness probe: GET /version through the engine (TLS included), bounded by the probe's signal. */
  private async probe(endpoint: string, signal: AbortSignal): Promise<void> {
    const response = await this.engine.send({
      url: `${endpoint}/version`,
      method: 'GET',
      headers: { ...this.options.headers },
      signal,
    });
    await response.text(this.limits.maxResponseBytes);
  }

  /** One attempt's request; a connection failure (not an answer) makes the endpoint's version be asked again. */
  private async send(op: OperationDescriptor, payload: string, attempt: Attempt, scope: Scope): Promise<HttpResponse> {
    try {
      return await sendWithToken(this.sender, op, payload, attempt, scope);
    } catch (error) {
      this.sendFailed(error, attempt, scope);
      throw error;
    }
  }

  /** A request that got no answer (not an error answer): the endpoint's version is asked again next time. */
  private sendFailed(error: unknown, attempt: Attempt, scope: Scope): void {
    if (!(error instanceof EtcdError) && !scope.aborted) this.versions.forget(attempt.endpoint);
  }
}
