// A route some server versions answer with another RPC than the one the spec binds there (the operation
// descriptor's `answeredBy`, generated from spec/risks.ts): the call fails before it is sent, on a server whose
// version (GET /version) says it would answer with the other RPC. An unknown version lets the call go out.
// Only the generated methods of such operations import this (and the version guard, after it reroutes a call):
// a client without one ships none of it.
import { EtcdUnsupportedError } from '../errors.js';
import { compareVersions, releaseOf } from './etcd-version.js';
import type { OperationDescriptor, RouteAnswer } from '../types.js';

/** The server would answer this call with another RPC: its answer would be decoded as the wrong message. */
export class EtcdMisroutedError extends EtcdUnsupportedError {
  override readonly name: string = 'EtcdMisroutedError';
  /** The route the call would be sent to: `/maintenance/hash`. */
  readonly route: string;
  /** The RPC the server runs there: `Hash`. */
  readonly answeredBy: string;

  constructor(operation: string, route: string, answer: RouteAnswer, serverVersion: string) {
    super(operation, serverVersion, versionsWithout(answer));
    this.route = route;
    this.answeredBy = answer.rpc;
    this.message =
      `${operation} is bound at ${route} in this client's spec, but etcd ${serverVersion} answers ${route} with ${answer.rpc}: ` +
      `the call was not sent (its answer would be ${answer.rpc}'s, read as ${operation}'s). Generate the client from the server's etcd version`;
  }
}

/** Throws EtcdMisroutedError when the server (version from `serverVersion`) runs another RPC at `op.route`. */
export async function checkRoute(
  op: OperationDescriptor,
  serverVersion: () => Promise<string | undefined>,
): Promise<void> {
  const answer = op.answeredBy?.[op.route];
  if (answer === undefined) return;
  const version = await serverVersion();
  if (version === undefined || !within(version, answer)) return;
  throw new EtcdMisroutedError(op.name, op.route, answer, version);
}

function within(version: string, answer: RouteAnswer): boolean {
  const base = releaseOf(version);
  if (answer.since !== undefined && compareVersions(base, answer.since) < 0) return false;
  return answer.before === undefined || compareVersions(base, answer.before) < 0;
}

function versionsWithout(answer: RouteAnswer): string {
  const ranges = [answer.since && `before ${answer.since}`, answer.before && `${answer.before} or later`].filter(
    Boolean,
  );
  return ranges.length ? `a server ${ranges.join(' or ')}` : 'a server that binds it here (none known)';
}

/** `open()`'s stream, once `checkRoute` let the call through. */
export async function* checkedStream<T>(
  op: OperationDescriptor,
  serverVersion: () => Promise<string | undefined>,
  open: () => AsyncIterable<T>,
): AsyncGenerator<T, void, undefined> {
  await checkRoute(op, serverVersion);
  yield* open();
}
