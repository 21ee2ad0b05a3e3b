// TLS failures explained: what went wrong between Remora and the engine, in one line, and
// the flag or file that fixes it, instead of OpenSSL's error string.
import { RemoraError } from '../core/errors.js';
import type { Endpoint } from './endpoint.js';

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

/** The engine refused our certificate, or wanted one and got none. */
const CLIENT_CERT_REFUSED = new Set([
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
]);

/** What the server sent was not TLS (a plain HTTP answer, or another protocol). */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST', 'EPROTO']);

type TlsError = NodeJS.ErrnoException & { cert?: { subjectaltname?: string }; host?: string };

/** A RemoraError (exit 4) for a TLS failure, or undefined when the error is not one. */
export function tlsFailure(error: TlsError, endpoint: Endpoint): RemoraError | undefined {
  const tls = endpoint.tls;
  if (tls === undefined) return undefined;
  const code = error.code ?? '';
  const at = `${endpoint.address} (from ${endpoint.source})`;
  const fail = (message: string, hint: string): RemoraError => new RemoraError('ENGINE_UNREACHABLE', message, { hint, cause: error });
  if (UNTRUSTED.has(code)) {
    const trusted = tls.caPath ?? "this system's CA store";
    return fail(
      `the engine's certificate at ${at} is not signed by a CA remora trusts (${trusted})`,
      "pass the CA that signed the engine's certificate with --tlscacert, or put it at DOCKER_CERT_PATH/ca.pem",
    );
  }
  if (code === 'CERT_HAS_EXPIRED') {
    return fail(`the engine's certificate at ${at} has expired`, "renew the engine's certificate (and check this machine's clock)");
  }
  if (code === 'CERT_NOT_YET_VALID') {
    return fail(`the engine's certificate at ${at} is not valid yet`, "check this machine's clock, or the certificate's start date");
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = error.cert?.subjectaltname ?? 'other names';
    return fail(
      `the engine's certificate at ${at} is not for ${error.host ?? endpoint.host ?? 'this host'}: it names ${names}`,
      'connect with a name or address the certificate lists, or reissue it with this one',
    );
  }
  if (CLIENT_CERT_REFUSED.has(code)) {
    const sent = tls.certPath === undefined ? 'remora had no client certificate to send' : `it did not accept ${tls.certPath}`;
    return fail(
      `the engine at ${at} requires a client certificate it trusts: ${sent}`,
      'pass your certificate and key with --tlscert and --tlskey (or cert.pem and key.pem in DOCKER_CERT_PATH), issued by the CA the engine trusts',
    );
  }
  if (NOT_TLS.has(code) || /wrong version number|packet length too long|http request/i.test(error.message)) {
    return fail(
      `the engine at ${at} does not speak TLS`,
      "drop --tls/--tlsverify (and DOCKER_TLS_VERIFY), or use the engine's TLS port (usually 2376)",
    );
  }
  return undefined;
}
