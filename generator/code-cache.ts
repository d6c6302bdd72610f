/**
 * A V8 code cache for the big CommonJS files a generation loads: the TypeScript compiler that ts-morph bundles
 * (`@ts-morph/common/dist/typescript.js`, 9 MB), ts-morph itself, and prettier's standalone build with the two
 * plugins we format with. Node 20 has no `module.enableCompileCache`, so while it is installed, those files
 * compile through a `vm.Script` given the cached data of an earlier run. The first run writes the cache when it is
 * done (`flush()`), so it holds the functions emitting and formatting compiled too, to
 * `<cache dir>/v8-code-cache/`, keyed by the file's path, size, modification time and package version, and by
 * Node's and V8's versions. Anything off (no cache directory, an unreadable or rejected cache, a failed write)
 * falls back silently to Node's own loading.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { defaultCacheDir } from '../spec/download.js';

/** The files worth caching: the large CommonJS files of ts-morph, its bundled TypeScript, and prettier's. */
const CACHED =
  /[\\/]node_modules[\\/](@ts-morph[\\/]common[\\/]dist[\\/](typescript|ts-morph-common)|ts-morph[\\/]dist[\\/]ts-morph|prettier[\\/](standalone|plugins[\\/](babel|estree)))\.js$/;

type Compile = (this: Module, content: string, filename: string) => unknown;
interface CompilingModule {
  prototype: { _compile: Compile };
}

/**
 * `<cacheDir>/v8-code-cache` (the cache directory of downloaded specs: `--cache-dir`, else the user cache);
 * undefined (no code cache) when `ETCD_GATEWAY_CODEGEN_CODE_CACHE=off`.
 */
export function codeCacheDir(cacheDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['ETCD_GATEWAY_CODEGEN_CODE_CACHE'] === 'off') return undefined;
  return join(cacheDir ?? defaultCacheDir(env), 'v8-code-cache');
}

/** What a cached compilation did, for tests and benchmarks. */
export interface CodeCacheEvent {
  readonly file: string;
  readonly outcome: 'hit' | 'written' | 'rejected' | 'fallback';
}

export interface CodeCache {
  /** Stops compiling through the cache (files loaded so far keep theirs). */
  uninstall(): void;
  /** Writes the caches the run lacked (call once the work is done: the cache then holds what it compiled). */
  flush(): void;
}

/**
 * Installs the cache for files matching the pattern above (a second install is a no-op).
 * `dir` is the cache directory (`<user cache>/v8-code-cache`); undefined turns caching off.
 */
export function installCodeCache(dir: string | undefined, onEvent?: (event: CodeCacheEvent) => void): CodeCache {
  const proto = (Module as unknown as CompilingModule).prototype;
  const original = proto._compile;
  if (dir === undefined || (original as { codeCache?: true }).codeCache) return { uninstall: () => undefined, flush: () => undefined };
  const pending: (() => void)[] = [];
  const compile: Compile = function (content, filename) {
    if (!CACHED.test(filename)) return original.call(this, content, filename);
    const loaded = compileCached(content, filename, dir, onEvent);
    if (loaded === undefined) return original.call(this, content, filename);
    const result = loaded.run(this);
    if (loaded.write) pending.push(loaded.write);
    return result;
  };
  (compile as { codeCache?: true }).codeCache = true;
  proto._compile = compile;
  return {
    uninstall: () => {
      if (proto._compile === compile) proto._compile = original;
    },
    flush: () => {
      for (const write of pending.splice(0)) write();
    },
  };
}

interface Loaded {
  run(module: Module): unknown;
  /** Set after run() when the cache was missing or rejected: writes it. */
  write?: () => void;
}

/** Compiles `filename` with its cached data when there is some; undefined when anything is off (before it runs). */
function compileCached(content: string, filename: string, dir: string, onEvent?: (event: CodeCacheEvent) => void): Loaded | undefined {
  let cacheFile: string;
  let script: vm.Script;
  let cachedData: Buffer | undefined;
  try {
    cacheFile = join(dir, `${cacheKey(filename, content.length)}.bin`);
    cachedData = readIfPresent(cacheFile);
    script = new vm.Script(Module.wrap(content), { filename, ...(cachedData ? { cachedData } : {}) });
  } catch {
    onEvent?.({ file: filename, outcome: 'fallback' });
    return undefined;
  }
  const loaded: Loaded = {
    run(module) {
      const fn = script.runInThisContext() as (...args: unknown[]) => unknown;
      const result = fn.call(module.exports, module.exports, createRequire(filename), module, filename, dirname(filename));
      if (cachedData !== undefined && script.cachedDataRejected !== true) {
        onEvent?.({ file: filename, outcome: 'hit' });
        return result;
      }
      loaded.write = () => {
        const written = writeAtomically(dir, cacheFile, script);
        onEvent?.({ file: filename, outcome: cachedData === undefined ? (written ? 'written' : 'fallback') : 'rejected' });
      };
      return result;
    },
  };
  return loaded;
}

/** The file's identity (path, size, mtime, package version) and the runtime's: a new TypeScript or Node is a new key. */
function cacheKey(filename: string, length: number): string {
  const { size, mtimeMs } = statSync(filename);
  const hash = createHash('sha256');
  hash.update([filename, size, mtimeMs, length, packageVersion(filename), process.version, process.versions.v8, process.arch].join('\0'));
  return hash.digest('hex').slice(0, 32);
}

/** The version in the nearest package.json above `filename` ('' when none is found). */
function packageVersion(filename: string): string {
  for (let dir = dirname(filename); dir !== dirname(dir); dir = dirname(dir)) {
    const text = readIfPresent(join(dir, 'package.json'));
    if (text) return String((JSON.parse(text.toString('utf8')) as { version?: unknown }).version ?? '');
  }
  return '';
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeAtomically(dir: string, file: string, script: vm.Script): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, script.createCachedData());
    renameSync(temp, file);
    return true;
  } catch {
    return false;
  }
}
