// The token a call sends. With a user name and password the client authenticates lazily, shares one in-flight
// authentication among concurrent calls, and can drop a token the server rejected (expired) to fetch a new one.
import { GrpcCode } from '../codes.js';
import { raceSignal, type SignalSource } from './signals.js';
import type { AuthOptions, Prefix } from '../types.js';
import type { EtcdError } from '../errors.js';

/** Performs POST <prefix>/auth/authenticate on `endpoint` and resolves to the token. */
export type Authenticate = (endpoint: string, prefix: Prefix, name: string, password: string) => Promise<string>;

export interface TokenSource {
  /**
   * The token to send, authenticating first if needed (bounded by `from`'s signal); undefined when the client has
   * no auth. A token already held is returned as it is, not in a promise: every call asks, and most find one.
   */
  get(endpoint: string, prefix: Prefix, from: SignalSource): string | undefined | Promise<string | undefined>;
  /** Forgets `token` if it is still the current one. False when no new token can be obtained (static token). */
  invalidate(token: string): boolean;
}

const NO_TOKENS: TokenSource = { get: () => undefined, invalidate: () => false };

export function createTokenSource(auth: AuthOptions | undefined, authenticate: Authenticate): TokenSource {
  if (auth === undefined) return NO_TOKENS;
  if ('token' in auth) {
    const token = auth.token;
    return { get: () => token, invalidate: () => false };
  }
  const { name, password } = auth;
  let current: string | undefined;
  let inflight: Promise<string> | undefined;
  return {
    get(endpoint, prefix, from) {
      if (current !== undefined) return current;
      inflight ??= authenticate(endpoint, prefix, name, password)
        .then((token) => (current = token))
        .finally(() => (inflight = undefined));
      return raceSignal(inflight, from.signal);
    },
    invalidate(token) {
      if (current === token) current = undefined;
      return true;
    },
  };
}

/**
 * The server rejected the token (expired or unknown). KV, lease and auth routes answer 401/UNAUTHENTICATED, but
 * etcd 3.4's v3lock and v3election routes answer 500/UNKNOWN "etcdserver: invalid auth token", and the snapshot
 * stream 500/UNKNOWN "auth: invalid auth token" (measured on 3.4.23). A JWT issued before a user or role change
 * answers 400/INVALID_ARGUMENT "etcdserver: revision of auth store is old" (and cancels a watch with it): the
 * request was refused, not applied, and a new token is the cure.
 */
export function isInvalidTokenError(error: EtcdError): boolean {
  return (
    error.code === GrpcCode.Unauthenticated ||
    /\binvalid auth token\b|\brevision of auth store is old\b/.test(error.message)
  );
}
