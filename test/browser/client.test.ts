// The committed generated client, compiled to JavaScript, in a real headless Chromium (Debian's `chromium`,
// driven by playwright-core) against a real etcd 3.4.23 started with --cors '*': put, range, watchEvents over the
// browser's own WebSocket, and auth errors as EtcdError.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdAvailable, etcdctl, startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { repoRoot } from '../helpers/specs.js';
import { compileForBrowser, serveStatic, tempDir, type StaticSite } from './serve.js';
import { currentServer, serverTag } from '../helpers/servers.js';

const CHROMIUM = process.env['CHROMIUM_BIN'] || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Like etcdAvailable(): CI must run this suite, so a missing browser there is an error, not a skip. */
function chromiumAvailable(): boolean {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return true;
  } catch {
    if (process.env['CI'])
      throw new Error(`chromium is required under CI but ${CHROMIUM} is missing: apt-get install -y chromium`);
    return false;
  }
}

interface Checks {
  basics(endpoint: string, prefix: string): Promise<unknown>;
  authErrors(endpoint: string, prefix: string): Promise<unknown>;
}

describe.skipIf(!etcdAvailable() || !chromiumAvailable())(`the generated client in headless Chromium${serverTag()}`, () => {
  const compiled = tempDir('etcd-browser-client-');
  let etcd: EtcdServer;
  let site: StaticSite;
  let browser: Browser;
  let page: Page;
  const sockets: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const files = compileForBrowser(join(repoRoot, 'generated'), compiled.path);
    expect(files).toBeGreaterThan(10);
    [etcd, site, browser] = await Promise.all([
      startEtcd({ cors: '*' }),
      serveStatic({ '/client/': compiled.path, '/': join(repoRoot, 'test/browser/page') }),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    page = await browser.newPage();
    page.on('websocket', (socket) => sockets.push(socket.url()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(site.url);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 10_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await etcd?.stop();
    compiled.remove();
  });

  const run = (check: keyof Checks, prefix: string): Promise<unknown> =>
    page.evaluate(
      ([name, endpoint, p]) => (window as unknown as { etcdChecks: Checks }).etcdChecks[name](endpoint, p),
      [check, etcd.url, prefix] as const,
    );

  // The watch over the browser's native WebSocket where the server's proxy ends a stream when its socket closes;
  // over POST elsewhere (websocketCloseEndsStream in the server table).
  it('puts, ranges and watches, the watch over the browser’s native WebSocket or POST', async () => {
    const result = (await run('basics', 'browser/')) as { start: string };
    expect(result).toEqual({
      putRevision: 'bigint',
      kvs: [['browser/greeting', 'héllo from a browser', 'bigint']],
      count: '1',
      events: [
        ['PUT', 'browser/w/1', 'one', result.start, ''],
        ['PUT', 'browser/w/1', 'two', String(BigInt(result.start) + 1n), 'one'],
        ['DELETE', 'browser/w/1', '', String(BigInt(result.start) + 2n), 'two'],
      ],
      start: result.start,
      globalWebSocket: 'function',
    });
    expect(sockets).toEqual(currentServer().websocketCloseEndsStream ? [`${etcd.url.replace('http', 'ws')}/v3/watch`] : []);
    expect(pageErrors).toEqual([]);
  });

  it('reports auth failures as EtcdError with the gRPC code name', async () => {
    for (const args of [
      ['user', 'add', 'root:rootpw'],
      ['auth', 'enable'],
    ])
      await etcdctl(args, etcd.url);
    const result = await run('authErrors', 'browser/');
    expect(result).toEqual({
      wrongPassword: {
        isEtcdError: true,
        codeName: 'INVALID_ARGUMENT',
        httpStatus: 400,
        message: 'etcdserver: authentication failed, invalid user ID or password',
      },
      noUser: {
        isEtcdError: true,
        codeName: 'INVALID_ARGUMENT',
        httpStatus: 400,
        message: 'etcdserver: user name is empty',
      },
      watchWithoutUser: {
        isEtcdError: true,
        codeName: 'INVALID_ARGUMENT',
        httpStatus: undefined,
        message: 'etcdserver: user name is empty',
      },
      rootRead: ['héllo from a browser'],
    });
    expect(pageErrors).toEqual([]);
  });
});
