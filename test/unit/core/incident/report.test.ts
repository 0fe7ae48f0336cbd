import { describe, expect, it } from 'vitest';
import * as m from '../../../../electron/core/incident/machine';
import { renderNotice } from '../../../../electron/core/incident/notice';
import { buildReport, reportHtml, reportMarkdown } from '../../../../electron/core/incident/report';
import { renderRunbook } from '../../../../electron/core/incident/runbook';
import type { JournalEntry } from '../../../../electron/core/journal/journal';
import { Redactor } from '../../../../electron/core/log/redact';

// Canaries with characters that HTML escaping would change: redaction must happen before escaping.
const CANARY = 'CANARY<&"\'>pw_Zq81LmX3';
const CANARY_URLSAFE = 'CANARYjwt_Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj0';

function setup() {
  const redactor = new Redactor();
  redactor.register(CANARY);
  redactor.register(CANARY_URLSAFE);
  const t = (min: number) => new Date(Date.parse('2026-11-29T10:00:00Z') + min * 60_000);
  let inc = m.openIncident({ id: 'inc-20261129-0001', deploymentId: 'prod-1', title: 'Leaked .env', now: t(0) });
  // Text that bypassed the service's checks (e.g. written by an older version) still must not reach the report.
  inc = m.addTimelineEntry(inc, { at: t(-60).toISOString(), text: `Pasted ${CANARY} into chat` }, t(1));
  inc = m.tickItem(inc, 'isolate.firewall', 'skipped', `no firewall; value ${CANARY_URLSAFE}`, t(2));
  inc = m.closeIncident(inc, `Closed. ${CANARY}`, t(30));
  const journal: JournalEntry[] = [
    {
      seq: 1,
      at: t(5).toISOString(),
      type: 'secret.rotated',
      deploymentId: 'prod-1',
      subject: 'REDIS_PASSWORD',
      details: { generation: 4, note: CANARY_URLSAFE },
      prev: '0'.repeat(64),
      hash: '1'.repeat(64),
    },
    {
      seq: 2,
      at: t(-500).toISOString(),
      type: 'file.written',
      deploymentId: 'prod-1',
      subject: 'before the incident',
      details: {},
      prev: '1'.repeat(64),
      hash: '2'.repeat(64),
    },
    {
      seq: 3,
      at: t(6).toISOString(),
      type: 'file.written',
      deploymentId: 'other-dep',
      subject: 'another deployment',
      details: {},
      prev: '2'.repeat(64),
      hash: '3'.repeat(64),
    },
  ];
  const items = renderRunbook({
    deployment: { folder: '/srv/c', composeFiles: ['/srv/c/docker-compose.yml'] },
    incident: inc,
    now: t(40),
  });
  const notice = renderNotice({ incident: inc, deploymentName: 'Prod' });
  const redact = (s: string) => redactor.redact(s);
  const doc = buildReport({
    incident: inc,
    deployment: { id: 'prod-1', name: 'Prod <main>', environment: 'production' },
    items,
    journal,
    journalCheck: { ok: true, entries: 3, problems: [] },
    secrets: {
      REDIS_PASSWORD: {
        variable: 'REDIS_PASSWORD',
        fingerprint: '0123456789abcdef',
        generation: 4,
        created: t(0).toISOString(),
        lastRotated: t(5).toISOString(),
        origin: 'generated',
      },
    },
    notice,
    generatedAt: t(40),
    redact,
  });
  return { doc, md: reportMarkdown(doc, redact), html: reportHtml(doc, redact) };
}

describe('incident report', () => {
  it('never contains a planted secret value, in Markdown or HTML, raw or escaped', () => {
    const { md, html } = setup();
    for (const text of [md, html]) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(CANARY_URLSAFE);
      expect(text).not.toContain('pw_Zq81LmX3');
      expect(text).toContain('[REDACTED]');
    }
  });

  it('lists secrets rotated during the incident by name and generation', () => {
    const { doc, md } = setup();
    expect(doc.secrets).toEqual([
      {
        variable: 'REDIS_PASSWORD',
        status: 'rotated',
        generation: '4',
        at: '2026-11-29 10:05:00Z',
        note: 'outside the runbook',
      },
    ]);
    expect(md).toContain('| REDIS_PASSWORD | rotated | 4 | 2026-11-29 10:05:00Z |');
  });

  it('builds the timeline from admin entries and the journal inside the incident window, for this deployment', () => {
    const { doc } = setup();
    expect(doc.timeline.map((r) => r.source)).toEqual(['admin', 'app']);
    expect(
      doc.timeline.some((r) => r.text.includes('another deployment') || r.text.includes('before the incident')),
    ).toBe(false);
  });

  it('records skipped items with their reason and open required items as not done', () => {
    const { md } = setup();
    expect(md).toMatch(
      /\[-\] Drop outside traffic to the published ports \(DOCKER-USER\) — skipped 2026-11-29 10:02:00Z \(no firewall; value \[REDACTED\]\)/,
    );
    expect(md).toContain('[ ] Stop the frontend and the api — not done');
    expect(md).toContain('### Assess\n\nNot started.');
    expect(md).toContain('### Isolate\n\nStarted 2026-11-29 10:00:00Z; not completed.');
  });

  it('the report never lists its own export as not done, and says "still open" only while the incident is', () => {
    const t = (min: number) => new Date(Date.parse('2026-11-29T10:00:00Z') + min * 60_000);
    let inc = m.openIncident({ id: 'inc-20261129-0002', deploymentId: 'prod-1', title: 'Leaked .env', now: t(0) });
    inc = m.tickItem(inc, 'isolate.stop-public', 'skipped', 'already down', t(1));
    for (const id of ['isolate.keep-evidence', 'isolate.bind-loopback', 'isolate.firewall'])
      inc = m.tickItem(inc, id, 'done', undefined, t(1));
    inc = m.completeStep(inc, 'isolate', t(2), { reason: 'The host was powered off by the provider' });
    const render = (i: typeof inc) => {
      const items = renderRunbook({ deployment: { folder: '/srv/c', composeFiles: [] }, incident: i, now: t(9) });
      const doc = buildReport({
        incident: i,
        deployment: { id: 'prod-1', name: 'Prod', environment: 'production' },
        items,
        journal: [],
        journalCheck: null,
        secrets: {},
        notice: '',
        generatedAt: t(9),
        redact: (s) => s,
      });
      return { md: reportMarkdown(doc, (s) => s), html: reportHtml(doc, (s) => s) };
    };
    const open = render(inc);
    expect(open.md).toContain('[x] Export a copy of the incident report — done 2026-11-29 10:09:00Z (this report)');
    expect(open.md).toContain('The incident is still open.');
    expect(open.md).toContain(
      '**Warning:** completed with an override: The host was powered off by the provider (not done: the public services (frontend and api) stopped: skipped (already down))',
    );
    expect(open.html).toContain(
      '<strong>Warning:</strong> completed with an override: The host was powered off by the provider',
    );
    const closed = render(m.closeIncident(inc, 'Contained.', t(8)));
    expect(closed.md).not.toContain('still open');
    expect(closed.md).toContain('| Status | closed |');
    expect(closed.md).toContain('| Closed | 2026-11-29 10:08:00Z |');
    expect(closed.md).not.toMatch(/incident report — (not done|optional, not done)/);
  });

  it('HTML is self-contained and escapes admin text', () => {
    const { html } = setup();
    expect(html).toContain('Prod &lt;main&gt;');
    expect(html).not.toMatch(/<script|<link|src=/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('@media print');
  });
});
