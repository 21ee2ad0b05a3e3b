// `docker remora`: docker's global options, as docker hands them to a plugin, become remora's.
import { describe, expect, it } from 'vitest';
import { pluginMetadata, readPluginCall } from '../../src/cli/docker-plugin.js';
import { REMORA_VERSION } from '../../src/core/version.js';

describe('readPluginCall', () => {
  it("takes what follows the plugin name as remora's arguments", () => {
    expect(readPluginCall(['remora', 'exec', 'app', '--', 'id'])).toEqual({ args: ['exec', 'app', '--', 'id'] });
    expect(readPluginCall(['remora'])).toEqual({ args: [] });
  });

  it("gives docker's --context, -c, -H, --host and -D to remora, in every spelling", () => {
    expect(readPluginCall(['--context', 'prod', 'remora', 'ps', 'app'])?.args).toEqual(['--context', 'prod', 'ps', 'app']);
    expect(readPluginCall(['-c', 'prod', 'remora', 'ps', 'app'])?.args).toEqual(['--context', 'prod', 'ps', 'app']);
    expect(readPluginCall(['-cprod', 'remora', 'ps', 'app'])?.args).toEqual(['--context', 'prod', 'ps', 'app']);
    expect(readPluginCall(['--context=prod', 'remora', 'ps', 'app'])?.args).toEqual(['--context', 'prod', 'ps', 'app']);
    expect(readPluginCall(['-H', 'tcp://h:2376', 'remora', 'ps', 'app'])?.args).toEqual(['--host', 'tcp://h:2376', 'ps', 'app']);
    expect(readPluginCall(['--host=ssh://me@h', '-D', 'remora', 'ps', 'app'])?.args).toEqual([
      '--host',
      'ssh://me@h',
      '--debug',
      'ps',
      'app',
    ]);
    expect(readPluginCall(['-Hunix:///run/d.sock', 'remora', 'ps'])?.args).toEqual(['--host', 'unix:///run/d.sock', 'ps']);
  });

  it('reads --config as DOCKER_CONFIG, drops --log-level, passes the TLS options on', () => {
    expect(readPluginCall(['--config', '/etc/dk', '-l', 'debug', 'remora', 'sessions'])).toEqual({
      args: ['sessions'],
      dockerConfig: '/etc/dk',
    });
    expect(readPluginCall(['--tlsverify', '--tlscacert', '/c/ca.pem', 'remora', 'ps', 'app'])?.args).toEqual([
      '--tlsverify',
      '--tlscacert=/c/ca.pem',
      'ps',
      'app',
    ]);
  });

  it('is not a plugin call when the plugin name is not the first word', () => {
    expect(readPluginCall(['exec', 'app', '--', 'remora'])).toBeUndefined();
    expect(readPluginCall(['--context', 'prod', 'ps', 'remora'])).toBeUndefined();
    expect(readPluginCall(['--bogus', 'remora', 'ps'])).toBeUndefined();
    expect(readPluginCall(['--context'])).toBeUndefined();
    expect(readPluginCall([])).toBeUndefined();
  });
});

describe('pluginMetadata', () => {
  it('answers what docker checks: schema 0.1.0, a vendor, the version', () => {
    expect(pluginMetadata('https://example.org/remora')).toEqual({
      SchemaVersion: '0.1.0',
      Vendor: 'Remora',
      Version: REMORA_VERSION,
      ShortDescription: expect.any(String),
      URL: 'https://example.org/remora',
    });
    expect(pluginMetadata(undefined)).not.toHaveProperty('URL');
  });
});
