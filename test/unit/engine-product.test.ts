// Which engine answered, read from the headers of any answer (so a command that creates a
// toolkit need not ask GET /version first). Headers as dockerd 20.10 and Podman 4.3's
// compatible API send them on GET /containers/json, captured on the CI machine.
import { describe, expect, it } from 'vitest';
import { productNamedBy } from '../../src/engine/http-client.js';

describe('productNamedBy', () => {
  it('dockerd: Server: Docker/...', () => {
    expect(
      productNamedBy({ 'api-version': '1.41', 'docker-experimental': 'false', ostype: 'linux', server: 'Docker/20.10.24+dfsg1 (linux)' }),
    ).toBe('Docker');
  });

  it("Podman's compatible API: Libpod headers", () => {
    expect(productNamedBy({ 'api-version': '1.41', 'libpod-api-version': '4.3.1', server: 'Libpod/4.3.1 (linux)' })).toBe('Podman');
    expect(productNamedBy({ server: 'Libpod/4.3.1 (linux)' })).toBe('Podman');
  });

  it('neither (a proxy that rewrites them): unknown, so the engine is asked', () => {
    expect(productNamedBy({ 'api-version': '1.41', server: 'nginx/1.22.1' })).toBeUndefined();
    expect(productNamedBy({})).toBeUndefined();
  });
});
