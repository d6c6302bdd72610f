// TLS refusals in words: a certificate the client does not trust, a server that wants a client certificate,
// plain HTTP sent to a TLS port. Each becomes an EtcdError (UNAUTHENTICATED, final: another endpoint of the same
// cluster would refuse the same way) naming the endpoint and the TLS reason; nothing is sent over plain HTTP.
import { GrpcCode } from '../../codes.js';
import { EtcdError, systemErrorCode } from '../../errors.js';
import type { TlsOptions } from '../../types.js';

/** OpenSSL / Node verification codes: the server's certificate is not one the client trusts. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** TLS alerts a server sends when it wants a client certificate it did not get (or does not accept). */
const CLIENT_CERT = new Set([
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
  'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
]);

/** https:// to a port that speaks plain HTTP. */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'EPROTO']);

/** The EtcdError a TLS failure of `error` on `endpoint` means, or undefined when it is no TLS refusal. */
export function tlsRefusal(error: unknown, endpoint: string): EtcdError | undefined {
  const code = systemErrorCode(error);
  if (code === undefined) return undefined;
  const detail = `${describe(error)} [${code}]`;
  let reason: string | undefined;
  if (UNTRUSTED.has(code)) {
    reason = `the server's certificate is not trusted (${detail}); give its CA as ClientOptions.tls.ca`;
  } else if (CLIENT_CERT.has(code)) {
    reason = `the server refused the client certificate (${detail}); give one signed by a CA the server trusts as ClientOptions.tls.cert and .key`;
  } else if (NOT_TLS.has(code) && endpoint.startsWith('https:')) {
    reason = `the server does not speak TLS (${detail}); is the endpoint http://?`;
  }
  return reason === undefined ? undefined : refusal(endpoint, reason, error);
}

/** The refusal for an http:// endpoint whose port turned out to speak TLS (etcd closes plain HTTP there). */
export function plainHttpRefusal(endpoint: string, cause: unknown): EtcdError {
  const secure = `https:${endpoint.slice('http:'.length)}`;
  return refusal(endpoint, `the server speaks TLS on this port: use ${secure} (and ClientOptions.tls)`, cause);
}

/** OpenSSL's short reason ('sslv3 alert bad certificate') rather than its multi-line message. */
function describe(error: unknown): string {
  const { reason, message } = (error ?? {}) as { reason?: unknown; message?: unknown };
  if (typeof reason === 'string' && reason !== '') return reason;
  return typeof message === 'string' ? message : String(error);
}

function refusal(endpoint: string, reason: string, cause: unknown): EtcdError {
  return new EtcdError(`TLS refused at ${endpoint}: ${reason}`, { code: GrpcCode.Unauthenticated, endpoint, cause });
}

const decoder = new TextDecoder();

/** TlsOptions as node:tls (and `ws`) take them: PEM bytes become text, a single `ca` a list. */
export function nodeTlsOptions(tls: TlsOptions): Record<string, unknown> {
  const pem = (value: string | Uint8Array): string => (typeof value === 'string' ? value : decoder.decode(value));
  const out: Record<string, unknown> = {};
  const ca = tls.ca;
  if (ca !== undefined) out['ca'] = (isList(ca) ? ca : [ca]).map(pem);
  if (tls.cert !== undefined) out['cert'] = pem(tls.cert);
  if (tls.key !== undefined) out['key'] = pem(tls.key);
  if (tls.passphrase !== undefined) out['passphrase'] = tls.passphrase;
  if (tls.servername !== undefined) out['servername'] = tls.servername;
  if (tls.rejectUnauthorized !== undefined) out['rejectUnauthorized'] = tls.rejectUnauthorized;
  return out;
}

function isList<T>(value: T | readonly T[]): value is readonly T[] {
  return Array.isArray(value);
}
