// Certificates for TLS tests, made with openssl (see "Production setups" in ../shared/GATEWAY.md): a CA, a server
// certificate for 127.0.0.1 / localhost, a client certificate, and a second CA nobody trusts. Made once per test
// process in a temporary directory, removed on exit.
//
//   const pki = makePki();
//   const etcd = await startEtcd({ tls: pki.server });          // https://127.0.0.1:<port>, --client-cert-auth
//   createClient({ endpoints: etcd.url, tls: pki.clientTls });
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerSecret } from './secrets.js';

export interface ServerTls {
  /** PEM file paths for etcd's --cert-file, --key-file, --trusted-ca-file. */
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  /** --client-cert-auth and --trusted-ca-file (default true); false: server-side TLS only. */
  readonly clientCertAuth?: boolean;
  /** The client certificate and key the harness itself probes /health and status with. */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

export interface Pki {
  readonly dir: string;
  /** PEM text. */
  readonly ca: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A CA that signed none of the above. */
  readonly otherCa: string;
  /** A client certificate signed by the other CA (the server does not accept it). */
  readonly strangerCert: string;
  readonly strangerKey: string;
  /** For startEtcd / startCluster: server certificate, key and the CA clients must be signed by. */
  readonly server: ServerTls;
  /** ClientOptions.tls for mutual TLS. */
  readonly clientTls: { ca: string; cert: string; key: string };
  /** File paths for etcdctl: --cacert --cert --key. */
  readonly files: { ca: string; cert: string; key: string };
  /** etcdctl's environment for mutual TLS (ETCDCTL_CACERT, ETCDCTL_CERT, ETCDCTL_KEY). */
  readonly etcdctlEnv: Record<string, string>;
}

let made: Pki | undefined;

/** The test process's certificates (made on first use, ~0.3 s). */
export function makePki(): Pki {
  made ??= createPki();
  return made;
}

function createPki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-tls-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const path = (name: string): string => join(dir, name);
  makeCa(path('ca'), 'etcd-test-ca');
  makeCa(path('other-ca'), 'untrusted-ca');
  writeFileSync(path('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  signed(path('server'), 'etcd-server', path('ca'), dir);
  signed(path('client'), 'etcd-client', path('ca'), dir);
  signed(path('stranger'), 'stranger', path('other-ca'), dir);
  const read = (name: string): string => readFileSync(path(name), 'utf8');
  const ca = read('ca.pem');
  const clientCert = read('client.pem');
  const clientKey = registerSecret(read('client-key.pem'));
  registerSecret(read('stranger-key.pem'));
  return {
    dir,
    ca,
    clientCert,
    clientKey,
    otherCa: read('other-ca.pem'),
    strangerCert: read('stranger.pem'),
    strangerKey: read('stranger-key.pem'),
    server: {
      certFile: path('server.pem'),
      keyFile: path('server-key.pem'),
      caFile: path('ca.pem'),
      clientCertFile: path('client.pem'),
      clientKeyFile: path('client-key.pem'),
    },
    clientTls: { ca, cert: clientCert, key: clientKey },
    files: { ca: path('ca.pem'), cert: path('client.pem'), key: path('client-key.pem') },
    etcdctlEnv: { ETCDCTL_CACERT: path('ca.pem'), ETCDCTL_CERT: path('client.pem'), ETCDCTL_KEY: path('client-key.pem') },
  };
}

function makeCa(base: string, cn: string): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${cn}`]
    .concat(['-keyout', `${base}-key.pem`, '-out', `${base}.pem`]));
}

function signed(base: string, cn: string, ca: string, dir: string): void {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', `${base}-key.pem`, '-out', `${base}.csr`]);
  openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}-key.pem`, '-CAcreateserial']
    .concat(['-days', '2', '-extfile', join(dir, 'ext.cnf'), '-out', `${base}.pem`]));
}

function openssl(args: readonly string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args.join(' ')} failed: ${stderr}`, { cause: error });
  }
}
