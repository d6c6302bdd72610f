/**
 * One progress line on a terminal for work that takes over a second (a spec download). Quiet when the stream
 * is not a TTY or on CI, so logs stay clean.
 */
import type { DownloadProgress } from '../spec/download.js';

export interface ProgressStream {
  readonly isTTY?: boolean | undefined;
  write(text: string): unknown;
}

export interface ProgressLine {
  update(text: string): void;
  /** Clear the line (if one was drawn) and stop. */
  done(): void;
}

export interface ProgressLineOptions {
  readonly stream?: ProgressStream;
  readonly env?: NodeJS.ProcessEnv;
  /** Nothing is drawn before this much time has passed since the first update. */
  readonly delayMs?: number;
}

export function createProgressLine(options: ProgressLineOptions = {}): ProgressLine {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  if (!stream.isTTY || env['CI']) return { update: () => undefined, done: () => undefined };
  let latest = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let showing = false;
  let drawn = false;
  const draw = (): void => {
    stream.write(`\r\x1b[K${latest}`);
    drawn = true;
  };
  return {
    update(text) {
      latest = text;
      if (showing) return draw();
      timer ??= setTimeout(() => {
        showing = true;
        draw();
      }, options.delayMs ?? 1_000);
      timer.unref?.();
    },
    done() {
      clearTimeout(timer);
      if (drawn) stream.write('\r\x1b[K');
      timer = undefined;
      showing = drawn = false;
    },
  };
}

/** `downloading etcd v3.6.14 rpc.swagger.json: 96 of 180 kB` */
export function describeDownload(p: DownloadProgress): string {
  const kb = (n: number): string => `${Math.round(n / 1024)}`;
  const size = p.totalBytes ? `${kb(p.receivedBytes)} of ${kb(p.totalBytes)} kB` : `${kb(p.receivedBytes)} kB`;
  return `downloading etcd v${p.version} ${p.file}: ${size}`;
}
