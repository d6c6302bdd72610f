// Hung members: a member that stops answering with its sockets open (a partition, a long pause, a stopped VM)
// accepts connections and then says nothing, so a call or a stream on it would wait forever. While exchanges
// wait on an endpoint that has been silent for `quietMs`, one shared `GET /version` probes it; when the probe
// gets no answer within `timeoutMs`, every exchange waiting there is aborted with a connection error (reads and
// streams move to another member; a write may have been applied, so it is not re-sent). Healthy but slow calls
// (a defragment, a snapshot, a quiet watch) keep running: their member answers the probe.
import { createScope } from './signals.js';

export interface LivenessTuning {
  /** Silence on an endpoint with exchanges waiting before it is probed (default 3000 ms). */
  readonly quietMs?: number;
  /** How long a probe may take before the endpoint counts as hung (default 4000 ms). */
  readonly timeoutMs?: number;
}

/** One exchange under watch: `heard()` on every sign of life from its endpoint, `release()` when it ends. */
export interface LivenessGuard {
  heard(): void;
  release(): void;
}

export interface Liveness {
  /** Watches an exchange on `endpoint`; `onHung(error)` aborts it when the endpoint fails a probe. */
  guard(endpoint: string, onHung: (error: Error) => void): LivenessGuard;
}

/** GET /version of `endpoint`, rejecting when `signal` aborts. */
export type Probe = (endpoint: string, signal: AbortSignal) => Promise<unknown>;

interface EndpointState {
  readonly guards: Set<(error: Error) => void>;
  heardAt: number;
  probing: boolean;
}

const TICK_MS = 1_000;

/** A liveness monitor over `probe`; `onHungEndpoint` hears of each endpoint found hung (to move calls off it). */
export function createLiveness(
  probe: Probe,
  tuning: LivenessTuning = {},
  onHungEndpoint: (endpoint: string) => void = () => undefined,
): Liveness {
  const quietMs = tuning.quietMs ?? 3_000;
  const timeoutMs = tuning.timeoutMs ?? 4_000;
  const endpoints = new Map<string, EndpointState>();
  let timer: ReturnType<typeof setInterval> | undefined;

  const check = (endpoint: string, state: EndpointState): void => {
    if (state.probing || Date.now() - state.heardAt < quietMs) return;
    state.probing = true;
    const scope = createScope([], timeoutMs);
    probe(endpoint, scope.signal)
      .then(
        () => {
          state.heardAt = Date.now();
        },
        (error: unknown) => {
          if (state.guards.size === 0) return;
          const hung = hungError(endpoint, timeoutMs, scope.signal.aborted ? undefined : error);
          onHungEndpoint(endpoint);
          for (const abort of [...state.guards]) abort(hung);
        },
      )
      .finally(() => {
        state.probing = false;
        scope.dispose();
      });
  };
  const tick = (): void => {
    for (const [endpoint, state] of endpoints) {
      if (state.guards.size === 0 && !state.probing) endpoints.delete(endpoint);
      else if (state.guards.size > 0) check(endpoint, state);
    }
    if (endpoints.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  return {
    guard(endpoint, onHung) {
      let state = endpoints.get(endpoint);
      if (state === undefined) {
        state = { guards: new Set(), heardAt: Date.now(), probing: false };
        endpoints.set(endpoint, state);
      } else if (state.guards.size === 0) {
        state.heardAt = Date.now();
      }
      const own = state;
      const abort = (error: Error): void => onHung(error);
      own.guards.add(abort);
      if (timer === undefined) {
        timer = setInterval(tick, TICK_MS);
        (timer as { unref?: () => void }).unref?.(); // the exchanges keep a process alive, not this check
      }
      return {
        heard: () => {
          own.heardAt = Date.now();
        },
        release: () => {
          own.guards.delete(abort);
        },
      };
    },
  };
}

function hungError(endpoint: string, timeoutMs: number, cause: unknown): Error {
  const why = cause === undefined ? `no answer to GET /version within ${timeoutMs} ms` : 'GET /version failed';
  const error = new Error(
    `${endpoint} stopped answering (${why}) while a call waited on it`,
    cause === undefined ? undefined : { cause },
  );
  return Object.assign(error, { code: 'ETIMEDOUT' });
}
