/**
 * The one set of wait helpers. Prefer the client's own signals (`await watch.created`, `onStatus`, a lease's `lost`,
 * `observe` events); poll with `waitFor` / `eventually` only for what has no signal; `sleep` only where the wait is
 * the point (a TTL running out, a quiet period the test proves nothing happens in), with a comment saying so.
 */

/** Wait `ms`: only for a wait that is the point of the test (a TTL, a quiet period); say which in a comment. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  readonly timeoutMs?: number;
  /** Between two tries (default 50 ms). */
  readonly intervalMs?: number;
  /** What is awaited, for the error. */
  readonly what?: string;
}

/**
 * Poll `check` until it returns something other than false/undefined (or stops throwing), and return that. The
 * error at the deadline carries the last failure, so nothing is swallowed.
 */
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitOptions = {}): Promise<Exclude<T, false | undefined>> {
  const { timeoutMs = 10_000, intervalMs = 50, what = 'the condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== false && value !== undefined) return value as Exclude<T, false | undefined>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const cause = last instanceof Error ? last : undefined;
      throw new Error(`${what} not met within ${timeoutMs} ms; last: ${cause ? cause.message : String(last)}`, { cause });
    }
    await sleep(intervalMs);
  }
}

/** Until `condition()` holds, checked every 20 ms; fails naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(condition, { what, timeoutMs, intervalMs: 20 });
}

/**
 * Run `attempt` until it succeeds, again after `intervalMs` only while `retriable(error)` says the error is a
 * passing one (a member restarting, a leader election); any other error fails at once, and the last passing one
 * fails at the deadline. A retry loop in a test never swallows every error.
 */
export async function retrying<T>(attempt: () => Promise<T>, retriable: (error: unknown) => boolean, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 50, what = 'the call' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!retriable(error)) throw error;
      if (Date.now() > deadline) throw new Error(`${what} kept failing for ${timeoutMs} ms`, { cause: error });
      await sleep(intervalMs);
    }
  }
}

/** Read until `check(value)` holds; the value it held for. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  let last: T | undefined;
  const box = await waitFor(async () => {
    const value = await read();
    last = value;
    return check(value) ? { value } : false;
  }, { timeoutMs, what: 'condition' }).catch((error: Error) => {
    throw new Error(`${error.message}; last value ${String(last)}`, { cause: error });
  });
  return box.value;
}

/** Rejects if `promise` has not settled within `ms` (a hung call fails the test instead of timing it out). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
