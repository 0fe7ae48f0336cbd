import { describe, expect, it } from 'vitest';
import { formatFingerprint } from '../../../renderer/src/format-fingerprint';
import { groupFingerprint } from '../../../renderer/src/components/secrets/secret-format';

describe('one fingerprint format for every page', () => {
  it('groups hex by four with spaces, whatever separators it came with', () => {
    expect(formatFingerprint('3f9a0c1d77be42e0')).toBe('3f9a 0c1d 77be 42e0');
    expect(formatFingerprint('3f9a-0c1d-77be-42e0-3f9a-0c1d-77be-42e0')).toBe(
      '3f9a 0c1d 77be 42e0 3f9a 0c1d 77be 42e0',
    );
    expect(formatFingerprint('3F9A 0C1D')).toBe('3f9a 0c1d');
  });

  it('shows a dash when there is none', () => {
    expect(formatFingerprint(null)).toBe('—');
    expect(formatFingerprint('')).toBe('—');
  });

  it('is the function the Secrets page uses', () => {
    expect(groupFingerprint).toBe(formatFingerprint);
  });
});
