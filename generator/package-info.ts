/** This package's own version, read from package.json next to the code (source or dist). */
import { readFileSync } from 'node:fs';

let version: string | undefined;

export function packageVersion(): string {
  if (version) return version;
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'etcd-gateway-codegen' && pkg.version) return (version = pkg.version);
    } catch {
      // try the next place
    }
  }
  return (version = '0.0.0');
}
