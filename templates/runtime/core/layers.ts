// The transport's layers, each importable on its own so a bundle carries only those it uses:
// `createTransport(options, { ...failoverLayer, ...streamLayer })`. `createClient` uses `clusterLayers`.
import { readJsonStream } from '../wire/ndjson.js';
import { createTokenSource } from './auth.js';
import { startAutoSync } from './auto-sync.js';
import { withFailover } from './failover.js';
import { chooseEngine } from './engines/choose.js';
import { createLiveness } from './liveness.js';
import { observeStart } from './observe.js';
import type { TransportLayers } from './transport.js';

/** Fail over between endpoints: reads retried elsewhere, writes only when they provably never reached a server. */
export const failoverLayer: TransportLayers = { failover: withFailover };
/** Authenticate with `ClientOptions.auth` (lazily, once for concurrent calls, again when a token is rejected). */
export const authLayer: TransportLayers = { auth: createTokenSource };
/** Read streaming answers: watch, lease keepalive, snapshot, election observe. */
export const streamLayer: TransportLayers = { streams: readJsonStream };
/** Probe endpoints that calls wait on, and abort the calls when one hangs (ClientOptions.liveness). */
export const livenessLayer: TransportLayers = { liveness: createLiveness };
/** The Node engine (node:http keep-alive agents, `ClientOptions.tls`) wherever the runtime has it; fetch elsewhere. */
export const engineLayer: TransportLayers = { engine: chooseEngine };
/** Refresh the endpoints from the member list every `ClientOptions.autoSyncIntervalMs`. */
export const autoSyncLayer: TransportLayers = { autoSync: startAutoSync };
/** Report calls, streams and authentications to `ClientOptions.observe`. */
export const observeLayer: TransportLayers = { observe: observeStart };
/** Every layer: what a client of a cluster wants. */
export const clusterLayers: TransportLayers = {
  failover: withFailover,
  auth: createTokenSource,
  streams: readJsonStream,
  liveness: createLiveness,
  engine: chooseEngine,
  autoSync: startAutoSync,
  observe: observeStart,
};
