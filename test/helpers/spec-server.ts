/**
 * A loopback stand-in for raw.githubusercontent.com/etcd-io/etcd: serves the shared spec files at
 * `/v<version>/Documentation/dev-guide/apispec/swagger/<name>.swagger.json`, straight from ETCD_SPECS_DIR
 * (nothing is copied). This machine cannot reach GitHub; the download path is tested against this.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { specsDir } from './specs.js';

export interface SpecServer {
  /** The base URL to put in ETCD_SPECS_BASE_URL. */
  readonly url: string;
  /** Every path requested so far. */
  readonly requests: string[];
  /** Serve version `alias` with the files of `version` (an etcd release the manifest does not know). */
  alias(alias: string, version: string): void;
  /** Answer this path with these bytes instead (a tampered download). */
  override(path: string, body: string): void;
  /** Answer 404 for this spec of this version (etcd 3.0 and 3.1 publish only rpc). */
  hide(version: string, file: string): void;
  close(): Promise<void>;
}

const ROUTE = /^\/v(\d+\.\d+\.\d+)\/Documentation\/dev-guide\/apispec\/swagger\/([\w]+\.swagger\.json)$/;

export async function startSpecServer(): Promise<SpecServer> {
  const requests: string[] = [];
  const aliases = new Map<string, string>();
  const overrides = new Map<string, string>();
  const hidden = new Set<string>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '';
    requests.push(path);
    const route = ROUTE.exec(path);
    const override = overrides.get(path);
    if (override !== undefined) return void res.writeHead(200, { 'content-type': 'text/plain' }).end(override);
    if (!route || hidden.has(`${route[1]}/${route[2]}`)) return void res.writeHead(404).end('404: Not Found');
    const version = aliases.get(route[1]!) ?? route[1]!;
    readFile(join(specsDir, `v${version}`, route[2]!)).then(
      (bytes) => res.writeHead(200, { 'content-type': 'text/plain', 'content-length': bytes.byteLength }).end(bytes),
      () => res.writeHead(404).end('404: Not Found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    alias: (alias, version) => void aliases.set(alias, version),
    override: (path, body) => void overrides.set(path, body),
    hide: (version, file) => void hidden.add(`${version}/${file}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A URL on which nothing listens (a closed loopback port): the offline case. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
