// The layers a transport may be built with (core/layers.ts has them): each one a type of the function it brings.
import type { createTokenSource } from './auth.js';
import type { startAutoSync } from './auto-sync.js';
import type { chooseEngine } from './engines/choose.js';
import type { withFailover } from './failover.js';
import type { createLiveness } from './liveness.js';
import type { observeStart } from './observe.js';
import type { readJsonStream } from '../wire/ndjson.js';

/**
 * What a transport does beyond one POST to one endpoint, each a layer a caller pays for only when it passes it
 * (core/layers.ts has them; `createClient` passes them all): the Node engine, failover between endpoints,
 * authentication, streams, hung-member probes, endpoint auto-sync and the observe hook.
 */
export interface TransportLayers {
  /** Picks the engine: the Node engine (node:http keep-alive, TLS options) where the runtime has one; without it, fetch. */
  readonly engine?: typeof chooseEngine;
  /** Runs a call's attempts across endpoints; without it a call makes one attempt, and the next call moves on. */
  readonly failover?: typeof withFailover;
  /** Authenticates with `ClientOptions.auth`; without it the option is refused. */
  readonly auth?: typeof createTokenSource;
  /** Reads streaming answers (watch, keepalive, snapshot, observe); without it `stream()` is refused. */
  readonly streams?: typeof readJsonStream;
  /** Probes endpoints that calls wait on and aborts the calls when one hangs; without it calls wait for their deadline. */
  readonly liveness?: typeof createLiveness;
  /** Refreshes the endpoints from the member list (`ClientOptions.autoSyncIntervalMs`); without it the option is refused. */
  readonly autoSync?: typeof startAutoSync;
  /** Reports calls, streams and authentications to `ClientOptions.observe`; without it the option is refused. */
  readonly observe?: typeof observeStart;
}
