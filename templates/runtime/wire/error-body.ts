// The parser that turns every error body the gateway sends (grpc-gateway v1 and v2 unary bodies, in-stream error
// chunks, plain-text router answers) into a gRPC status.
import { GrpcCode } from '../codes.js';
import { isWireObject as isObject } from './codec.js';

export interface ParsedErrorBody {
  code: number;
  message: string;
  details: unknown[];
  /** Only for in-stream error chunks: the HTTP status the gateway would have used (`http_code`). */
  httpStatus?: number;
  /** True when the answer came from the HTTP router, not from etcd: the route (or prefix) is not served. */
  routeNotFound?: boolean;
}

const HTTP_TO_GRPC: Readonly<Record<number, GrpcCode>> = {
  400: GrpcCode.InvalidArgument,
  401: GrpcCode.Unauthenticated,
  403: GrpcCode.PermissionDenied,
  404: GrpcCode.NotFound,
  409: GrpcCode.Aborted,
  412: GrpcCode.FailedPrecondition,
  429: GrpcCode.ResourceExhausted,
  499: GrpcCode.Canceled,
  500: GrpcCode.Internal,
  501: GrpcCode.Unimplemented,
  503: GrpcCode.Unavailable,
  504: GrpcCode.DeadlineExceeded,
};

/** The gRPC code a bare HTTP status stands for, as grpc-gateway maps them. */
export function grpcCodeForHttpStatus(status: number): number {
  return HTTP_TO_GRPC[status] ?? GrpcCode.Unknown;
}

/**
 * Turns an error response body into a gRPC status. Handles grpc-gateway v1 `{"error","message","code"}`
 * (etcd 3.4/3.5), v2 `{"code","message","details"}` (3.6+), in-stream `{"error":{"grpc_code",…}}` chunks and
 * plain-text bodies from Go's HTTP router (404/405 there mean the route is not served: UNIMPLEMENTED).
 */
export function parseErrorBody(httpStatus: number, contentType: string | null, text: string): ParsedErrorBody {
  const json = looksLikeJson(contentType, text) ? tryParseJson(text) : undefined;
  if (isObject(json)) return parseErrorObject(httpStatus, json, text);
  const body = text.trim();
  if (httpStatus === 404 || httpStatus === 405) {
    return { code: GrpcCode.Unimplemented, message: body || `HTTP ${httpStatus}`, details: [], routeNotFound: true };
  }
  return { code: grpcCodeForHttpStatus(httpStatus), message: body || `HTTP ${httpStatus}`, details: [] };
}

/** Like parseErrorBody, for a body that is already parsed (an in-stream error chunk or a unary error object). */
export function parseErrorObject(httpStatus: number, body: Record<string, unknown>, raw = ''): ParsedErrorBody {
  const inner = body['error'];
  if (isObject(inner)) return parseStreamError(httpStatus, inner);
  const code = typeof body['code'] === 'number' ? body['code'] : grpcCodeForHttpStatus(httpStatus);
  const message = firstString(body['message'], inner) ?? (raw.trim() || `HTTP ${httpStatus}`);
  const details = Array.isArray(body['details']) ? body['details'] : [];
  // grpc-gateway v2 (etcd 3.6+) answers an unknown route with a JSON NotFound whose message is the status text.
  if (httpStatus === 404 && code === GrpcCode.NotFound && message === 'Not Found') {
    return { code: GrpcCode.Unimplemented, message, details, routeNotFound: true };
  }
  return { code, message, details };
}

function parseStreamError(httpStatus: number, inner: Record<string, unknown>): ParsedErrorBody {
  const httpCode = typeof inner['http_code'] === 'number' ? inner['http_code'] : undefined;
  const grpcCode = firstNumber(inner['grpc_code'], inner['code']);
  const code = grpcCode ?? grpcCodeForHttpStatus(httpCode ?? httpStatus);
  const message = firstString(inner['message'], inner['http_status']) ?? `stream failed (gRPC code ${code})`;
  const details = Array.isArray(inner['details']) ? inner['details'] : [];
  return httpCode === undefined ? { code, message, details } : { code, message, details, httpStatus: httpCode };
}

function looksLikeJson(contentType: string | null, text: string): boolean {
  if (contentType !== null && contentType.includes('json')) return true;
  const first = text.trimStart()[0];
  return first === '{';
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v !== '') return v;
  return undefined;
}

function firstNumber(...values: unknown[]): number | undefined {
  for (const v of values) if (typeof v === 'number') return v;
  return undefined;
}
