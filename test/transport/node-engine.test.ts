// The Node engine on its own, against a real etcd over mutual TLS: unary exchanges, streams read as chunks,
// cancellation, connection failures with their system code, and the TLS refusals in words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../../templates/runtime/core/engines/node.js';
import { EtcdError } from '../../templates/runtime/errors.js';
import type { HttpEngine, HttpRequest, TlsOptions } from '../../templates/runtime/types.js';
import { currentServer } from '../helpers/servers.js';
import { describeEtcd, etcdctl, startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { makePki, type Pki } from '../helpers/tls.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const engines: HttpEngine[] = [];

function engine(tls?: TlsOptions): HttpEngine {
  const e = createNodeEngine(tls);
  engines.push(e);
  return e;
}

function post(url: string, body: unknown, signal = new AbortController().signal): HttpRequest {
  return { url, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal };
}

async function json(e: HttpEngine, request: HttpRequest): Promise<Record<string, any>> {
  const response = await e.send(request);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as Record<string, any>;
}

describeEtcd('Node engine over mTLS (real etcd)', () => {
  let pki: Pki;
  let etcd: EtcdServer;
  beforeAll(async () => {
    pki = makePki();
    etcd = await startEtcd({ tls: pki.server });
  });
  afterAll(async () => {
    for (const e of engines) e.close?.();
    await etcd?.stop();
  });

  it('puts and ranges, non-ASCII bodies included, over one keep-alive connection', async () => {
    const e = engine(pki.clientTls);
    const value = b64('grüße, 世界');
    await json(e, post(`${etcd.url}/v3/kv/put`, { key: b64('engine/a'), value, lease: '0', note: 'ü' }));
    const got = await json(e, post(`${etcd.url}/v3/kv/range`, { key: b64('engine/a') }));
    expect(got['kvs'][0].value).toBe(value);
    expect(await etcdctl(['get', 'engine/a', '--print-value-only'], etcd.url, pki.etcdctlEnv)).toBe('grüße, 世界\n');
  });

  it('takes PEM as bytes and the CA as a list', async () => {
    const bytes = (pem: string): Uint8Array => new TextEncoder().encode(pem);
    const e = engine({ ca: [bytes(pki.otherCa), bytes(pki.ca)], cert: bytes(pki.clientCert), key: bytes(pki.clientKey) });
    expect((await json(e, post(`${etcd.url}/v3/kv/range`, { key: b64('engine/a') })))['count']).toBe('1');
  });

  it('answers headers and error bodies as they came', async () => {
    const e = engine(pki.clientTls);
    const response = await e.send(post(`${etcd.url}/v3/kv/nope`, {}));
    expect(response.status).toBe(404);
    // An unknown route: the router's answer, plain text on 3.4 and a JSON error on 3.5 (the server table).
    expect(response.header('Content-Type')).toContain(currentServer().contentType.unknownRoute);
    expect(await response.text()).toMatch(/Not Found/);
    const version = await e.send({ url: `${etcd.url}/version`, method: 'GET', headers: {}, signal: new AbortController().signal });
    expect(JSON.parse(await version.text())).toMatchObject({ etcdserver: currentServer().version });
  });

  it('reads a watch stream chunk by chunk and aborts it on the signal', async () => {
    const e = engine(pki.clientTls);
    const controller = new AbortController();
    const response = await e.send(post(`${etcd.url}/v3/watch`, { create_request: { key: b64('engine/w') } }, controller.signal));
    expect(response.status).toBe(200);
    const chunks = response.chunks()[Symbol.asyncIterator]();
    const created = new TextDecoder().decode((await chunks.next()).value);
    expect(created).toMatch(/"created":true/);
    await json(e, post(`${etcd.url}/v3/kv/put`, { key: b64('engine/w'), value: b64('v') }));
    const event = new TextDecoder().decode((await chunks.next()).value);
    expect(event).toContain(b64('engine/w'));
    const reason = new Error('stop watching');
    const pending = chunks.next();
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects with the signal reason when aborted before the answer, and at once when already aborted', async () => {
    const e = engine(pki.clientTls);
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const sent = e.send(post(`${etcd.url}/v3/kv/range`, { key: b64('x') }, controller.signal));
    controller.abort(reason);
    await expect(sent).rejects.toBe(reason);
    await expect(e.send(post(`${etcd.url}/v3/kv/range`, {}, controller.signal))).rejects.toBe(reason);
  });

  it('rejects a refused connection with its system code (never reached a server)', async () => {
    const e = engine(pki.clientTls);
    await expect(e.send(post('https://127.0.0.1:1/v3/kv/range', {}))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  describe('refusals name the endpoint and the TLS reason, and write nothing', () => {
    const refused = async (e: HttpEngine, url: string, reason: RegExp): Promise<void> => {
      const error = await e.send(post(`${url}/v3/kv/put`, { key: b64('refused'), value: b64('x') })).catch((x: unknown) => x);
      expect(error).toBeInstanceOf(EtcdError);
      expect((error as EtcdError).code).toBe(16);
      expect((error as EtcdError).endpoint).toBe(url);
      expect((error as Error).message).toContain(`TLS refused at ${url}`);
      expect((error as Error).message).toMatch(reason);
    };
    afterAll(async () => {
      expect(await etcdctl(['get', 'refused', '--print-value-only'], etcd.url, pki.etcdctlEnv)).toBe('');
    });

    it('a server certificate the client does not trust', async () => {
      await refused(engine({ ca: pki.otherCa, cert: pki.clientCert, key: pki.clientKey }), etcd.url, /certificate is not trusted.*unable to verify/);
      await refused(engine(), etcd.url, /certificate is not trusted/);
    });

    it('no client certificate, or one the server does not accept', async () => {
      const alert = currentServer().missingClientCertAlert.source; // the TLS alert text differs by server (table)
      await refused(engine({ ca: pki.ca }), etcd.url, new RegExp(`refused the client certificate.*${alert}`));
      await refused(engine({ ca: pki.ca, cert: pki.strangerCert, key: pki.strangerKey }), etcd.url, /refused the client certificate/);
    });

    it('http:// to the TLS port', async () => {
      const plain = etcd.url.replace('https://', 'http://');
      await refused(engine(pki.clientTls), plain, new RegExp(`speaks TLS on this port: use ${etcd.url.replace(/\./g, '\\.')}`));
    });
  });
});
