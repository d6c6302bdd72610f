// The transport's layers against a real etcd: alone it makes one attempt per call; each layer adds what it names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authLayer, engineLayer, failoverLayer, streamLayer } from '../../templates/runtime/core/layers.js';
import { createTransport, type OperationDescriptor, type Transport } from '../../templates/runtime/core/transport.js';
import { EtcdConnectionError } from '../../templates/runtime/errors.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { closedEndpoint } from './fake-gateway.js';
import { serverTag } from '../helpers/servers.js';

const PUT: OperationDescriptor = { name: 'kv.put', route: '/kv/put', safety: 'write' };
const RANGE: OperationDescriptor = { name: 'kv.range', route: '/kv/range', safety: 'read' };
const WATCH: OperationDescriptor = { name: 'watch.watch', route: '/watch', safety: 'read' };
const key = btoa('layers/k');

let etcd: EtcdServer;
const transports: Transport[] = [];
beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  for (const t of transports) t.close();
  await etcd?.stop();
});

function track(t: Transport): Transport {
  transports.push(t);
  return t;
}

describe(`createTransport(options, layers)${serverTag()}`, () => {
  it('alone: one attempt per call; a refused endpoint fails the call and moves the next call on', async () => {
    const t = track(createTransport({ endpoints: [await closedEndpoint(), etcd.url] }));
    await expect(t.unary(PUT, { key, value: btoa('v') })).rejects.toBeInstanceOf(EtcdConnectionError);
    await t.unary(PUT, { key, value: btoa('v') });
    const range = await t.unary(RANGE, { key });
    expect((range['kvs'] as { value: string }[])[0]?.value).toBe(btoa('v'));
  });

  it('with the failover layer: the same call moves on by itself', async () => {
    const t = track(createTransport({ endpoints: [await closedEndpoint(), etcd.url] }, failoverLayer));
    expect(await t.unary(RANGE, { key })).toHaveProperty('kvs');
  });

  it('refuses auth without the auth layer and streams without the stream layer, naming the fix', async () => {
    expect(() => createTransport({ endpoints: etcd.url, auth: { token: 't' } })).toThrow(/ClientOptions.auth needs authLayer: createTransport\(options, \{ ...authLayer \}\)/);
    track(createTransport({ endpoints: etcd.url, auth: { token: 't' } }, authLayer));
    const bare = track(createTransport({ endpoints: etcd.url }));
    await expect(bare.stream(WATCH, {}).next()).rejects.toThrow(/watch.watch streams: build the transport with the stream layer/);
  });

  it('with the stream layer: a watch stream answers created', async () => {
    const t = track(createTransport({ endpoints: etcd.url }, streamLayer));
    const stream = t.stream(WATCH, { create_request: { key } });
    const first = await stream.next();
    expect(first.value).toMatchObject({ created: true });
    await stream.return(undefined);
  });

  it('takes TLS options only with the engine layer (the Node engine), and says so', () => {
    const tls = { ca: 'not checked until a connection' };
    expect(() => createTransport({ endpoints: etcd.url, tls })).toThrow(/ClientOptions.tls needs the Node engine: build the transport with engineLayer/);
    track(createTransport({ endpoints: etcd.url, tls }, engineLayer));
  });
});
