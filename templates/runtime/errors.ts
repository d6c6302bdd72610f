// Typed errors of the etcd gateway client (wire/error-body.ts turns the gateway's error bodies into a gRPC status).

import { GrpcCode, grpcCodeName, type GrpcCodeName } from './codes.js';

export interface EtcdErrorInit {
  readonly code: number;
  readonly httpStatus?: number | undefined;
  readonly details?: unknown[] | undefined;
  readonly operation?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly cause?: unknown;
  /** The size in bytes of the request body the answer is about, where the transport knows it. */
  readonly requestBytes?: number | undefined;
}

/** A gRPC status returned by etcd (or by its gateway); `message` is the server's message. */
export class EtcdError extends Error {
  override readonly name: string = 'EtcdError';
  readonly code: number;
  readonly codeName: GrpcCodeName;
  readonly httpStatus: number | undefined;
  readonly details: unknown[];
  readonly operation: string | undefined;
  readonly endpoint: string | undefined;

  constructor(message: string, init: EtcdErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.codeName = grpcCodeName(init.code);
    this.httpStatus = init.httpStatus;
    this.details = init.details ?? [];
    this.operation = init.operation;
    this.endpoint = init.endpoint;
  }
}

// --- Typed answers: the ones callers branch on. Several share one gRPC code (NOT_FOUND is a lease, a member or an
// election leader; FAILED_PRECONDITION is "already exists" or "not found" in auth), so etcd's message picks the
// class; every one is still an EtcdError with the server's `code`, `codeName` and message.

/** What a NOT_FOUND or ALREADY_EXISTS answer is about. */
export type EtcdSubject = 'key' | 'lease' | 'member' | 'user' | 'role' | 'peer-url' | 'election-leader';

/** An answer about one thing named in the request; `subject` says what. */
export abstract class EtcdSubjectError extends EtcdError {
  constructor(
    message: string,
    init: EtcdErrorInit,
    readonly subject: EtcdSubject,
  ) {
    super(message, init);
  }
}

/** Something named in the request does not exist (`subject` says what): lease, member, user, role, key. */
export class EtcdNotFoundError extends EtcdSubjectError {
  override readonly name: string = 'EtcdNotFoundError';
}

/** `etcdserver: requested lease not found`: the lease expired, was revoked or never existed. */
export class EtcdLeaseNotFoundError extends EtcdNotFoundError {
  override readonly name: string = 'EtcdLeaseNotFoundError';
  constructor(message: string, init: EtcdErrorInit) {
    super(message, init, 'lease');
  }
}

/** Something the request creates exists already (`subject` says what): lease, member, user, role, peer URL. */
export class EtcdAlreadyExistsError extends EtcdSubjectError {
  override readonly name: string = 'EtcdAlreadyExistsError';
}

/** The revision asked for has been compacted away. */
export class EtcdCompactedError extends EtcdError {
  override readonly name: string = 'EtcdCompactedError';
}

/** The revision asked for is newer than the store's. */
export class EtcdFutureRevisionError extends EtcdError {
  override readonly name: string = 'EtcdFutureRevisionError';
}

/** The member has no leader (no quorum, or an election is under way); `requireLeader` makes this fail fast. */
export class EtcdNoLeaderError extends EtcdError {
  override readonly name: string = 'EtcdNoLeaderError';
}

/** The user may not do this (auth is on and no role grants it). */
export class EtcdPermissionDeniedError extends EtcdError {
  override readonly name: string = 'EtcdPermissionDeniedError';
}

/** Wrong user name or password. */
export class EtcdAuthFailedError extends EtcdError {
  override readonly name: string = 'EtcdAuthFailedError';
}

/** The database reached its quota (`mvcc: database space exceeded`): compact, defragment, disarm the alarm. */
export class EtcdNoSpaceError extends EtcdError {
  override readonly name: string = 'EtcdNoSpaceError';
}

/**
 * The server refused the request for its size: `etcdserver: request is too large` (INVALID_ARGUMENT, over the
 * server's `--max-request-bytes`, 1.5 MiB by default) or, further over, gRPC's `received message larger than max`
 * (RESOURCE_EXHAUSTED). `requestBytes` is the size of the JSON body the client sent (the server counts the
 * protobuf encoding, where bytes fields take 3/4 of their base64).
 */
export class EtcdRequestTooLargeError extends EtcdError {
  override readonly name: string = 'EtcdRequestTooLargeError';
  readonly requestBytes: number | undefined;

  constructor(message: string, init: EtcdErrorInit) {
    super(message, init);
    this.requestBytes = init.requestBytes;
  }
}

/** The client's limits on what it reads (ClientOptions): a whole unary answer, one message of a stream. */
export type EtcdLimitName = 'maxResponseBytes' | 'maxMessageBytes';

/**
 * An answer larger than the client reads: a unary answer over `maxResponseBytes`, or one message of a stream (an
 * NDJSON line, a websocket frame) over `maxMessageBytes`. The client stopped reading at the limit and closed that
 * connection; `limit` names the option, `limitBytes` its value. RESOURCE_EXHAUSTED; a watch resumes after it.
 */
export class EtcdLimitError extends EtcdError {
  override readonly name: string = 'EtcdLimitError';
  readonly limit: EtcdLimitName;
  readonly limitBytes: number;

  constructor(
    limit: EtcdLimitName,
    limitBytes: number,
    init: { readonly operation: string; readonly endpoint: string },
  ) {
    const what = limit === 'maxResponseBytes' ? 'the answer' : 'a streamed message';
    super(
      `${init.operation} at ${init.endpoint}: ${what} is larger than ClientOptions.${limit} (${limitBytes} bytes); ` +
        'the client stopped reading and closed the connection',
      { code: GrpcCode.ResourceExhausted, operation: init.operation, endpoint: init.endpoint },
    );
    this.limit = limit;
    this.limitBytes = limitBytes;
  }
}

const NOT_FOUND: readonly (readonly [RegExp, EtcdSubject])[] = [
  [/^etcdserver: member not found/, 'member'],
  [/^etcdserver: user name not found/, 'user'],
  [/^etcdserver: role name not found/, 'role'],
  [/^etcdserver: key not found/, 'key'],
  [/^election: no leader/, 'election-leader'],
];

const ALREADY_EXISTS: readonly (readonly [RegExp, EtcdSubject])[] = [
  [/^etcdserver: lease already exists/, 'lease'],
  [/^etcdserver: member ID already exist/, 'member'],
  [/^etcdserver: Peer URLs already exists/i, 'peer-url'],
  [/^etcdserver: user name already exists/, 'user'],
  [/^etcdserver: role name already exists/, 'role'],
];

const PLAIN: readonly (readonly [RegExp, new (message: string, init: EtcdErrorInit) => EtcdError])[] = [
  [/^etcdserver: requested lease not found/, EtcdLeaseNotFoundError],
  [/^(etcdserver: )?mvcc: required revision has been compacted/, EtcdCompactedError],
  [/^(etcdserver: )?mvcc: required revision is a future revision/, EtcdFutureRevisionError],
  [/^etcdserver: no leader/, EtcdNoLeaderError],
  [/^etcdserver: permission denied/, EtcdPermissionDeniedError],
  [/^etcdserver: authentication failed/, EtcdAuthFailedError],
  [/^(etcdserver: )?mvcc: database space exceeded/, EtcdNoSpaceError],
  [/^etcdserver: request is too large/, EtcdRequestTooLargeError],
  [/^grpc: received message larger than max/, EtcdRequestTooLargeError],
];

/** The EtcdError for a server answer: a typed subclass when etcd's message is one callers branch on. */
export function etcdErrorFor(message: string, given: EtcdErrorInit): EtcdError {
  const deadline = given.code === GrpcCode.Unknown && CONTEXT_DEADLINE.test(message);
  const init = deadline ? { ...given, code: GrpcCode.DeadlineExceeded } : given;
  for (const [pattern, Class] of PLAIN) if (pattern.test(message)) return new Class(message, init);
  for (const [pattern, subject] of NOT_FOUND)
    if (pattern.test(message)) return new EtcdNotFoundError(message, init, subject);
  for (const [pattern, subject] of ALREADY_EXISTS)
    if (pattern.test(message)) return new EtcdAlreadyExistsError(message, init, subject);
  return new EtcdError(message, init);
}

/** A deadline inside the gateway (a write without quorum): 3.4 answers UNKNOWN (HTTP 500), 3.5 on DEADLINE_EXCEEDED
 * (504). Both are DEADLINE_EXCEEDED here, so callers branch on one code on every server. */
const CONTEXT_DEADLINE = /^(rpc error: code = \w+ desc = )?context deadline exceeded$/;

/** A watch asked for a revision that has been compacted; resume from `compactRevision` or later. */
export class WatchCompactedError extends EtcdCompactedError {
  override readonly name: string = 'WatchCompactedError';
  readonly compactRevision: bigint;

  constructor(compactRevision: bigint, init: Omit<EtcdErrorInit, 'code'> = {}) {
    super(`etcdserver: mvcc: required revision has been compacted (compact revision ${compactRevision})`, {
      ...init,
      code: GrpcCode.OutOfRange,
    });
    this.compactRevision = compactRevision;
  }
}

export interface EndpointFailure {
  readonly endpoint: string;
  readonly error: unknown;
}

/** No endpoint could serve the call; `causes` holds the last failure seen on each endpoint tried. */
export class EtcdConnectionError extends Error {
  override readonly name: string = 'EtcdConnectionError';
  readonly operation: string | undefined;
  readonly causes: readonly EndpointFailure[];

  constructor(summary: string, causes: readonly EndpointFailure[], operation?: string) {
    const list = causes.map((c) => `${c.endpoint}: ${describeError(c.error)}`).join('; ');
    super(list ? `${summary}: ${list}` : summary, { cause: causes[causes.length - 1]?.error });
    this.operation = operation;
    this.causes = causes;
  }
}

/**
 * The retry rule: a failure worth another try (on another endpoint, after a backoff) is a connection failure, an
 * UNAVAILABLE answer or a member shutting down (isClosingMember); any other answer from etcd is final.
 */
export function isRetriable(error: unknown): boolean {
  return (
    error instanceof EtcdConnectionError ||
    (error instanceof EtcdError && error.code === GrpcCode.Unavailable) ||
    isClosingMember(error)
  );
}

/**
 * CANCELLED `grpc: the client connection is closing` (HTTP 408): a member shutting down (SIGTERM) closes its
 * gateway's gRPC connection to itself, and calls through the gateway fail so until its port closes. It is a failure
 * of that endpoint, not an answer about the request, which may still have reached etcd (gRPC also ends streams in
 * flight with it): a read moves on, a write that is not idempotent must not be sent again.
 */
export function isClosingMember(error: unknown): boolean {
  return (
    error instanceof EtcdError && error.code === GrpcCode.Canceled && error.message.includes(CLIENT_CONNECTION_CLOSING)
  );
}

const CLIENT_CONNECTION_CLOSING = 'grpc: the client connection is closing';

/** A response that does not have the shape the API promises; `path` names the offending field. */
export class EtcdDecodeError extends Error {
  override readonly name: string = 'EtcdDecodeError';
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`malformed etcd response at ${path || '(root)'}: ${problem}`);
    this.path = path;
  }
}

/** The connected etcd server is too old (or too new) for an operation; thrown before any request is sent. */
export class EtcdUnsupportedError extends Error {
  override readonly name: string = 'EtcdUnsupportedError';
  readonly operation: string;
  readonly serverVersion: string;
  readonly supportedVersions: string;

  constructor(operation: string, serverVersion: string, supportedVersions: string) {
    super(`${operation} needs etcd ${supportedVersions}, but the server runs etcd ${serverVersion}`);
    this.operation = operation;
    this.serverVersion = serverVersion;
    this.supportedVersions = supportedVersions;
  }
}

/** A one-line description of any thrown value, including the system error code of a fetch failure. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = systemErrorCode(error);
  const cause = error.cause instanceof Error ? error.cause.message : '';
  const detail = cause && cause !== error.message ? `${error.message} (${cause})` : error.message;
  return code && !detail.includes(code) ? `${detail} [${code}]` : detail;
}

/** The first `code` string found on the error, its cause chain or an AggregateError's members (Node/undici). */
export function systemErrorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 4) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  const fromCause = systemErrorCode(cause, depth + 1);
  if (fromCause !== undefined || !Array.isArray(errors)) return fromCause;
  for (const member of errors) {
    const found = systemErrorCode(member, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
