// Reading a stream ahead of its consumer, within a fixed bound. Node 20's fetch (undici 6) is slow to hand over
// the next chunk when the consumer took an event-loop turn since its last read (a file write), and meanwhile
// buffers what the server sends: a 58 MB etcd snapshot read one chunk per turn took 10-30 s and held up to
// 70 MB. A pump that keeps a read pending while the consumer works halves both; a sink that accepts writes
// without a turn each (a 1 MiB highWaterMark) removes the problem.
/**
 * Yields what `source` yields, pulling up to `limit` items ahead of the consumer. Errors come after the items
 * read before them. Stopping early asks the source to return once its pending read settles (abort the
 * source's own signal to stop it sooner).
 */
export async function* readAhead<T>(source: AsyncIterable<T>, limit: number): AsyncGenerator<T, void, undefined> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`readAhead: limit must be a positive integer, got ${limit}`);
  const iterator = source[Symbol.asyncIterator]();
  const queue: T[] = [];
  let finished = false;
  let failure: { error: unknown } | undefined;
  let stopped = false;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const wake = (which: 'consumer' | 'producer'): void => {
    const resolve = which === 'consumer' ? wakeConsumer : wakeProducer;
    if (which === 'consumer') wakeConsumer = undefined;
    else wakeProducer = undefined;
    resolve?.();
  };
  void (async () => {
    try {
      while (!stopped) {
        if (queue.length >= limit) {
          await new Promise<void>((resolve) => (wakeProducer = resolve));
          continue;
        }
        const next = await iterator.next();
        if (next.done === true) break;
        queue.push(next.value);
        wake('consumer');
      }
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      wake('consumer');
    }
  })();
  try {
    for (;;) {
      if (queue.length > 0) {
        const item = queue.shift() as T;
        wake('producer');
        yield item;
      } else if (finished) {
        if (failure !== undefined) throw failure.error;
        return;
      } else {
        await new Promise<void>((resolve) => (wakeConsumer = resolve));
      }
    }
  } finally {
    if (!finished) {
      stopped = true;
      wake('producer');
      iterator.return?.()?.catch(() => undefined);
    }
  }
}
