import { describe, expect, it } from 'vitest';
import { createGeneratedPassphrases, GENERATED_KEEP_MS } from '../../../electron/core/backup/generated-passphrase';

describe('the passphrase main generated for the Backup page', () => {
  it('answers six EFF words with their strength, and keeps the last one for Copy', async () => {
    const g = createGeneratedPassphrases();
    const a = await g.generate();
    expect(a.passphrase.split('-')).toHaveLength(6);
    expect(a).toMatchObject({ words: 6 });
    expect(a.bits).toBeCloseTo(77.5, 1);
    const b = await g.generate();
    expect(b.passphrase).not.toBe(a.passphrase);
    expect(g.forCopy()).toBe(b.passphrase);
  });

  it('forgets it after 15 minutes or once an export used it, and says so without quoting it', async () => {
    let now = 1_000;
    const g = createGeneratedPassphrases({
      clock: () => now,
      generate: () => Promise.resolve('alpha-bravo-charlie-delta-echo-foxtrot'),
    });
    await g.generate();
    now += GENERATED_KEEP_MS;
    expect(g.forCopy()).toBe('alpha-bravo-charlie-delta-echo-foxtrot');
    now += 1;
    expect(() => g.forCopy()).toThrow(expect.objectContaining({ code: 'BACKUP_NOTHING_TO_COPY' }));
    await g.generate();
    g.forget();
    let message = '';
    try {
      g.forCopy();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/Generate a new one/);
    expect(message).not.toContain('alpha');
  });
});
