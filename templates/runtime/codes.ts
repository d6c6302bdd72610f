// The gRPC status codes, one named table: nothing else in the runtime writes a code as a bare number. The keys
// are Go's names (what etcd prints in `rpc error: code = Unavailable desc = …`); `grpcCodeName` gives the
// canonical names (`UNAVAILABLE`) that EtcdError.codeName carries.

export const GrpcCode = {
  OK: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
} as const;

export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

/** The canonical names, by code (the order of GrpcCode). */
const GRPC_CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export type GrpcCodeName = (typeof GRPC_CODE_NAMES)[number];

/** The gRPC code's canonical name; codes outside 0..16 are 'UNKNOWN'. */
export function grpcCodeName(code: number): GrpcCodeName {
  return GRPC_CODE_NAMES[code] ?? 'UNKNOWN';
}

/** The code of a Go code name (`PermissionDenied` → 7); Unknown for a name Go does not use. */
export function grpcCodeOfGoName(name: string): GrpcCode {
  return Object.prototype.hasOwnProperty.call(GrpcCode, name)
    ? GrpcCode[name as keyof typeof GrpcCode]
    : GrpcCode.Unknown;
}
