import { describe, expect, it } from 'vitest';
import { ALPHABETS, randomString } from '../../../../electron/core/secrets/generate';
import { weakSecretReason } from '../../../../electron/core/secrets/weak-secret';

describe('weakSecretReason', () => {
  it.each([
    ['x'.repeat(32), 'one character repeated'],
    ['changeme', 'placeholder'],
    ['changeme-changeme-changeme-changeme', 'placeholder'],
    ['secret', 'placeholder'],
    ['Your_Secret_Here', 'placeholder'],
    ['change-me-in-production', 'placeholder'],
    ['default-dev-key-32-bytes-long!!', 'placeholder'],
    ['<your-secure-password>', 'placeholder'],
    ['please-change-this-secret-in-production', 'placeholder'],
    ['ab12ab12ab12ab12ab12ab12ab12ab12', 'pattern'],
    ['abcdefghijklmnopqrstuvwxyz012345', 'run'],
    ['qwertyuiopasdfghjklzxcvbnm123456', 'dictionary'],
    ['correct-horse-battery-staple', 'dictionary'],
    ['my-super-secret-jwt-key-2024', 'dictionary'],
    ['aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb', 'characters'],
  ])('%j is weak (%s)', (value, kind) => {
    const reason = weakSecretReason(value);
    expect(reason).not.toBeNull();
    expect(reason).toContain(kind === 'characters' ? 'characters' : kind);
    expect(reason).not.toContain(value);
  });

  it('never flags what the generators produce (20,000 values, urlsafe and lower-alnum, 12 to 64 characters)', () => {
    const flagged: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const length = [12, 16, 22, 32, 43, 64][i % 6] ?? 32;
      const v = randomString(i % 5 === 0 ? ALPHABETS['lower-alnum'] : ALPHABETS.urlsafe, length);
      if (weakSecretReason(v) !== null) flagged.push(`length ${length}: ${weakSecretReason(v) ?? ''}`);
    }
    expect(flagged).toEqual([]);
  });

  it("an empty value is the required rule's business, not this one", () => {
    expect(weakSecretReason('')).toBeNull();
  });
});
