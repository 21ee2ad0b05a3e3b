import { describe, expect, it } from 'vitest';
import { ACCOUNTS_MAX_BYTES, boundedAccountText, parsePasswd } from '../../src/core/proc-parsers.js';

describe('boundedAccountText', () => {
  it('leaves a file within the cap as it is', () => {
    const text = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/:/bin/false';
    expect(boundedAccountText(text)).toBe(text);
  });

  it('keeps only whole lines of what fits in the cap, so no cut line names a wrong id', () => {
    const line = 'someone:x:1234:1234::/:/bin/false\n';
    const lines = Math.ceil(ACCOUNTS_MAX_BYTES / line.length) + 10;
    const text = `root:x:0:0::/:/bin/sh\n${line.repeat(lines)}late:x:4242:4242::/:/bin/false\n`;
    const bounded = boundedAccountText(text);
    expect(Buffer.byteLength(bounded)).toBeLessThanOrEqual(ACCOUNTS_MAX_BYTES);
    expect(bounded.endsWith('\n')).toBe(true);
    const users = parsePasswd(text);
    expect(users.get(0)).toBe('root');
    expect(users.get(1234)).toBe('someone');
    expect(users.get(4242)).toBeUndefined();
    // The helper's own cut (a file of exactly the cap ending mid-line) parses no stray entry.
    const cut = `${line.repeat(Math.floor(ACCOUNTS_MAX_BYTES / line.length))}x:x:12`.slice(0, ACCOUNTS_MAX_BYTES);
    expect([...parsePasswd(cut).keys()]).toEqual([1234]);
  });
});
