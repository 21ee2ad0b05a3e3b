import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEnviron } from '../../src/core/proc-parsers.js';
import { isSecretEnvName, maskSecretEnv, maskUrlPassword, SECRET_MASK } from '../../src/core/secrets.js';

// A real /proc/<pid>/environ captured by test/fixtures/proc/capture.sh (fake secrets).
const environ = parseEnviron(readFileSync(new URL('../fixtures/proc/env-sleep/environ', import.meta.url)));

describe('maskSecretEnv', () => {
  it('masks the values of secret-looking names in a captured environment', () => {
    expect(maskSecretEnv(environ, false)).toEqual([
      ['PATH', '/usr/bin:/bin'],
      ['HOME', '/root'],
      ['LANG', 'C.UTF-8'],
      ['API_KEY', SECRET_MASK],
      ['DB_PASSWORD', SECRET_MASK],
      ['KEYBOARD_LAYOUT', 'us'],
      ['MONKEY', 'banana'],
      ['EMPTY', ''],
      ['WITH_EQUALS', 'a=b=c'],
    ]);
  });

  it('shows everything when asked, without touching the input', () => {
    const shown = maskSecretEnv(environ, true);
    expect(shown).toEqual(environ);
    expect(shown).not.toBe(environ);
    expect(environ.find(([name]) => name === 'DB_PASSWORD')).toEqual(['DB_PASSWORD', 'hunter2']);
  });

  it('leaves an empty secret empty', () => {
    expect(maskSecretEnv([['DB_PASSWORD', '']], false)).toEqual([['DB_PASSWORD', '']]);
  });

  it('masks a password inside a URL whatever the name', () => {
    expect(maskSecretEnv([['DATABASE_URL', 'postgres://app:hunter2@db:5432/shop']], false)).toEqual([
      ['DATABASE_URL', `postgres://app:${SECRET_MASK}@db:5432/shop`],
    ]);
    expect(maskUrlPassword('redis://:pw@cache:6379 and http://example.com:8080/x')).toBe(
      `redis://:${SECRET_MASK}@cache:6379 and http://example.com:8080/x`,
    );
  });
});

describe('isSecretEnvName', () => {
  it.each([
    'API_KEY',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_ACCESS_KEY_ID',
    'DB_PASSWORD',
    'GITHUB_TOKEN',
    'PGPASSWORD',
    'MYSQL_PWD',
    'SMTP_PASS',
    'CLIENTSECRET',
    'NPM_AUTH',
    'apiKey',
    'dbPassword',
    'OAuth2Token',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'SSH_PRIVATE_KEY',
    'HTTP_AUTHORIZATION',
    'API_KEY2',
  ])('%s is secret', (name) => {
    expect(isSecretEnvName(name)).toBe(true);
  });

  it.each([
    'MONKEY',
    'KEYBOARD_LAYOUT',
    'TOKENIZERS_PARALLELISM',
    'GIT_AUTHOR_NAME',
    'PWD',
    'OLDPWD',
    'PATH',
    'HOME',
    'PASSENGER_APP_ENV',
    'DB_PASSWORD_FILE',
    'SSH_AUTH_SOCK',
    'TLS_KEY_PATH',
    '',
  ])('%s is not', (name) => {
    expect(isSecretEnvName(name)).toBe(false);
  });
});
