// Reading gateway responses: JSON bodies, error bodies (with a hint when the route or prefix is not served),
// stream messages, and the gRPC timeout header.
import { EtcdDecodeError, etcdErrorFor, type EtcdError } from '../errors.js';
import { isWireObject } from '../wire/codec.js';
import { parseErrorBody, parseErrorObject } from '../wire/error-body.js';
import type { ClientOptions, HttpResponse, OperationDescriptor, Prefix } from '../types.js';

/** The response's JSON object; an empty body is `{}`. */
export async function readJsonObject(
  response: HttpResponse,
  op: OperationDescriptor,
  endpoint: string,
): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (text.trim() === '') return {};
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

/** The EtcdError of a non-2xx response; a router 404 names the URL and says why the route may be missing. */
export async function errorFromResponse(
  response: HttpResponse,
  op: OperationDescriptor,
  endpoint: string,
  prefix: Prefix,
  prefixOption: ClientOptions['prefix'],
): Promise<EtcdError> {
  const parsed = parseErrorBody(response.status, response.header('content-type'), await response.text());
  let message = parsed.message;
  if (parsed.routeNotFound === true) {
    const url = endpoint + prefix + op.route;
    message =
      prefixOption === undefined || prefixOption === 'auto'
        ? `${message} at ${url}: this etcd server does not serve ${op.route} (${op.name} may need a newer etcd)`
        : `${message} at ${url}: this etcd server may not serve the ${prefix} prefix; use prefix 'auto'`;
  }
  const { code, details } = parsed;
  return etcdErrorFor(message, { code, details, httpStatus: response.status, operation: op.name, endpoint });
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
