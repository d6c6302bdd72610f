// A failure the fake answers with: a gRPC code and etcd's message, written as the gateway of the fake's version
// writes it (grpc-gateway v1: `{error, message, code}`; v2: `{code, message}` on 3.5, whose marshaler leaves the
// empty `details` out (measured), `{code, message, details: []}` on 3.6) with that gateway's status.
import { GrpcCode, grpcCodeName } from '../codes.js';

export class FakeFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'FakeFailure';
  }
}

/** etcd's default `--max-request-bytes` (1.5 MiB): a raft request's limit, and a watch response fragment's. */
export const MAX_REQUEST_BYTES = 1_572_864;

/** etcd's own messages for the failures the fake produces, by cause. */
export const ETCD_ERRORS = {
  keyNotProvided: () => new FakeFailure(GrpcCode.InvalidArgument, 'etcdserver: key is not provided'),
  keyNotFound: () => new FakeFailure(GrpcCode.InvalidArgument, 'etcdserver: key not found'),
  tooManyOps: () => new FakeFailure(GrpcCode.InvalidArgument, 'etcdserver: too many operations in txn request'),
  compacted: () => new FakeFailure(GrpcCode.OutOfRange, 'etcdserver: mvcc: required revision has been compacted'),
  futureRev: () => new FakeFailure(GrpcCode.OutOfRange, 'etcdserver: mvcc: required revision is a future revision'),
  leaseNotFound: () => new FakeFailure(GrpcCode.NotFound, 'etcdserver: requested lease not found'),
  leaseExists: () => new FakeFailure(GrpcCode.FailedPrecondition, 'etcdserver: lease already exists'),
  userEmpty: () => new FakeFailure(GrpcCode.InvalidArgument, 'etcdserver: user name is empty'),
  invalidToken: () => new FakeFailure(GrpcCode.Unauthenticated, 'etcdserver: invalid auth token'),
  authFailed: () =>
    new FakeFailure(GrpcCode.InvalidArgument, 'etcdserver: authentication failed, invalid user ID or password'),
  permissionDenied: () => new FakeFailure(GrpcCode.PermissionDenied, 'etcdserver: permission denied'),
  rootMissing: () => new FakeFailure(GrpcCode.FailedPrecondition, 'etcdserver: root user does not exist'),
  userExists: () => new FakeFailure(GrpcCode.FailedPrecondition, 'etcdserver: user name already exists'),
  userMissing: () => new FakeFailure(GrpcCode.FailedPrecondition, 'etcdserver: user name not found'),
  roleExists: () => new FakeFailure(GrpcCode.FailedPrecondition, 'etcdserver: role name already exists'),
  roleMissing: () => new FakeFailure(GrpcCode.FailedPrecondition, 'etcdserver: role name not found'),
  notLeader: () => new FakeFailure(GrpcCode.FailedPrecondition, 'election: not leader'),
  noLeader: () => new FakeFailure(GrpcCode.Unknown, 'election: no leader'),
  sessionExpired: () => new FakeFailure(GrpcCode.Unknown, 'mutex: session is expired'),
  requestTooLarge: () => new FakeFailure(GrpcCode.InvalidArgument, 'etcdserver: request is too large'),
  noSpace: () => new FakeFailure(GrpcCode.ResourceExhausted, 'etcdserver: mvcc: database space exceeded'),
  messageTooLarge: (size: number, max: number) =>
    new FakeFailure(GrpcCode.ResourceExhausted, `grpc: received message larger than max (${size} vs. ${max})`),
} as const;

/** grpc-gateway's HTTP status of a code; v2 answers FAILED_PRECONDITION with 400 (measured, GATEWAY.md). */
export function httpStatusOf(code: number, gateway: 'v1' | 'v2'): number {
  const table: Record<number, number> = {
    1: 408,
    2: 500,
    3: 400,
    4: 504,
    5: 404,
    6: 409,
    7: 403,
    8: 429,
    9: gateway === 'v1' ? 412 : 400,
    10: 409,
    11: 400,
    12: 501,
    13: 500,
    14: 503,
    15: 500,
    16: 401,
  };
  return table[code] ?? 500;
}

export function errorBody(failure: FakeFailure, gateway: 'v1' | 'v2', emptyDetails = false): string {
  const { code, message } = failure;
  if (gateway === 'v1') return JSON.stringify({ error: message, message, code });
  return JSON.stringify(emptyDetails ? { code, message, details: [] } : { code, message });
}

/** A failure a test asks for (`fake.failNext`): a code by number or name (`'UNAVAILABLE'`), and a message. */
export interface FakeFailureSpec {
  readonly code: number | string;
  readonly message?: string;
}

export function failureOf(spec: FakeFailureSpec | FakeFailure): FakeFailure {
  if (spec instanceof FakeFailure) return spec;
  let code = typeof spec.code === 'number' ? spec.code : -1;
  for (let c = 0; c <= 16 && code < 0; c++) if (grpcCodeName(c) === spec.code) code = c;
  if (code < 0)
    throw new TypeError(
      `fake.failNext: ${String(spec.code)} is not a gRPC code (a number or a name such as 'UNAVAILABLE')`,
    );
  return new FakeFailure(code, spec.message ?? `fake failure (${grpcCodeName(code)})`);
}
