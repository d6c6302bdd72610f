// The secrets the tests hand to clients, in one place, so that the suite-wide check (secrets.setup.ts) can look
// for them in every error a test creates: passwords and tokens are distinctive strings (a short one like 'pw'
// would match everywhere), and material made at run time (TLS private keys, tokens a server issued) is added with
// registerSecret. Kept on globalThis: the setup file and the test files see one registry.
const REGISTRY = Symbol.for('etcd-gateway-codegen.test-secrets');

const secrets: Set<string> = ((globalThis as { [REGISTRY]?: Set<string> })[REGISTRY] ??= new Set<string>());

/** Registers `value` (at least 12 characters; a PEM is registered line by line) and returns it. */
export function registerSecret(value: string): string {
  const lines = value.includes('\n') ? value.split('\n').filter((line) => !line.startsWith('-----')) : [value];
  for (const line of lines) if (line.trim().length >= 12) secrets.add(line.trim());
  return value;
}

/** The password of the root user in suites that enable auth. */
export const TEST_PASSWORD = registerSecret('pw-wire-7f3a9c1e5b');
/** A second user's password. */
export const TEST_OTHER_PASSWORD = registerSecret('pw-wire-other-2d8e64a0');
/** A password a test sends on purpose to be refused. */
export const TEST_WRONG_PASSWORD = registerSecret('pw-wire-wrong-91c0ff3b');
/** A static token (`auth: { token }`) no server issued. */
export const TEST_TOKEN = registerSecret('tok-wire-5e1d0c9a7b.42');

/** The first registered secret found in `text`, if any. */
export function findSecret(text: string): string | undefined {
  for (const secret of secrets) if (text.includes(secret)) return secret;
  return undefined;
}
