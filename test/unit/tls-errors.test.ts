import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/engine/endpoint.js';
import { tlsFailure } from '../../src/engine/tls-errors.js';

const engine: Endpoint = {
  kind: 'tcp',
  address: 'tcp://box:2376',
  source: 'DOCKER_HOST',
  host: 'box',
  port: 2376,
  tls: { caPath: '/certs/ca.pem', certPath: '/certs/cert.pem', keyPath: '/certs/key.pem', verify: true },
};
const failure = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('tlsFailure', () => {
  it('leaves plain connections and unrelated errors alone', () => {
    expect(tlsFailure(failure('CERT_HAS_EXPIRED'), { ...engine, tls: undefined })).toBeUndefined();
    expect(tlsFailure(failure('ECONNREFUSED'), engine)).toBeUndefined();
  });

  it('names the client certificate the engine refused, exit 4', () => {
    const error = tlsFailure(failure('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), engine);
    expect(error?.code).toBe('ENGINE_UNREACHABLE');
    expect(error?.message).toBe(
      'the engine at tcp://box:2376 (from DOCKER_HOST) requires a client certificate it trusts: it did not accept /certs/cert.pem',
    );
  });

  it('a certificate not valid yet points at the clock', () => {
    expect(tlsFailure(failure('CERT_NOT_YET_VALID'), engine)?.hint).toBe("check this machine's clock, or the certificate's start date");
  });

  it('an untrusted engine certificate without a CA file names the system store', () => {
    const withoutCa = { ...engine, tls: { verify: true } };
    expect(tlsFailure(failure('SELF_SIGNED_CERT_IN_CHAIN'), withoutCa)?.message).toBe(
      "the engine's certificate at tcp://box:2376 (from DOCKER_HOST) is not signed by a CA remora trusts (this system's CA store)",
    );
  });

  it("recognises a plain-text answer to the TLS hello by OpenSSL's words", () => {
    expect(tlsFailure(failure('ERR_SOMETHING', 'error:0A00010B:SSL routines::wrong version number'), engine)?.message).toBe(
      'the engine at tcp://box:2376 (from DOCKER_HOST) does not speak TLS',
    );
  });
});
