// One watch of `watchEvents`: the loop that creates it (again after every drop) and yields its events, and the
// signals around that loop: when the server created the watch, whether it can reach a member, progress requests.
import { observeStart, type Observation } from '../core/observe.js';
import { createScope, raceSignal, sleep, type Scope } from '../core/signals.js';
import { EtcdLimitError } from '../errors.js';
import type { ClientOptions } from '../types.js';
import { WATCH_OPERATION } from './channel.js';
import { FragmentAssembler, ResumeCursor, interpretResponse, splitByRevision } from './resume.js';
import { createRequest, type WatchTarget } from './request.js';
import { ProgressProver, type ProofCreate } from './post-progress.js';
import { failedEndpoints, ProgressRequests } from './progress-requests.js';
import { classifyFailure, LimitStrikes, WatchRetry, type WatchRetryOptions } from './retry.js';
import type {
  EncodeWatchRequest,
  EventOf,
  WatchChannel,
  WatchOpener,
  WatchResponseShape,
  WatchStatus,
  WatchStatusListener,
} from './types.js';

export interface WatchRunInit<R extends WatchResponseShape> {
  /** Where the watch is created (the hub; a fake in tests). */
  readonly hub: WatchOpener;
  readonly target: WatchTarget;
  /** The generated encoder (a namespace's prefixes the keys). */
  readonly encode: EncodeWatchRequest;
  readonly decode: (wire: unknown) => R;
  readonly signal: AbortSignal | undefined;
  readonly retry: WatchRetryOptions;
  readonly onStatus: WatchStatusListener | undefined;
  /** Where reconnects are reported (`observe`). */
  readonly clientOptions: ClientOptions;
}

/** One channel's try: where it got, and the reconnect it reports (after a drop). */
interface Attempt {
  channel?: WatchChannel;
  /** The endpoint the channel was opened on (a POST may fail over to others). */
  endpoint?: string;
  created: boolean;
  readonly reconnect: Observation | undefined;
  create?: ProofCreate; // for post-progress.ts
}

/** One watch's run: `events()` is the loop, the rest are the signals around it. */
export interface WatchRun<R extends WatchResponseShape> {
  /** Settles once: the revision of the first creation, or the error that ended the watch before it. */
  readonly created: Promise<bigint>;
  readonly status: WatchStatus;
  /** Ends the watch (closing its channel); the iteration then throws `reason`, and so do `created` and progress. */
  stop(reason: unknown): void;
  /**
   * Asks the server for a progress answer: resolves with the store's revision when it answered, once every
   * response that came before the answer has been handled (so every event before it was yielded).
   */
  requestProgress(signal?: AbortSignal): Promise<bigint>;
  /** The events, created again from where it stands after every drop, until the watch ends. */
  events(): AsyncGenerator<EventOf<R>, void, undefined>;
}

export function createWatchRun<R extends WatchResponseShape>(init: WatchRunInit<R>): WatchRun<R> {
  return new Run(init);
}

class Run<R extends WatchResponseShape> implements WatchRun<R> {
  private currentStatus: WatchStatus = 'connecting';
  /** Settles once: the revision of the first creation, or the error that ended the watch before it. */
  readonly created: Promise<bigint>;
  private settleCreated!: { resolve: (revision: bigint) => void; reject: (error: unknown) => void };
  private readonly scope: Scope;
  private readonly cursor: ResumeCursor;
  private readonly retry: WatchRetry;
  private readonly strikes = new LimitStrikes();
  private readonly progress = new ProgressRequests();
  /** The channel the watch is created on right now. */
  private channel: WatchChannel | undefined;
  /** The current channel was closed to send a progress request with a new create (a POST). */
  private restarting = false;
  /** Answers progress requests a POST's server leaves unanswered (etcd 3.5 on). */
  private readonly prover: ProgressProver;
  /** The endpoints creating the watch failed on since it was last created. */
  private readonly failedOn = new Set<string>();
  private everCreated = false;
  /** Attempts to create the watch again since its stream dropped. */
  private reconnects = 0;

  constructor(private readonly init: WatchRunInit<R>) {
    this.scope = createScope([init.signal, init.hub.lifetime]);
    this.cursor = new ResumeCursor(init.target.startRevision);
    this.retry = new WatchRetry(init.retry);
    this.prover = new ProgressProver(init.hub, {
      channel: () => this.channel,
      resumeRevision: () => this.cursor.startRevision,
      answered: (revision) => this.progress.answered(revision),
      askAgain: (channel) => this.sendProgress(channel),
    });
    this.created = new Promise((resolve, reject) => (this.settleCreated = { resolve, reject }));
    this.created.catch(() => undefined); // the iteration throws the same error
  }

  get status(): WatchStatus {
    return this.currentStatus;
  }

  /** Ends the watch (closing its channel); the iteration then throws `reason`, and so do `created` and progress. */
  stop(reason: unknown): void {
    this.scope.abort(reason);
    this.ended(reason);
  }

  /**
   * Asks the server for a progress answer: resolves with the store's revision when it answered, once every
   * response that came before the answer has been handled (so every event before it was yielded).
   */
  requestProgress(signal?: AbortSignal): Promise<bigint> {
    if (this.end !== undefined) return Promise.reject(this.end.error);
    const answer = this.progress.add();
    if (this.channel !== undefined && !this.restarting) this.sendProgress(this.channel);
    return signal === undefined ? answer : raceSignal(answer, signal);
  }

  /** The events, created again from where it stands after every drop, until the watch ends. */
  async *events(): AsyncGenerator<EventOf<R>, void, undefined> {
    try {
      for (let recreated = false; ;) {
        const dropped = this.everCreated && !recreated; // a POST closed for a progress request did not drop
        const attempt: Attempt = { created: false, reconnect: dropped ? this.observeReconnect() : undefined };
        recreated = false;
        let failure: unknown;
        try {
          yield* this.attempt(attempt);
        } catch (error) {
          failure = error;
          if (!attempt.created) attempt.reconnect?.end(error, this.scope.aborted);
        } finally {
          attempt.channel?.close();
          if (this.channel === attempt.channel) this.channel = undefined;
          this.progress.lost();
        }
        if (this.scope.aborted) this.scope.signal.throwIfAborted(); // its signal is made only to throw its reason
        if (this.restarting) {
          this.restarting = false; // a POST closed to carry a progress request: create it again at once
          recreated = true;
          continue;
        }
        if (!attempt.created) this.openFailed(failure, attempt.endpoint);
        if (failure instanceof EtcdLimitError) this.limitBroke(failure);
        const next = this.retry.after(failure); // throws when the watch must end
        if (next.reauthenticate && (attempt.channel === undefined || !this.init.hub.reauthenticate(attempt.channel)))
          throw failure;
        await sleep(next.delayMs, this.scope.signal);
      }
    } catch (error) {
      this.ended(error);
      throw error;
    } finally {
      this.scope.dispose();
    }
  }

  /** Why the watch ended, once it has: what `created` and progress requests reject with from then on. */
  private end: { readonly error: unknown } | undefined;

  private ended(error: unknown): void {
    this.end ??= { error };
    this.settleCreated.reject(error); // a no-op once created
    this.progress.fail(error);
  }

  /** One channel: create the watch on it and yield its events until it breaks (it always ends by throwing). */
  private async *attempt(attempt: Attempt): AsyncGenerator<EventOf<R>> {
    const { hub, target, encode, decode } = this.init;
    attempt.endpoint = hub.currentEndpoint;
    const start = this.cursor.startRevision;
    const channel = await hub.open(
      (id) => {
        const wire = encode(createRequest(target, start, id));
        attempt.create = { wire, start };
        return wire;
      },
      this.scope,
      () => this.progressTrailer(),
    );
    attempt.channel = channel;
    const assembler = new FragmentAssembler<R>();
    for (;;) {
      const whole = assembler.push(decode(await channel.next()));
      if (whole === undefined) continue;
      const step = interpretResponse<EventOf<R>>(whole, channel);
      if (step.kind === 'canceled') throw step.error;
      if (step.kind === 'created') {
        attempt.created = true;
        attempt.reconnect?.end();
        this.onCreated(channel, step.revision);
        if (this.progress.asked) this.prover.created(channel, attempt.create, step.revision, this.scope.signal);
      } else if (step.kind === 'progress') {
        this.cursor.progressed(step.revision);
        this.retry.healthy();
      } else if (step.kind === 'stream-progress') {
        // An answer before `created` may come ahead of events held back until then (3.5.30): ask again after it.
        // Where the run proves progress itself (post-progress.ts), only its proof answers: a server answer that
        // slips through there (a write between the create and the request) is not relied on.
        if (this.prover.proving(channel, attempt.create)) continue;
        if (attempt.created) this.progress.answered(step.revision);
        else this.progress.unanswered();
      } else if (step.kind === 'events') {
        // A stop (the signal, client.close()) takes effect between revisions, never inside one: a consumer that
        // was handed one event of a txn gets the rest of it, so resuming after its last event's revision loses
        // nothing. The robustness run found watches stopped in the middle of a put-and-delete txn.
        for (const revision of splitByRevision(this.cursor.fresh(step.events))) {
          for (const event of revision) yield event;
          this.cursor.delivered(revision);
          if (this.scope.aborted) this.scope.signal.throwIfAborted();
        }
        this.retry.healthy();
        this.strikes.clear();
        this.prover.delivered(channel);
      }
    }
  }

  private observeReconnect(): Observation {
    const { hub, clientOptions } = this.init;
    return observeStart(clientOptions, 'reconnect', WATCH_OPERATION.name, hub.currentEndpoint, ++this.reconnects);
  }

  private onCreated(channel: WatchChannel, revision: bigint): void {
    this.everCreated = true;
    this.reconnects = 0;
    this.cursor.created(revision);
    this.retry.created();
    this.failedOn.clear();
    this.channel = channel;
    this.settleCreated.resolve(revision);
    this.setStatus('connected');
    if (this.progress.wanted) this.sendProgress(channel);
  }

  /** A shared socket takes the request at once; a POST is closed and created again with it in the body. */
  private sendProgress(channel: WatchChannel): void {
    if (channel.requestProgress()) {
      this.progress.sent();
    } else {
      this.restarting = true;
      channel.close();
    }
  }

  /** What a new POST carries after its create request: a progress request, when one waits. */
  private progressTrailer(): readonly Record<string, unknown>[] {
    if (!this.progress.wanted) return [];
    this.progress.sent();
    return [this.init.encode({ progressRequest: {} })];
  }

  /** A message past maxMessageBytes: resume on the same endpoint once, then on the next (throws when all struck out). */
  private limitBroke(error: EtcdLimitError): void {
    const { moveOn } = this.strikes.struck(error, this.init.hub.endpointCount);
    if (moveOn && error.endpoint !== undefined) this.init.hub.failed(error.endpoint);
  }

  /**
   * Only failures to reach a member count (an answer such as an expired token says a member is there), once per
   * endpoint: a member that fails again and again (408s while it shuts down) is one endpoint, not the cluster.
   */
  private openFailed(failure: unknown, endpoint: string | undefined): void {
    if (classifyFailure(failure) !== 'retry') return;
    for (const failed of failedEndpoints(failure, endpoint)) this.failedOn.add(failed);
    if (this.failedOn.size >= Math.max(1, this.init.hub.endpointCount)) this.setStatus('disconnected', failure);
  }

  private setStatus(status: WatchStatus, error?: unknown): void {
    if (this.currentStatus === status) return;
    this.currentStatus = status;
    const listener = this.init.onStatus;
    try {
      if (error === undefined) listener?.(status);
      else listener?.(status, error);
    } catch (thrown) {
      queueMicrotask(() => {
        throw thrown; // a listener's bug surfaces as an uncaught error; the watch goes on
      });
    }
  }
}
