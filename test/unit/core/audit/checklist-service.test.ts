import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuditService } from '../../../../electron/core/audit/audit.service';
import { checklistAttention } from '../../../../electron/core/checklist/evaluate';
import { createJournal } from '../../../../electron/core/journal/journal';
import { createLogger, memorySink } from '../../../../electron/core/log/logger';
import { fileLocator } from '../../../../electron/core/proxy/audit-rules';
import { crucibleCeProfile } from '../../../../electron/core/stack/crucible-ce';
import { createStateStore } from '../../../../electron/core/store/state-store';
import type { FirewallFact } from '../../../../electron/core/checklist/firewall';
import { materialise } from './helpers';

/**
 * The checklist as the service serves it: evidence from the same audit as the findings, backups from the
 * journal, ticks that need a note and are journalled, and the same verdicts on the Checklist and the Dashboard.
 */
const NOW = new Date('2026-12-01T12:00:00Z');
const ID = 'crucible-prod';
const CADDY =
  'crucible.example.org {\n  header Strict-Transport-Security "max-age=31536000; includeSubDomains"\n  reverse_proxy 127.0.0.1:8000\n}\n';

async function world(firewall: FirewallFact | null = null) {
  const home = mkdtempSync(join(tmpdir(), 'cs-checklist-home-'));
  const folder = materialise('stock-prod');
  const logger = createLogger({ sink: memorySink() });
  const store = createStateStore({ file: join(home, 'state.json'), logger, clock: () => NOW });
  const journal = createJournal({ file: join(home, 'journal.jsonl'), clock: () => NOW, redactor: logger.redactor });
  await store.update((d) => {
    d.deployments.push({
      id: ID,
      name: 'Prod',
      folder,
      composeFiles: ['docker-compose.prod.yml'],
      environment: 'production',
      createdAt: NOW.toISOString(),
    });
  });
  // Only the deployment folder is searched for proxy configurations: this machine's /etc must not decide the test.
  const svc = createAuditService({
    store,
    journal,
    logger,
    profile: crucibleCeProfile,
    clock: () => NOW,
    gitBinary: null,
    checklistFacts: { locate: fileLocator([]), firewall: () => Promise.resolve(firewall) },
  });
  return { svc, journal, folder };
}

const byId = <T extends { id: string }>(items: T[]): Record<string, T> =>
  Object.fromEntries(items.map((i) => [i.id, i]));

describe('checklist evidence through the audit service', () => {
  it('HTTPS is never verified while no proxy is found, and is verified once a proxy with HSTS is there', async () => {
    const w = await world();
    expect((await w.svc.run(ID)).findings.some((x) => x.code === 'PROXY_CONFIG_MISSING')).toBe(true);
    await w.svc.tick(ID, 'pre-https', true, 'nginx on the host');
    let items = byId((await w.svc.checklist(ID)).items);
    // The stock prod file still publishes the ports on every interface: failing whatever the tick says.
    expect(items['pre-https']?.state).toBe('failing');

    writeFileSync(join(w.folder, 'Caddyfile'), CADDY);
    await w.svc.run(ID);
    items = byId((await w.svc.checklist(ID)).items);
    // The api/frontend ports are still published on every interface in the stock prod file.
    expect(
      items['pre-https']?.evidence.some(
        (e) => e.startsWith('PROXY_BYPASSABLE') || e.startsWith('COMPOSE_PORT_ALL_INTERFACES'),
      ),
    ).toBe(true);
    expect(items['pre-https']?.evidence.some((e) => e.startsWith('PROXY_CONFIG_MISSING'))).toBe(false);

    // Bind them to 127.0.0.1 with the audit's own fixes: the proxy is then the only way in.
    for (
      let f = (await w.svc.run(ID)).findings.find((x) => x.fixId?.startsWith('bind-loopback:'));
      f?.fixId;
      f = (await w.svc.run(ID)).findings.find((x) => x.fixId?.startsWith('bind-loopback:'))
    ) {
      const fixId = f.fixId;
      await w.svc.applyFix(ID, fixId, (await w.svc.previewFix(ID, fixId)).token);
    }
    items = byId((await w.svc.checklist(ID)).items);
    expect(items['pre-https']).toMatchObject({
      state: 'verified',
      basis: `Proxy configuration ${join(w.folder, 'Caddyfile')} (caddy) sends HSTS max-age=31536000.`,
    });
  });

  it('the backup items are verified by a backup.exported journal entry within the policy, not by a tick', async () => {
    const w = await world();
    let items = byId((await w.svc.checklist(ID)).items);
    expect(items['pre-backups']?.state).toBe('todo');
    expect(items['env-backed-up']?.basis).toBe(
      'No backup of this deployment is on record in the journal yet; the Backup page makes one. Tick it with a note once it is done.',
    );
    await w.journal.append({
      type: 'backup.exported',
      deploymentId: ID,
      subject: 'crucible-secrets-backup.csb',
      details: { file: 'crucible-secrets-backup.csb' },
    });
    items = byId((await w.svc.checklist(ID)).items);
    expect(items['pre-backups']).toMatchObject({
      state: 'verified',
      basis: 'Backup exported on 2026-12-01 (journal), within the 30-day policy.',
    });
    expect(items['env-backed-up']?.state).toBe('verified');
  });

  it('a tick needs a note, is journalled with it, and shows as ticked by you', async () => {
    const w = await world();
    await expect(w.svc.tick(ID, 'pre-monitoring', true)).rejects.toMatchObject({ code: 'CHECKLIST_NOTE_REQUIRED' });
    await expect(w.svc.tick(ID, 'pre-monitoring', true, '   ')).rejects.toMatchObject({
      code: 'CHECKLIST_NOTE_REQUIRED',
    });
    await expect(w.svc.tick(ID, 'pre-cors', true, 'looked at it')).rejects.toMatchObject({
      code: 'CHECKLIST_EVALUATED_ITEM',
    });
    const { items } = await w.svc.tick(ID, 'pre-monitoring', true, '  uptime-kuma pages #ops  ');
    expect(byId(items)['pre-monitoring']).toMatchObject({
      state: 'manual',
      basis: 'Ticked by you on 2026-12-01: uptime-kuma pages #ops',
    });
    const entries = await w.journal.read({ deploymentId: ID });
    expect(entries.filter((e) => e.type === 'checklist.ticked').map((e) => [e.subject, e.details])).toEqual([
      ['pre-monitoring', { withNote: true, note: 'uptime-kuma pages #ops' }],
    ]);
    await w.svc.tick(ID, 'pre-monitoring', false);
    expect(byId((await w.svc.checklist(ID)).items)['pre-monitoring']?.state).toBe('todo');
    expect((await w.journal.read({ deploymentId: ID })).at(-1)?.type).toBe('checklist.unticked');
  });

  it('the firewall is verified from what the app reads back', async () => {
    const w = await world({ source: '/etc/ufw/ufw.conf, /etc/default/ufw', enabled: true, defaultDenyIncoming: true });
    const s = byId((await w.svc.checklist(ID)).items)['pre-firewall'];
    // The stock prod file publishes the api on every interface: evidence against it beats ufw.
    expect(s?.state).toBe('failing');
    expect(s?.evidence.some((e) => e.startsWith('COMPOSE_PORT_ALL_INTERFACES'))).toBe(true);
  });

  it('the Checklist, the Dashboard and the report give the same verdicts from one evaluation', async () => {
    const w = await world();
    await w.journal.append({ type: 'backup.exported', deploymentId: ID, subject: 'b.csb', details: {} });
    await w.svc.tick(ID, 'pre-monitoring', true, 'alerts to #ops');
    const [dash] = await w.svc.dashboard();
    const { items } = await w.svc.checklist(ID);
    expect(dash?.checklist).toEqual(checklistAttention(items));
    expect(dash?.checklist.manual).toBe(1);
    expect(dash?.checklist.verified).toBeGreaterThan(0);
    const report = (await w.svc.report(ID, 'markdown')).content;
    expect(report).toContain(
      '| Monitoring enabled | Ticked by the admin | Ticked by you on 2026-12-01: alerts to #ops |',
    );
    expect(report).toContain(
      '| Backups configured | Verified | Backup exported on 2026-12-01 (journal), within the 30-day policy. |',
    );
  });
});
