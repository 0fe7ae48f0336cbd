import { evaluateChecklist } from '../../../electron/core/checklist/evaluate';
import { CHECKLIST } from '../../../electron/core/checklist/items';
import type { Finding } from '../../../electron/common/model/finding';

const NOW = new Date('2026-11-30T00:00:00Z');
const f = (code: string, severity: Finding['severity'] = 'warning'): Finding => ({ code, severity, title: code, message: '', howToFix: '', evidence: 'ev' });
const state = (findings: Finding[] | null, ticks = {}) => Object.fromEntries(evaluateChecklist(findings, ticks, NOW).map((s) => [s.id, s]));

describe('the security checklist', () => {
  it('holds the guide\'s three lists', () => {
    expect(CHECKLIST.filter((i) => i.list === 'environment')).toHaveLength(5);
    expect(CHECKLIST.filter((i) => i.list === 'pre-production')).toHaveLength(8);
    expect(CHECKLIST.filter((i) => i.list === 'ongoing')).toHaveLength(5);
    expect(CHECKLIST.filter((i) => i.mode === 'ongoing').every((i) => (i.periodDays ?? 0) > 0)).toBe(true);
  });

  it('evaluated items are unknown before an audit, pass without findings, fail with the evidence', () => {
    expect(state(null)['pre-cors']?.status).toBe('unknown');
    expect(state([])['pre-cors']?.status).toBe('pass');
    const s = state([f('COMPOSE_HARDCODED_CORS')])['pre-cors'];
    expect(s?.status).toBe('fail');
    expect(s?.evidence).toEqual(['COMPOSE_HARDCODED_CORS: COMPOSE_HARDCODED_CORS — ev']);
  });

  it('info findings do not fail an item', () => {
    expect(state([f('COMPOSE_HARDCODED_CORS', 'info')])['pre-cors']?.status).toBe('pass');
  });

  it('a manual item is to do until ticked, and a blocking finding fails it even when ticked', () => {
    expect(state([])['pre-firewall']?.status).toBe('todo');
    const ticks = { 'pre-firewall': { checkedAt: '2026-11-01T00:00:00Z', note: 'ufw' } };
    expect(state([], ticks)['pre-firewall']?.status).toBe('done');
    expect(state([f('COMPOSE_DATASTORE_PORT_PUBLISHED', 'critical')], ticks)['pre-firewall']?.status).toBe('fail');
  });

  it.each([
    [undefined, 'due'],
    ['2026-11-25T00:00:00Z', 'done'],
    ['2026-09-05T00:00:00Z', 'due'],
    ['2026-08-01T00:00:00Z', 'overdue'],
  ])('a 90-day item last done %s is %s', (at, status) => {
    const ticks = at ? { 'ongoing-security-review': { checkedAt: at } } : {};
    expect(state([], ticks)['ongoing-security-review']?.status).toBe(status);
  });

  it('an overdue item says when it was due', () => {
    const s = state([], { 'ongoing-log-monitoring': { checkedAt: '2026-11-01T00:00:00Z' } })['ongoing-log-monitoring'];
    expect(s?.status).toBe('overdue');
    expect(s?.dueAt).toBe('2026-11-08T00:00:00.000Z');
  });
});
