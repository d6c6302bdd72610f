/** etcd versions: ordering and the path prefixes each server version serves (see GATEWAY.md). */

export type Prefix = '/v3' | '/v3beta' | '/v3alpha';

/** An etcd version as written in a tag, a directory name or `/version`: `3.6.14`, `v3.6.14`, `3.7.0-alpha.0`. */
export const VERSION_TEXT = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+][\w.]+)?$/;

export interface EtcdVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** `3.6.14` (no `v`, no suffix). */
  readonly text: string;
}

/** The one parser of etcd versions in spec/ and generator/ (the runtime keeps its own: it ships alone). */
export function parseVersion(text: string): EtcdVersion | undefined {
  const match = VERSION_TEXT.exec(text);
  if (!match) return undefined;
  const [major, minor, patch] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  return { major, minor, patch, text: `${major}.${minor}.${patch}` };
}

/** `3.4.23` → `3.4`. */
export function minorOf(version: string): string {
  const parsed = parseVersion(version);
  return parsed ? `${parsed.major}.${parsed.minor}` : version;
}

/** Major, minor, patch; lenient (a part that is not a number is 0), for ordering whatever a caller holds. */
function parts(version: string): number[] {
  const parsed = parseVersion(version);
  if (parsed) return [parsed.major, parsed.minor, parsed.patch];
  return version.replace(/^v/, '').split(/[.-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
}

/** Numeric ordering of `major.minor.patch` versions. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** The prefix a client should use against a server of this version: 3.4+ → /v3, 3.3 → /v3beta, older → /v3alpha. */
export function preferredPrefix(version: string): Prefix {
  const [major = 0, minor = 0] = parts(version);
  if (major > 3 || (major === 3 && minor >= 4)) return '/v3';
  return major === 3 && minor === 3 ? '/v3beta' : '/v3alpha';
}

/** Every prefix a server of this version answers: 3.2 /v3alpha; 3.3 /v3beta and /v3alpha; 3.4 /v3 and /v3beta; 3.5+ /v3 and /v3beta. */
export function servedPrefixes(version: string): Prefix[] {
  const [major = 0, minor = 0] = parts(version);
  if (major > 3 || (major === 3 && minor >= 4)) return ['/v3', '/v3beta'];
  if (major === 3 && minor === 3) return ['/v3beta', '/v3alpha'];
  return ['/v3alpha'];
}
