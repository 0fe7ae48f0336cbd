import { describe, expect, it } from 'vitest';
import type { PolicyItem } from '../../../electron/common/ipc/rotation.ipc';
import { rotationAttention } from '../../../electron/core/rotation/policy';
import { newestBackups } from '../../../electron/core/backup/freshness';

const item = (
  variable: string,
  ageDays: number | null,
  maxAgeDays: number | null,
  extra: Partial<PolicyItem> = {},
): PolicyItem => ({
  variable,
  playbook: 'env-and-recreate',
  rotatable: maxAgeDays !== null,
  maxAgeDays,
  lastChanged: ageDays === null ? null : '2026-01-01T00:00:00.000Z',
  ageDays,
  overdue: maxAgeDays !== null && ageDays !== null && ageDays > maxAgeDays,
  generation: 1,
  pendingId: null,
  ...extra,
});

describe('rotationAttention', () => {
  it('splits overdue from due within 14 days; unknown age, no maximum and pending runs are neither', () => {
    const r = rotationAttention([
      item('A', 181, 180),
      item('B', 180, 180),
      item('C', 166, 180),
      item('D', 165, 180),
      item('E', null, 180),
      item('F', 999, null),
      item('G', 400, 180, { pendingId: 'rot-0123456789abcdef' }),
    ]);
    expect(r).toEqual({ overdue: ['A'], due: ['B', 'C'] });
  });
});

describe('newestBackups', () => {
  it('keeps the newest backup.exported date per deployment and ignores other entries', () => {
    const m = newestBackups([
      { type: 'backup.exported', at: '2026-11-01T00:00:00.000Z', deploymentId: 'a' },
      { type: 'backup.exported', at: '2026-11-20T00:00:00.000Z', deploymentId: 'a' },
      { type: 'backup.exported', at: '2026-11-10T00:00:00.000Z', deploymentId: 'a' },
      { type: 'secret.rotated', at: '2026-11-29T00:00:00.000Z', deploymentId: 'b' },
      { type: 'backup.exported', at: '2026-11-29T00:00:00.000Z' },
    ]);
    expect([...m]).toEqual([['a', '2026-11-20T00:00:00.000Z']]);
  });
});
