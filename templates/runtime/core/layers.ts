// The transport's layers, each importable on its own so a bundle carries only those it uses:
// `createTransport(options, { ...failoverLayer, ...streamLayer })`. `createClient` uses `clusterLayers`.
import { readJsonStream } from '../wire/ndjson.js';
import { createTokenSource } from './auth.js';
import { withFailover } from './failover.js';
import type { TransportLayers } from './transport.js';

/** Fail over between endpoints: reads retried elsewhere, writes only when they provably never reached a server. */
export const failoverLayer: TransportLayers = { failover: withFailover };
/** Authenticate with `ClientOptions.auth` (lazily, once for concurrent calls, again when a token is rejected). */
export const authLayer: TransportLayers = { auth: createTokenSource };
/** Read streaming answers: watch, lease keepalive, snapshot, election observe. */
export const streamLayer: TransportLayers = { streams: readJsonStream };
/** Every layer: what a client of a cluster wants. */
export const clusterLayers: TransportLayers = { failover: withFailover, auth: createTokenSource, streams: readJsonStream };
