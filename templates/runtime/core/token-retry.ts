// One attempt's request with its token: prefix, token, POST; on a 401 for an expired token it re-authenticates
// once and sends again, and a read whose connection closed without an answer (how some servers answer an expired
// token) is sent once more with a fresh token. And the request that gets a token (Authenticate).
import { EtcdDecodeError, systemErrorCode } from '../errors.js';
import { observeAttempt, type AttemptDeps } from './attempt.js';
import type { ClientOptions, Ending, HttpResponse, OperationDescriptor, Prefix } from '../types.js';
import { isInvalidTokenError, type TokenSource } from './auth.js';
import { isOk } from './endpoints.js';
import type { Attempt } from './failover.js';
import { errorFromResponse, readJsonObject } from './responses.js';
import { childScope, createScope, type Scope, type SignalSource } from './signals.js';
import type { Post } from './post.js';
import { DEFAULT_RETRY_DEADLINE_MS } from './version-cache.js';

export interface TokenRetryDeps {
  readonly tokens: TokenSource;
  /** The prefix option as given (for the error of a misrouted answer). */
  readonly prefixOption: ClientOptions['prefix'];
  /** ClientOptions.maxResponseBytes, resolved. */
  readonly maxResponseBytes: number;
  /** The prefix for `endpoint`: as it is when known, a promise while its version is asked. */
  prefixOf(endpoint: string, from: SignalSource): Prefix | Promise<Prefix>;
  readonly post: Post;
}

/** Sends `payload` for `op` on `attempt.endpoint`, authenticated; an error answer becomes its EtcdError. */
export async function sendWithToken(
  deps: TokenRetryDeps,
  op: OperationDescriptor,
  payload: string,
  attempt: Attempt,
  scope: Scope,
): Promise<HttpResponse> {
  const { endpoint } = attempt;
  const { tokens, post } = deps;
  // Both are known on all but the first call (a cached prefix, a held token or none): no await for them then.
  const knownPrefix = deps.prefixOf(endpoint, scope);
  const prefix = typeof knownPrefix === 'string' ? knownPrefix : await knownPrefix;
  const knownToken = op.noAuth === true ? undefined : tokens.get(endpoint, prefix, scope);
  const token = typeof knownToken === 'object' ? await knownToken : knownToken;
  attempt.sent = true;
  let response: HttpResponse;
  try {
    response = await post(endpoint, prefix, op, payload, token, scope);
  } catch (error) {
    if (!tokenClosedConnection(tokens, op, token, error, scope)) throw error;
    // Upstream 3.4.23 closes the connection on an expired token (etcd-io/etcd#15256): a read tries once more.
    return await post(endpoint, prefix, op, payload, await tokens.get(endpoint, prefix, scope), scope);
  }
  if (isOk(response.status)) return response;
  const sizes = { maxBytes: deps.maxResponseBytes, requestBytes: byteLength(payload) };
  const error = await errorFromResponse(response, op, endpoint, prefix, deps.prefixOption, sizes);
  if (!isInvalidTokenError(error) || token === undefined || !tokens.invalidate(token)) throw error;
  const fresh = await tokens.get(endpoint, prefix, scope);
  const retried = await post(endpoint, prefix, op, payload, fresh, scope);
  if (isOk(retried.status)) return retried;
  throw await errorFromResponse(retried, op, endpoint, prefix, deps.prefixOption, sizes);
}

/**
 * Whether a connection closed without an answer may mean the token expired (some etcd builds close it instead of
 * answering 401): the token is then dropped, so the next request authenticates again. True only for a read,
 * which may be re-sent; a write that got no answer may have been applied, and fails as it is.
 */
function tokenClosedConnection(
  tokens: TokenSource,
  op: OperationDescriptor,
  token: string | undefined,
  error: unknown,
  scope: Scope,
): boolean {
  if (token === undefined || scope.aborted || !closedWithoutAnswer(error)) return false;
  return tokens.invalidate(token) && op.safety === 'read';
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

const AUTHENTICATE: OperationDescriptor = {
  name: 'auth.authenticate',
  route: '/auth/authenticate',
  safety: 'read',
  noAuth: true,
};

/** What authenticating needs beyond sending: the observe hook, and the client's close() to bound it. */
export interface AuthenticateDeps extends TokenRetryDeps {
  readonly attempts: AttemptDeps;
  readonly closed: Ending;
}

/** POST /auth/authenticate on `endpoint` → the token. */
export async function requestToken(
  deps: AuthenticateDeps,
  endpoint: string,
  prefix: Prefix,
  name: string,
  password: string,
): Promise<string> {
  // Shared by every waiting call, so it is bound to the client, not to the call that started it.
  const timeoutMs = deps.attempts.options.timeoutMs ?? DEFAULT_RETRY_DEADLINE_MS;
  const scope = createScope([deps.closed], timeoutMs);
  const observed = observeAttempt(deps.attempts, 'authenticate', AUTHENTICATE.name, endpoint, 1);
  try {
    const payload = JSON.stringify({ name, password });
    // A client-side guard only: no Grpc-Timeout header, which etcd's CORS answer does not allow (browsers).
    const guard = childScope(scope, { deadline: false });
    const response = await deps.post(endpoint, prefix, AUTHENTICATE, payload, undefined, guard);
    const maxBytes = deps.maxResponseBytes;
    if (!isOk(response.status)) {
      throw await errorFromResponse(response, AUTHENTICATE, endpoint, prefix, deps.prefixOption, { maxBytes });
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
