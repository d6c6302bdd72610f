// The POST every call and stream sends: the client's headers, its token, the deadline as Grpc-Timeout, and the
// scope that abandons it, as an AbortSignal only for an engine that reads one.
import type { ClientOptions, HttpEngine, HttpRequest, HttpResponse, OperationDescriptor, Prefix } from '../types.js';
import { grpcTimeout } from './responses.js';
import type { Scope } from './signals.js';

export type Post = (
  endpoint: string,
  prefix: Prefix,
  op: OperationDescriptor,
  payload: string,
  token: string | undefined,
  scope: Scope,
) => Promise<HttpResponse>;

/** POSTs through `engine` with the headers `options` asks for. */
export function createPost(engine: HttpEngine, options: ClientOptions): Post {
  const deadlineHeader =
    options.deadlineHeader ?? typeof (globalThis as { document?: unknown }).document === 'undefined';
  // Frozen: most requests send this very object (an engine that wrote to it would change every later request).
  const postHeaders: Readonly<Record<string, string>> = Object.freeze({
    'Content-Type': 'application/json',
    ...options.headers,
    ...(options.requireLeader === true ? { 'Grpc-Metadata-hasleader': 'true' } : {}),
  });
  return (endpoint, prefix, op, payload, token, scope) => {
    const timed = scope.deadline !== undefined && deadlineHeader;
    // The shared headers as they are when nothing is added (engines copy or only read them).
    let headers = postHeaders;
    if (token !== undefined || timed) {
      const own: Record<string, string> = { ...postHeaders };
      if (token !== undefined) own['Authorization'] = token;
      if (timed) own['Grpc-Timeout'] = grpcTimeout(scope.deadline! - Date.now());
      headers = own;
    }
    // As fetch() does with an aborted signal; the request's signal is then made only if the engine reads it.
    if (scope.aborted) return Promise.reject(scope.reason);
    return engine.send(new PostRequest(endpoint + prefix + op.route, headers, payload, scope));
  };
}

/** A POST as engines get it: a class, so that its lazy `signal` is a getter on the prototype, not one per call. */
class PostRequest implements HttpRequest {
  readonly method = 'POST';
  constructor(
    readonly url: string,
    readonly headers: Readonly<Record<string, string>>,
    readonly body: string,
    readonly ending: Scope,
  ) {}

  get signal(): AbortSignal {
    return this.ending.signal;
  }
}
