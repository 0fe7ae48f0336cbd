import { describe, expect, it } from 'vitest';
import { formatWhen } from '../../renderer/src/format-date';

describe('formatWhen', () => {
  it('shows local time with its zone, and leaves a non-date as it is', () => {
    const s = formatWhen('2026-12-06T10:15:00.000Z');
    expect(s).toMatch(/2026/);
    expect(s).toMatch(/UTC|GMT|[A-Z]{2,5}|[+-]\d/);
    expect(formatWhen('not a date')).toBe('not a date');
  });
});
