// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { CommandBlock } from '../../renderer/src/components/CommandBlock';
import { StepItems } from '../../renderer/src/components/incident/StepItems';
import { FixPreviewPanel } from '../../renderer/src/components/audit/FixPreviewPanel';
import { ApiError } from '../../electron/common/ipc/api';
import type { IncidentView } from '../../electron/common/ipc/incident.ipc';
import { INCIDENT_STEPS, STEP_TITLES } from '../../electron/common/model/incident';
import * as m from '../../electron/core/incident/machine';
import { renderRunbook } from '../../electron/core/incident/runbook';
import { installFakeApi } from './fake-api';

afterEach(cleanup);

/** A fake main that records what it was asked to copy (and refuses text the test marks as secret). */
function clipboardMain() {
  const copied: string[] = [];
  installFakeApi({
    app: {
      copyCommand: ({ text }) => {
        if (text.includes('s3cr3t'))
          return Promise.reject(new ApiError('CLIPBOARD_SECRET_REFUSED', 'That text holds a secret value.'));
        copied.push(text);
        return Promise.resolve({ copied: true });
      },
    },
  });
  return copied;
}

describe('commands come with a Copy button (issue 17, item 6)', () => {
  it('copies exactly the commands shown, through main, and says so', async () => {
    const copied = clipboardMain();
    render(<CommandBlock commands={['cd /srv/crucible', 'docker compose up -d']} label="Apply it" />);
    expect(screen.getByLabelText('Apply it').textContent).toBe('cd /srv/crucible\ndocker compose up -d');
    fireEvent.click(screen.getByRole('button', { name: 'Copy: Apply it' }));
    expect(await screen.findByText('Copied.')).toBeTruthy();
    expect(copied).toEqual(['cd /srv/crucible\ndocker compose up -d']);
  });

  it('shows main’s refusal in words instead of "Copied."', async () => {
    clipboardMain();
    render(<CommandBlock commands={['echo s3cr3t']} label="Bad" />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy: Bad' }));
    expect(await screen.findByText('That text holds a secret value.')).toBeTruthy();
    expect(screen.queryByText('Copied.')).toBeNull();
  });

  it('shows nothing for a step without commands', () => {
    const { container } = render(<CommandBlock commands={[]} label="None" />);
    expect(container.textContent).toBe('');
  });

  it('every incident runbook item with commands has its own Copy button', async () => {
    const copied = clipboardMain();
    const now = new Date('2026-11-29T10:00:00Z');
    const inc = m.openIncident({ id: 'inc-20261129-abcd', deploymentId: 'prod-1', title: 'Leaked .env', now });
    const view: IncidentView = {
      incident: inc,
      deploymentName: 'Crucible prod',
      workdir: 'cd /srv/crucible',
      currentStep: m.currentStep(inc),
      steps: INCIDENT_STEPS.map((s) => ({
        id: s,
        title: STEP_TITLES[s],
        ...inc.steps[s],
        blockers: m.blockers(inc, s),
        unmet: [],
      })),
      items: renderRunbook({ deployment: { folder: '/srv/crucible', composeFiles: [] }, incident: inc, now }),
      notice: '',
      rotation: { available: true, reason: null, candidates: [] },
      secretChoices: [],
    };
    render(<StepItems view={view} step="isolate" act={() => Promise.resolve(true)} />);
    const withCommands = view.items.filter((i) => i.step === 'isolate' && i.commands.length > 0);
    expect(withCommands.length).toBeGreaterThan(0);
    for (const item of withCommands) {
      const li = within(screen.getByTestId(`item-${item.id}`));
      fireEvent.click(li.getByRole('button', { name: `Copy: Commands: ${item.title}` }));
      expect(await li.findByText('Copied.')).toBeTruthy();
    }
    expect(copied).toEqual(withCommands.map((i) => i.commands.join('\n')));
  });

  it('an audit fix preview offers the recreate command with a Copy button', () => {
    clipboardMain();
    render(
      <FixPreviewPanel
        preview={{
          fixId: 'bind-api',
          token: 't',
          title: 'Bind the api port to 127.0.0.1',
          kind: 'edit',
          file: 'docker-compose.yml',
          diff: '--- a\n+++ b\n-      - "8000:8000"\n+      - "127.0.0.1:8000:8000"\n',
        }}
        busy={false}
        error={null}
        onApply={() => undefined}
        onCancel={() => undefined}
      />,
    );
    expect(screen.getByLabelText('Command that recreates the containers').textContent).toBe('docker compose up -d');
    expect(screen.getByRole('button', { name: 'Copy: Command that recreates the containers' })).toBeTruthy();
  });

  it("the command carries the deployment's recorded compose files (docker-compose.prod.yml)", () => {
    clipboardMain();
    render(
      <FixPreviewPanel
        preview={{
          fixId: 'bind-api',
          token: 't',
          title: 'Bind the api port to 127.0.0.1',
          kind: 'edit',
          file: 'docker-compose.prod.yml',
          diff: '--- a\n+++ b\n-      - "8000:8000"\n+      - "127.0.0.1:8000:8000"\n',
        }}
        composeFiles={['docker-compose.prod.yml']}
        busy={false}
        error={null}
        onApply={() => undefined}
        onCancel={() => undefined}
      />,
    );
    expect(screen.getByLabelText('Command that recreates the containers').textContent).toBe(
      'docker compose -f docker-compose.prod.yml up -d',
    );
  });
});
