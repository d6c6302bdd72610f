// A tiny stand-in for etcd's gateway on 127.0.0.1, for what the real etcd here (3.4) cannot show on demand: old
// prefixes, 3.6-style error bodies, 503 members, resets after a request was received. (Authentication is tested
// against a real etcd: test/runtime/auth.test.ts.)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type Route = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeGateway {
  readonly url: string;
  readonly seen: SeenRequest[];
  /** Requests other than GET /version. */
  calls(): SeenRequest[];
  close(): Promise<void>;
}

export interface FakeGatewayOptions {
  /** etcdserver version GET /version reports; null makes /version fail with 500. Default 3.4.22. */
  version?: string | null;
  /** Prefixes served (others are a text/plain 404 like Go's mux). Default from the version. */
  prefixes?: readonly string[];
}

export async function startFakeGateway(
  routes: Record<string, Route>,
  options: FakeGatewayOptions = {},
): Promise<FakeGateway> {
  const version = options.version === undefined ? '3.4.22' : options.version;
  const prefixes = options.prefixes ?? defaultPrefixes(version ?? '3.4.22');
  const seen: SeenRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    seen.push(request);
    if (request.path === '/version') {
      if (version === null) return sendText(res, 500, 'version unavailable');
      return sendJson(res, 200, { etcdserver: version, etcdcluster: '3.4.0' });
    }
    const prefix = prefixes.find((p) => request.path.startsWith(`${p}/`));
    const route = prefix === undefined ? undefined : routes[request.path.slice(prefix.length)];
    if (route === undefined) return sendText(res, 404, '404 page not found\n');
    await route(request, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    calls: () => seen.filter((r) => r.path !== '/version'),
    close: () => closeServer(server),
  };
}

function defaultPrefixes(version: string): string[] {
  const [major = 3, minor = 4] = version.split('.').map(Number);
  if (major === 3 && minor <= 2) return ['/v3alpha'];
  if (major === 3 && minor === 3) return ['/v3beta', '/v3alpha'];
  return ['/v3', '/v3beta'];
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** The grpc-gateway v1 error body etcd 3.4/3.5 send. */
export function sendGrpcError(res: ServerResponse, status: number, code: number, message: string): void {
  sendJson(res, status, { error: message, message, code });
}

/** A URL on which nothing listens: connecting is refused at once (ECONNREFUSED). */
export async function closedEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await closeServer(server);
  return `http://127.0.0.1:${port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
