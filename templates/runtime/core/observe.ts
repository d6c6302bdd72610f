// ClientOptions.observe: how the transport, the watch and auto-sync report what they did. A hook's bug must not
// break a call, so what it throws surfaces as an uncaught error on its own.
import { GrpcCode } from '../codes.js';
import { EtcdDecodeError, EtcdError } from '../errors.js';
import type { ClientEvent, ClientOptions } from '../types.js';

type Outcome = Pick<ClientEvent, 'outcome' | 'code' | 'error'>;

/** Times one thing the client does; `end()` reports it (once) to `options.observe`, if there is one. */
export interface Observation {
  end(error?: unknown, stoppedByClient?: boolean): void;
}

const NOTHING: Observation = { end: () => undefined };

/** Starts timing `type`/`operation` on `endpoint` (attempt `attempt`); free when nobody observes. */
export function observeStart(
  options: ClientOptions,
  type: ClientEvent['type'],
  operation: string,
  endpoint: string,
  attempt: number,
): Observation {
  const hook = options.observe;
  if (hook === undefined) return NOTHING;
  const startTime = Date.now();
  let ended = false;
  return {
    end(error, stoppedByClient = false) {
      if (ended) return;
      ended = true;
      const outcome = outcomeOf(error, stoppedByClient);
      const event: ClientEvent = {
        type,
        operation,
        endpoint,
        attempt,
        startTime,
        durationMs: Date.now() - startTime,
        ...outcome,
      };
      try {
        hook(event);
      } catch (thrown) {
        queueMicrotask(() => {
          throw thrown;
        });
      }
    },
  };
}

function outcomeOf(error: unknown, stoppedByClient: boolean): Outcome {
  if (error === undefined) return { outcome: 'ok', code: 'OK' };
  const deadline = error instanceof EtcdError && error.code === GrpcCode.DeadlineExceeded;
  if (stoppedByClient && !deadline) return { outcome: 'ok', code: 'CANCELLED' };
  return { outcome: 'error', code: codeNameOf(error), error };
}

function codeNameOf(error: unknown): string {
  if (error instanceof EtcdError) return error.codeName;
  if (error instanceof EtcdDecodeError) return 'INTERNAL';
  if (error instanceof Error && error.name === 'AbortError') return 'CANCELLED';
  return 'UNAVAILABLE';
}
