// Setup of every test project (vitest.config.ts): no error a test creates may show a test secret (helpers/
// secrets.ts). Every error built from a class that extends the global Error (the client's EtcdError family, its
// TypeErrors' wrappers, `ws`'s) is recorded at construction, through a Proxy installed before the test file loads
// the client; after each test, each one's name, message, own fields and cause chain are searched, and a leak
// fails that test. Errors V8 or Node's internals build are not seen here; the client's wrap them in `cause`.
import { afterAll, afterEach, beforeEach } from 'vitest';
import { findSecret } from './secrets.js';

const INSTALLED = Symbol.for('etcd-gateway-codegen.error-recorder');

interface Recorder {
  created: Error[];
}

function install(): Recorder {
  const global = globalThis as unknown as { [INSTALLED]?: Recorder; Error: ErrorConstructor };
  const existing = global[INSTALLED];
  if (existing !== undefined) return existing;
  const recorder: Recorder = { created: [] };
  global.Error = new Proxy(global.Error, {
    construct(target, args, newTarget) {
      const error = Reflect.construct(target, args, newTarget) as Error;
      recorder.created.push(error);
      return error;
    },
  });
  global[INSTALLED] = recorder;
  return recorder;
}

const recorder = install();

/** The text of a value as a leak would show it: strings, messages, own fields and causes, without stacks. */
function textOf(value: unknown, depth = 0, seen = new Set<unknown>()): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || depth > 6 || seen.has(value)) return '';
  seen.add(value);
  const parts: string[] = [];
  if (value instanceof Error) parts.push(value.name, value.message, textOf(value.cause, depth + 1, seen));
  const fields = Array.isArray(value) ? value : Object.entries(value).filter(([name]) => name !== 'stack').map(([, v]) => v);
  for (const field of fields) parts.push(textOf(field, depth + 1, seen));
  return parts.join('\n');
}

function scan(): void {
  const errors = recorder.created;
  recorder.created = [];
  for (const error of errors) {
    const secret = findSecret(textOf(error));
    if (secret !== undefined) {
      throw new Error(`a ${error.name} created by this test shows a test secret (${secret.slice(0, 6)}…): ${error.message.slice(0, 200)}`);
    }
  }
}

beforeEach(() => {
  recorder.created = [];
});
afterEach(scan);
afterAll(scan);
