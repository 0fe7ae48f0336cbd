// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { AuditPage } from '../../renderer/src/pages/AuditPage';
import { ChecklistPage } from '../../renderer/src/pages/ChecklistPage';
import { ApiError } from '../../electron/common/ipc/api';
import type { AuditResultView, ChecklistView } from '../../electron/common/ipc/audit.ipc';
import { demoDeployment, installFakeApi } from './fake-api';

const deployment = demoDeployment;
const finding = {
  code: 'COMPOSE_PORT_ALL_INTERFACES',
  severity: 'warning' as const,
  title: 'api port 8000 is published on every interface',
  message: 'm',
  howToFix: 'bind it',
  service: 'api',
  file: 'docker-compose.yml',
  line: 40,
  evidence: 'api ports entry 8000:8000',
  fixId: 'bind-loopback:docker-compose.yml:api:0',
};
const audit = (findings = [finding]): AuditResultView => ({
  deploymentId: 'demo-one',
  checkedAt: '2026-11-30T00:00:00.000Z',
  files: ['.env', 'docker-compose.yml'],
  findings,
  counts: { critical: 0, error: 0, warning: findings.length, info: 0 },
  durationMs: 3,
});

afterEach(() => {
  cleanup();
  window.location.hash = '';
});

describe('AuditPage', () => {
  it('shows findings, previews the fix as a diff, applies it and shows the fresh audit', async () => {
    window.location.hash = '#/audit/demo-one';
    const calls: string[] = [];
    installFakeApi({
      deployments: { get: () => Promise.resolve(deployment) },
      audit: {
        run: () => Promise.resolve(audit()),
        previewFix: ({ fixId }) => (
          calls.push(`preview:${fixId}`),
          Promise.resolve({
            fixId,
            title: 'Bind the api port to 127.0.0.1',
            file: 'docker-compose.yml',
            kind: 'edit' as const,
            diff: '--- a/x\n+++ b/x\n-      - "8000:8000"\n+      - "127.0.0.1:8000:8000"\n',
            token: 't1',
          })
        ),
        applyFix: ({ token }) => (
          calls.push(`apply:${token}`),
          Promise.resolve({ file: 'docker-compose.yml', backupKept: true, audit: audit([]) })
        ),
      },
    });
    render(<AuditPage />);
    const card = await screen.findByRole('article', { name: finding.title });
    expect(within(card).getByText(/api ports entry 8000:8000/)).toBeTruthy();
    fireEvent.click(within(card).getByRole('button', { name: /Preview the fix/ }));
    expect((await screen.findByTestId('fix-diff')).textContent).toContain('+      - "127.0.0.1:8000:8000"');
    fireEvent.click(screen.getByTestId('apply-fix'));
    expect(await screen.findByText(/Applied: Bind the api port/)).toBeTruthy();
    expect(screen.queryByRole('article', { name: finding.title })).toBeNull();
    expect(calls).toEqual(['preview:bind-loopback:docker-compose.yml:api:0', 'apply:t1']);
  });

  it('shows a stale-preview error next to the diff and keeps the preview', async () => {
    window.location.hash = '#/audit/demo-one';
    installFakeApi({
      deployments: { get: () => Promise.resolve(deployment) },
      audit: {
        run: () => Promise.resolve(audit()),
        previewFix: ({ fixId }) =>
          Promise.resolve({
            fixId,
            title: 'Bind',
            file: 'docker-compose.yml',
            kind: 'edit' as const,
            diff: '+x\n',
            token: 't1',
          }),
        applyFix: () =>
          Promise.reject(new ApiError('FIX_STALE', 'The file changed since the preview; nothing was written.')),
      },
    });
    render(<AuditPage />);
    fireEvent.click(
      within(await screen.findByRole('article', { name: finding.title })).getByRole('button', {
        name: /Preview the fix/,
      }),
    );
    fireEvent.click(await screen.findByTestId('apply-fix'));
    expect((await screen.findByRole('alert')).textContent).toContain('The file changed since the preview');
    expect(screen.getByTestId('fix-preview')).toBeTruthy();
  });
});

describe('ChecklistPage', () => {
  it('ticks a manual item only with a note; evaluated items have no tick control', async () => {
    window.location.hash = '#/checklist/demo-one';
    const view = (done: boolean): ChecklistView => ({
      auditedAt: '2026-11-30T00:00:00.000Z',
      items: [
        {
          id: 'pre-cors',
          list: 'pre-production',
          title: 'CORS properly configured',
          help: 'h',
          mode: 'evaluated',
          status: 'fail',
          state: 'failing',
          basis: 'The latest audit reports 1 related finding.',
          evidence: ['COMPOSE_HARDCODED_CORS: x'],
        },
        {
          id: 'pre-backups',
          list: 'pre-production',
          title: 'Backups configured',
          help: 'h',
          mode: 'manual',
          status: done ? 'done' : 'todo',
          state: done ? 'manual' : 'todo',
          basis: done ? 'Ticked by you on 2026-11-30: nightly' : 'Not ticked yet.',
          evidence: [],
          ...(done ? { tick: { checkedAt: '2026-11-30T00:00:00.000Z', note: 'nightly' } } : {}),
        },
      ],
    });
    const ticks: unknown[] = [];
    installFakeApi({
      deployments: { get: () => Promise.resolve(deployment) },
      audit: {
        checklist: () => Promise.resolve(view(false)),
        tick: (r) => (ticks.push(r), Promise.resolve(view(true))),
      },
    });
    render(<ChecklistPage />);
    const cors = await screen.findByTestId('check-pre-cors');
    expect(within(cors).queryByRole('button')).toBeNull();
    const backups = screen.getByTestId('check-pre-backups');
    const tickButton = within(backups).getByRole('button', { name: 'Tick as done by me' });
    expect((tickButton as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(backups).getByLabelText('Note (required to tick)'), { target: { value: 'nightly' } });
    expect((tickButton as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(tickButton);
    expect(await screen.findByText(/Ticked "Backups configured"/)).toBeTruthy();
    expect(ticks).toEqual([{ deploymentId: 'demo-one', itemId: 'pre-backups', done: true, note: 'nightly' }]);
    expect(screen.getByTestId('check-pre-backups').getAttribute('data-status')).toBe('done');
    expect(screen.getByTestId('check-pre-backups').getAttribute('data-state')).toBe('manual');
    expect(within(screen.getByTestId('check-pre-backups')).getByText('Ticked by you')).toBeTruthy();
  });
});
