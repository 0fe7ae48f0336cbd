import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checklistAttention, evaluateChecklist, type Tick } from '../../../electron/core/checklist/evaluate';
import type { ChecklistFacts } from '../../../electron/core/checklist/evidence';
import { readLocalFirewall, ufwFact } from '../../../electron/core/checklist/firewall';
import { BACKUP_POLICY_DAYS, CHECKLIST } from '../../../electron/core/checklist/items';
import type { Finding } from '../../../electron/common/model/finding';
import type { ProxyConfigFact } from '../../../electron/core/proxy/audit-rules';

const NOW = new Date('2026-11-30T00:00:00Z');
const f = (code: string, severity: Finding['severity'] = 'warning'): Finding => ({
  code,
  severity,
  title: code,
  message: '',
  howToFix: '',
  evidence: 'ev',
});
const FACTS: ChecklistFacts = { proxies: [], newestBackupAt: null, firewall: null };
const proxy = (maxAge: number | null): ProxyConfigFact => ({
  path: '/srv/demo/crucible-nginx.conf',
  kind: 'nginx',
  hsts: maxAge === null ? null : { maxAge, line: 12 },
  denies: { debug: true, schema: true },
});
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();
const tick = (note?: string, at = '2026-11-29T08:00:00Z'): Tick =>
  note === undefined ? { checkedAt: at } : { checkedAt: at, note };

function state(findings: Finding[] | null, facts: Partial<ChecklistFacts> = {}, ticks: Record<string, Tick> = {}) {
  return Object.fromEntries(
    evaluateChecklist({ findings, facts: { ...FACTS, ...facts }, ticks, now: NOW }).map((s) => [s.id, s]),
  );
}

describe('the security checklist', () => {
  it("holds the guide's three lists; each manual item with evidence names its proof", () => {
    expect(CHECKLIST.filter((i) => i.list === 'environment')).toHaveLength(5);
    expect(CHECKLIST.filter((i) => i.list === 'pre-production')).toHaveLength(8);
    expect(CHECKLIST.filter((i) => i.list === 'ongoing')).toHaveLength(5);
    expect(CHECKLIST.filter((i) => i.mode === 'ongoing').every((i) => (i.periodDays ?? 0) > 0)).toBe(true);
    expect(Object.fromEntries(CHECKLIST.filter((i) => i.proof).map((i) => [i.id, i.proof]))).toEqual({
      'env-backed-up': 'backup',
      'pre-https': 'https',
      'pre-firewall': 'firewall',
      'pre-backups': 'backup',
    });
  });

  it('nothing is done without evidence or a noted tick', () => {
    const all = evaluateChecklist({ findings: [], facts: FACTS, ticks: {}, now: NOW });
    for (const s of all.filter((x) => x.mode !== 'evaluated')) expect([s.id, s.state]).not.toEqual([s.id, 'verified']);
    expect(all.filter((s) => s.state === 'manual')).toEqual([]);
  });
});

describe('evaluated items', () => {
  it('are unknown before an audit, verified without findings, failing with the evidence', () => {
    expect(state(null)['pre-cors']).toMatchObject({ status: 'unknown', state: 'unknown' });
    expect(state([])['pre-cors']).toMatchObject({
      status: 'pass',
      state: 'verified',
      basis: 'Checked by the latest audit: no related finding.',
    });
    const s = state([f('COMPOSE_HARDCODED_CORS')])['pre-cors'];
    expect(s).toMatchObject({
      status: 'fail',
      state: 'failing',
      evidence: ['COMPOSE_HARDCODED_CORS: COMPOSE_HARDCODED_CORS — ev'],
    });
  });

  it('info findings do not fail an item; a missing .env fails the items about its values', () => {
    expect(state([f('COMPOSE_HARDCODED_CORS', 'info')])['pre-cors']?.state).toBe('verified');
    const s = state([f('ENV_FILE_MISSING', 'error')]);
    for (const id of ['env-strong-unique', 'pre-passwords-hashed', 'pre-strong-keys', 'env-validated', 'env-backed-up'])
      expect([id, s[id]?.state]).toEqual([id, 'failing']);
  });
});

describe('HTTPS configured (proof: the proxy configuration)', () => {
  it('is verified by a proxy configuration that sends HSTS for a year', () => {
    const s = state([], { proxies: [proxy(31_536_000)] })['pre-https'];
    expect(s).toMatchObject({ state: 'verified', status: 'pass' });
    expect(s?.basis).toBe('Proxy configuration /srv/demo/crucible-nginx.conf (nginx) sends HSTS max-age=31536000.');
  });

  it('fails on the proxy findings even when ticked (the reported bug)', () => {
    const s = state(
      [f('PROXY_CONFIG_MISSING', 'warning'), f('PROXY_HSTS_MISSING', 'error')],
      {},
      { 'pre-https': tick('set up nginx') },
    )['pre-https'];
    expect(s?.state).toBe('failing');
    expect(s?.evidence.map((e) => e.split(':')[0])).toEqual(['PROXY_HSTS_MISSING']);
    expect(s?.basis).toMatch(/whatever the tick says/);
  });

  it('no proxy found where the app looks: failing until ticked with a note saying where TLS ends, then "ticked by you"', () => {
    const missing = [f('PROXY_CONFIG_MISSING', 'warning')];
    expect(state(missing, {}, {})['pre-https']?.state).not.toBe('verified');
    expect(state(missing, {}, {})['pre-https']?.state).not.toBe('manual');
    expect(state(missing, {}, { 'pre-https': tick('TLS ends on the load balancer lb1') })['pre-https']?.state).toBe(
      'manual',
    );
  });

  it('fails on a configuration with short or no HSTS, which the proxy rules judge only in production', () => {
    expect(state([], { proxies: [proxy(300)] })['pre-https']?.state).toBe('failing');
    expect(state([], { proxies: [proxy(null)] })['pre-https']?.basis).toMatch(/no HSTS for at least a year/);
  });

  it('without a configuration to read it is to do, or ticked by you with a note (a proxy on another machine)', () => {
    expect(state([])['pre-https']).toMatchObject({ state: 'todo', status: 'todo' });
    expect(state([], { proxies: null })['pre-https']?.basis).toMatch(/on a server/);
    const s = state([], {}, { 'pre-https': tick('TLS ends at the load balancer lb1') })['pre-https'];
    expect(s).toMatchObject({
      state: 'manual',
      status: 'done',
      basis: 'Ticked by you on 2026-11-29: TLS ends at the load balancer lb1',
    });
    expect(s?.evidence[0]).toMatch(/No reverse-proxy configuration/);
  });

  it('a port on every interface or an http:// URL still fails it', () => {
    expect(state([f('COMPOSE_PORT_ALL_INTERFACES')], { proxies: [proxy(31_536_000)] })['pre-https']?.state).toBe(
      'failing',
    );
    expect(state([f('ENV_INSECURE_URL', 'error')], { proxies: [proxy(31_536_000)] })['pre-https']?.state).toBe(
      'failing',
    );
  });
});

describe.each(['env-backed-up', 'pre-backups'])('%s (proof: a backup in the journal within the policy)', (id) => {
  it(`is verified by a backup up to ${String(BACKUP_POLICY_DAYS)} days old`, () => {
    expect(state([], { newestBackupAt: daysAgo(3) })[id]).toMatchObject({
      state: 'verified',
      basis: `Backup exported on ${daysAgo(3).slice(0, 10)} (journal), within the 30-day policy.`,
    });
    expect(state([], { newestBackupAt: daysAgo(BACKUP_POLICY_DAYS) })[id]?.state).toBe('verified');
  });

  it('is to do with no backup on record (never done: the reported bug), and fails with one older than the policy', () => {
    expect(state([])[id]).toMatchObject({
      state: 'todo',
      status: 'todo',
      basis:
        'No backup of this deployment is on record in the journal yet; the Backup page makes one. Tick it with a note once it is done.',
    });
    expect(state([], { newestBackupAt: daysAgo(45) })[id]).toMatchObject({
      state: 'failing',
      basis: expect.stringMatching(/45 days ago: older than the 30-day policy/) as unknown,
    });
  });

  it('a tick with a note makes it "ticked by you", showing what the journal says; a tick without one does not', () => {
    const s = state([], {}, { [id]: tick('restic to B2 nightly, restore tested 2026-11-20') })[id];
    expect(s).toMatchObject({ state: 'manual', status: 'done' });
    expect(s?.evidence).toEqual([
      'No backup of this deployment is on record in the journal yet; the Backup page makes one.',
    ]);
    expect(state([], {}, { [id]: tick() })[id]).toMatchObject({
      state: 'todo',
      basis: expect.stringMatching(/without a note/) as unknown,
    });
    expect(state([], { newestBackupAt: daysAgo(45) }, { [id]: tick() })[id]).toMatchObject({
      state: 'failing',
      evidence: [expect.stringMatching(/without a note/) as unknown],
    });
  });
});

describe('.env backed up securely', () => {
  it('fails while .env or a backup beside it is readable by others, whatever the journal says', () => {
    expect(state([f('FILES_ENV_READABLE', 'error')], { newestBackupAt: daysAgo(1) })['env-backed-up']?.state).toBe(
      'failing',
    );
    expect(state([f('FILES_BACKUP_READABLE', 'error')], { newestBackupAt: daysAgo(1) })['env-backed-up']?.state).toBe(
      'failing',
    );
  });
});

describe('Firewall rules set (proof: ufw read back where the app can)', () => {
  const fw = (enabled: boolean, deny: boolean) => ({
    firewall: { source: '/etc/ufw/ufw.conf, /etc/default/ufw', enabled, defaultDenyIncoming: deny },
  });
  it('is verified by an enabled ufw that drops incoming traffic by default', () => {
    expect(state([], fw(true, true))['pre-firewall']).toMatchObject({
      state: 'verified',
      basis: 'ufw is enabled and drops incoming traffic by default (read from /etc/ufw/ufw.conf, /etc/default/ufw).',
    });
  });
  it('fails on a disabled ufw or an accepting default, unless ticked with a note (another firewall)', () => {
    expect(state([], fw(false, true))['pre-firewall']?.basis).toMatch(/ufw is not enabled/);
    expect(state([], fw(true, false))['pre-firewall']?.state).toBe('failing');
    expect(
      state([], fw(false, true), { 'pre-firewall': tick('nftables on the host, 22/443 only') })['pre-firewall']?.state,
    ).toBe('manual');
  });
  it('is to do when the app cannot read the firewall, and fails on a published datastore port even when verified', () => {
    expect(state([])['pre-firewall']).toMatchObject({ state: 'todo' });
    expect(state([f('COMPOSE_DATASTORE_PORT_PUBLISHED', 'critical')], fw(true, true))['pre-firewall']?.state).toBe(
      'failing',
    );
  });
  it('reads ufw.conf and /etc/default/ufw', async () => {
    expect(ufwFact('# comment\nENABLED=yes\nLOGLEVEL=low\n', 'IPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\n')).toMatchObject({
      enabled: true,
      defaultDenyIncoming: true,
    });
    expect(ufwFact('ENABLED=no\n', 'DEFAULT_INPUT_POLICY="ACCEPT"\n')).toMatchObject({
      enabled: false,
      defaultDenyIncoming: false,
    });
    expect(ufwFact(null, 'DEFAULT_INPUT_POLICY="DROP"\n')).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'cs-ufw-'));
    writeFileSync(join(dir, 'ufw.conf'), 'ENABLED=yes\n');
    writeFileSync(join(dir, 'ufw'), 'DEFAULT_INPUT_POLICY="REJECT"\n');
    expect(await readLocalFirewall({ conf: join(dir, 'ufw.conf'), defaults: join(dir, 'ufw') })).toEqual({
      source: `${join(dir, 'ufw.conf')}, ${join(dir, 'ufw')}`,
      enabled: true,
      defaultDenyIncoming: true,
    });
    expect(await readLocalFirewall({ conf: join(dir, 'missing.conf'), defaults: join(dir, 'ufw') })).toBeNull();
  });
});

describe('manual items without a proof', () => {
  it('are to do until ticked with a note, then ticked by you; a finding fails them', () => {
    expect(state([])['pre-monitoring']).toMatchObject({ state: 'todo', status: 'todo' });
    expect(state([], {}, { 'pre-monitoring': tick('uptime-kuma alerts #ops') })['pre-monitoring']).toMatchObject({
      state: 'manual',
      status: 'done',
      basis: 'Ticked by you on 2026-11-29: uptime-kuma alerts #ops',
    });
    expect(state([], {}, { 'pre-monitoring': tick('   ') })['pre-monitoring']?.state).toBe('todo');
  });
});

describe('ongoing items', () => {
  it.each([
    [undefined, 'due', 'todo'],
    ['2026-11-25T00:00:00Z', 'done', 'manual'],
    ['2026-09-05T00:00:00Z', 'due', 'manual'],
    ['2026-08-01T00:00:00Z', 'overdue', 'failing'],
  ])('a 90-day item last done %s is %s (%s)', (at, status, st) => {
    const ticks: Record<string, Tick> = at ? { 'ongoing-security-review': tick('read the audit and journal', at) } : {};
    expect(state([], {}, ticks)['ongoing-security-review']).toMatchObject({ status, state: st });
  });

  it('an overdue item says when it was due; a tick without a note counts as never done', () => {
    const s = state([], {}, { 'ongoing-log-monitoring': tick('grep 401', '2026-11-01T00:00:00Z') })[
      'ongoing-log-monitoring'
    ];
    expect(s).toMatchObject({
      status: 'overdue',
      dueAt: '2026-11-08T00:00:00.000Z',
      basis: 'Last done on 2026-11-01; was due 2026-11-08.',
    });
    expect(
      state([], {}, { 'ongoing-log-monitoring': tick(undefined, '2026-11-29T00:00:00Z') })['ongoing-log-monitoring'],
    ).toMatchObject({ status: 'due', state: 'todo' });
  });
});

describe('the Dashboard summary', () => {
  it('counts verified apart from ticked by you', () => {
    const items = evaluateChecklist({
      findings: [f('PROXY_HSTS_MISSING', 'error')],
      facts: { ...FACTS, newestBackupAt: daysAgo(2) },
      ticks: {
        'pre-monitoring': tick('alerts'),
        'ongoing-incident-plan': tick('walked through', '2026-06-01T00:00:00Z'),
      },
      now: NOW,
    });
    const c = checklistAttention(items);
    expect(c.manual).toBe(2);
    expect(c.failing).toBe(1); // HTTPS
    expect(c.verified).toBe(items.filter((i) => i.mode === 'evaluated').length + 2); // + both backup items
    expect(c.verified + c.manual + c.failing + c.todo + c.unknown).toBe(items.length);
  });
});
