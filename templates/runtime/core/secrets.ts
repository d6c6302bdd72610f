// The secrets a client holds (the password, a static token, a TLS private key and its passphrase) out of reach of a
// log line: `transport.options` carries them as getters on a private prototype, over values kept in a closure, so
// `util.inspect` (even with showHidden and getters), `JSON.stringify`, spreading and `Object.entries` never see
// them; the inspect hook and toJSON show `[redacted]`. Code that needs one reads the field by name.
import type { AuthOptions, ClientOptions, TlsOptions } from '../types.js';

export const REDACTED = '[redacted]';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const AUTH_SECRETS = ['password', 'token'] as const;
const TLS_SECRETS = ['key', 'passphrase'] as const;

/** A copy of `options` whose `auth` and `tls` keep their secrets hidden (the caller's object is left as it is). */
export function protectOptions(options: ClientOptions): ClientOptions {
  const out: ClientOptions = { ...options };
  if (options.auth !== undefined) out.auth = hideFields<AuthOptions>(options.auth, AUTH_SECRETS);
  if (options.tls !== undefined) out.tls = hideFields<TlsOptions>(options.tls, TLS_SECRETS);
  return out;
}

function hideFields<T extends object>(source: T, secrets: readonly string[]): T {
  const visible: Record<string, unknown> = {};
  const shown: Record<string, unknown> = {};
  const hidden: PropertyDescriptorMap = {};
  for (const [name, value] of Object.entries(source)) {
    if (secrets.includes(name) && value !== undefined) {
      hidden[name] = { get: () => value, enumerable: false };
      shown[name] = REDACTED;
    } else {
      visible[name] = value;
      shown[name] = value;
    }
  }
  const redacted = (): Record<string, unknown> => ({ ...shown });
  hidden['toJSON'] = { value: redacted };
  hidden[INSPECT] = { value: redacted };
  return Object.assign(Object.create(Object.create(Object.prototype, hidden) as object) as object, visible) as T;
}
