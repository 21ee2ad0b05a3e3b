// Which environment values to hide in `remora proc` and the TUI unless --show-secrets: those
// whose name looks secret, and passwords inside URLs. Pure; decides from the name and value only.

export const SECRET_MASK = '********';

// Whole words of a name (split at "_", "-", ".", camelCase; trailing digits dropped).
const SECRET_WORDS = new Set([
  'PASSWORD',
  'PASSWORDS',
  'PASSWD',
  'PASS',
  'PASSPHRASE',
  'SECRET',
  'SECRETS',
  'TOKEN',
  'TOKENS',
  'KEY',
  'KEYS',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
  'PRIVATE',
  'AUTH',
  'AUTHORIZATION',
]);
// Words glued to another (PGPASSWORD, ACCESSTOKEN, CLIENTSECRET). KEY and AUTH are left out
// on purpose: as suffixes they mostly end other words (MONKEY, TURKEY, OAUTH).
const SECRET_SUFFIXES = [
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'SECRET',
  'TOKEN',
  'APIKEY',
  'ACCESSKEY',
  'SECRETKEY',
  'PRIVATEKEY',
  'CREDENTIALS',
  'CREDENTIAL',
];
// A name ending in one of these points at a secret instead of holding it: Docker's
// DB_PASSWORD_FILE=/run/secrets/db convention, SSH_AUTH_SOCK. Showing the path helps debugging.
const POINTER_WORDS = new Set(['FILE', 'PATH', 'DIR', 'SOCK', 'SOCKET']);

/**
 * Whether a variable's name says it holds a secret. Matches whole words, so API_KEY,
 * AWS_SECRET_ACCESS_KEY, DB_PASSWORD, GITHUB_TOKEN, PGPASSWORD and MYSQL_PWD do, and
 * MONKEY, TOKENIZERS_PARALLELISM, GIT_AUTHOR_NAME and KEYBOARD_LAYOUT (a keyboard, not a
 * key) do not. PWD alone is the working directory.
 */
export function isSecretEnvName(name: string): boolean {
  const words = name
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .map((word) => word.toUpperCase().replace(/\d+$/, ''))
    .filter((word) => word !== '');
  if (words.length === 0) return false;
  if (POINTER_WORDS.has(words[words.length - 1]!)) return false;
  return words.some(
    (word) => SECRET_WORDS.has(word) || (word === 'PWD' && words.length > 1) || SECRET_SUFFIXES.some((suffix) => word.endsWith(suffix)),
  );
}

/**
 * The entries with secret values replaced by SECRET_MASK, unless show. Empty values stay
 * empty: "the password is empty" is a finding, and it gives nothing away. Whatever the name,
 * a password inside a URL (postgres://app:pw@db) is masked, since DATABASE_URL-style
 * variables carry credentials under innocent names.
 */
export function maskSecretEnv(entries: Array<[string, string]>, show: boolean): Array<[string, string]> {
  if (show) return entries.map(([name, value]) => [name, value]);
  return entries.map(([name, value]) => {
    if (value !== '' && isSecretEnvName(name)) return [name, SECRET_MASK];
    return [name, maskUrlPassword(value)];
  });
}

/** scheme://user:password@host → scheme://user:********@host, for every URL in the text. */
export function maskUrlPassword(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)@/gi, `$1${SECRET_MASK}@`);
}
