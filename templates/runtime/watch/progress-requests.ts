// The bookkeeping around a watch run: progress requests in flight, and the endpoints a failed creation tried.
import { EtcdConnectionError, EtcdError } from '../errors.js';

/** The endpoints a failed creation tried: each one a failover round listed, else the one it was opened on. */
export function failedEndpoints(failure: unknown, openedOn: string | undefined): string[] {
  if (failure instanceof EtcdConnectionError && failure.causes.length > 0) return failure.causes.map((c) => c.endpoint);
  const answeredBy = failure instanceof EtcdError ? failure.endpoint : undefined;
  return [answeredBy ?? openedOn ?? ''];
}

interface Waiter {
  readonly resolve: (revision: bigint) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Progress requests in flight. Each request sent answers the callers that asked before it was sent (one batch);
 * answers come in the order of the requests. A channel that breaks loses its unanswered requests: they are
 * asked again on the next one.
 */
export class ProgressRequests {
  private waiting: Waiter[] = [];
  private inFlight: Waiter[][] = [];

  add(): Promise<bigint> {
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** A request has been sent and not answered yet. */
  get asked(): boolean {
    return this.inFlight.length > 0;
  }

  get wanted(): boolean {
    return this.waiting.length > 0;
  }

  /** A request for everyone waiting has been sent. */
  sent(): void {
    if (this.waiting.length === 0) return;
    this.inFlight.push(this.waiting);
    this.waiting = [];
  }

  answered(revision: bigint): void {
    for (const waiter of this.inFlight.shift() ?? []) waiter.resolve(revision);
  }

  /** The oldest request's answer cannot be trusted: its callers wait for the next request. */
  unanswered(): void {
    this.waiting = [...(this.inFlight.shift() ?? []), ...this.waiting];
  }

  lost(): void {
    this.waiting = [...this.inFlight.flat(), ...this.waiting];
    this.inFlight = [];
  }

  fail(error: unknown): void {
    for (const waiter of [...this.inFlight.flat(), ...this.waiting]) waiter.reject(error);
    this.inFlight = [];
    this.waiting = [];
  }
}
