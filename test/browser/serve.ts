// The browser test's two props: the generated client compiled to browser JavaScript (its imports are relative
// `.js` paths, so each file is transpiled on its own and no bundler is needed), and a loopback HTTP server for the
// page, its script and the compiled modules.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, relative, sep } from 'node:path';
import ts from 'typescript';

/** Transpiles every .ts file under `sourceDir` into `<outDir>/<same path>.js`; returns how many. */
export function compileForBrowser(sourceDir: string, outDir: string): number {
  let count = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
        const { outputText, diagnostics } = ts.transpileModule(readFileSync(path, 'utf8'), {
          fileName: path,
          reportDiagnostics: true,
          compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, sourceMap: false },
        });
        if (diagnostics?.length) {
          throw new Error(
            `cannot transpile ${path}: ${ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, '\n')}`,
          );
        }
        const target = join(outDir, relative(sourceDir, path)).replace(/\.ts$/, '.js');
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, outputText);
        count += 1;
      }
    }
  };
  walk(sourceDir);
  return count;
}

export interface StaticSite {
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** Serves the files of `roots` (URL prefix → directory) on 127.0.0.1; anything else is a 404. */
export async function serveStatic(roots: Readonly<Record<string, string>>): Promise<StaticSite> {
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = resolveFile(roots, path === '/' ? '/index.html' : path);
    const type = file === undefined ? undefined : TYPES[extname(file)];
    if (file === undefined || type === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function resolveFile(roots: Readonly<Record<string, string>>, path: string): string | undefined {
  for (const [prefix, dir] of Object.entries(roots)) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(dir, path.slice(prefix.length)));
    if (!file.startsWith(normalize(dir) + sep)) return undefined; // no way out of the root
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // try the next root
    }
  }
  return undefined;
}

/** A temporary directory, removed by the returned function. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
