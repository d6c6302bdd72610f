// Reading gateway responses: JSON bodies, error bodies (with a hint when the route or prefix is not served),
// stream messages, and the gRPC timeout header.
import { EtcdDecodeError, etcdErrorFor, EtcdLimitError, type EtcdError } from '../errors.js';
import { isWireObject } from '../wire/codec.js';
import { parseErrorBody, parseErrorObject } from '../wire/error-body.js';
import { isReadLimitExceeded } from '../wire/limits.js';
import type { ClientOptions, HttpResponse, OperationDescriptor, Prefix } from '../types.js';

/**
 * The body as text, at most `maxBytes` of it (ClientOptions.maxResponseBytes): past it the engine closes the
 * connection and the call fails with EtcdLimitError naming the operation and the endpoint.
 */
export async function readBody(
  response: HttpResponse,
  op: OperationDescriptor,
  endpoint: string,
  maxBytes: number,
): Promise<string> {
  let text: string;
  try {
    text = await response.text(maxBytes);
  } catch (error) {
    throw bodyError(error, op, endpoint, maxBytes);
  }
  return checkedBody(text, op, endpoint, maxBytes);
}

/** A failed read of a body: past the limit, EtcdLimitError; anything else as it is. */
export function bodyError(error: unknown, op: OperationDescriptor, endpoint: string, maxBytes: number): unknown {
  return isReadLimitExceeded(error)
    ? new EtcdLimitError('maxResponseBytes', maxBytes, { operation: op.name, endpoint })
    : error;
}

/** An engine that ignores the limit: a string longer than the limit has more bytes than it, too. */
export function checkedBody(text: string, op: OperationDescriptor, endpoint: string, maxBytes: number): string {
  if (text.length > maxBytes) throw new EtcdLimitError('maxResponseBytes', maxBytes, { operation: op.name, endpoint });
  return text;
}

/** The response's JSON object; an empty body is `{}`. */
export async function readJsonObject(
  response: HttpResponse,
  op: OperationDescriptor,
  endpoint: string,
  maxBytes = Infinity,
): Promise<Record<string, unknown>> {
  return jsonObjectOf(await readBody(response, op, endpoint, maxBytes), op, endpoint);
}

/**
 * The JSON object of a body (`{}` when it is empty), read by readJsonObject or, in its own frame, by the
 * transport's call attempt.
 */
export function jsonObjectOf(text: string, op: OperationDescriptor, endpoint: string): Record<string, unknown> {
  if (!NON_BLANK.test(text)) return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new EtcdDecodeError('', `${op.name} at ${endpoint} answered invalid JSON (${(error as Error).message})`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new EtcdDecodeError('', `${op.name} at ${endpoint} answered ${text.slice(0, 80)}, not a JSON object`);
  }
  return body as Record<string, unknown>;
}

/** A character trim() would keep: a body without one is blank (tested, not trimmed: no copy of every body). */
const NON_BLANK = /\S/;

/** The EtcdError of a non-2xx response; a router 404 names the URL and says why the route may be missing. */
export async function errorFromResponse(
  response: HttpResponse,
  op: OperationDescriptor,
  endpoint: string,
  prefix: Prefix,
  prefixOption: ClientOptions['prefix'],
  sizes: { readonly maxBytes: number; readonly requestBytes?: number } = { maxBytes: Infinity },
): Promise<EtcdError> {
  const text = await readBody(response, op, endpoint, sizes.maxBytes);
  const parsed = parseErrorBody(response.status, response.header('content-type'), text);
  let message = parsed.message;
  if (parsed.routeNotFound === true) {
    const url = endpoint + prefix + op.route;
    message =
      prefixOption === undefined || prefixOption === 'auto'
        ? `${message} at ${url}: this etcd server does not serve ${op.route} (${op.name} may need a newer etcd)`
        : `${message} at ${url}: this etcd server may not serve the ${prefix} prefix; use prefix 'auto'`;
  }
  const { code, details } = parsed;
  const { requestBytes } = sizes;
  return etcdErrorFor(message, {
    code,
    details,
    httpStatus: response.status,
    operation: op.name,
    endpoint,
    requestBytes,
  });
}

/** A stream message's `result` ({} when absent); an `{"error":…}` message throws its EtcdError. */
export function streamResult(
  message: Record<string, unknown>,
  op: OperationDescriptor,
  endpoint: string,
): Record<string, unknown> {
  if (message['error'] !== undefined) {
    const parsed = parseErrorObject(200, message);
    const { code, details } = parsed;
    throw etcdErrorFor(parsed.message, { code, details, httpStatus: parsed.httpStatus, operation: op.name, endpoint });
  }
  const result = message['result'];
  return isWireObject(result) ? result : {};
}

/** gRPC's timeout header: at most 8 digits, in milliseconds while they fit. */
export function grpcTimeout(ms: number): string {
  const rounded = Math.max(1, Math.ceil(ms));
  return rounded <= 99_999_999 ? `${rounded}m` : `${Math.ceil(rounded / 1000)}S`;
}
