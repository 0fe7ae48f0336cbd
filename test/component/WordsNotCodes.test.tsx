// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { CodeText } from '../../renderer/src/components/CodeText';
import { ActionOutcome } from '../../renderer/src/components/ActionOutcome';
import { Cited } from '../../renderer/src/components/Cited';
import { FindingCard } from '../../renderer/src/components/audit/FindingCard';
import { RunView } from '../../renderer/src/components/rotation/RunView';
import type { RotationView, StepView } from '../../electron/common/ipc/rotation.ipc';
import { installFakeApi } from './fake-api';

afterEach(cleanup);

/** The text a person sees: no Markdown backtick survives anywhere in it. */
const visible = (el: HTMLElement) => el.textContent;

describe('words, not codes (issue 17, item 6)', () => {
  it('shows backtick-quoted parts as code, without the backticks', () => {
    const { container } = render(<CodeText text="Set `ROUNDTABLE_FRONTEND_URL` in `.env`, then recreate." />);
    expect(visible(container)).toBe('Set ROUNDTABLE_FRONTEND_URL in .env, then recreate.');
    expect([...container.querySelectorAll('code')].map((c) => c.textContent)).toEqual([
      'ROUNDTABLE_FRONTEND_URL',
      '.env',
    ]);
  });

  it('leaves text without backticks, and a lone backtick, as it is', () => {
    const { container } = render(<CodeText text="A lone ` stays" />);
    expect(visible(container)).toBe('A lone ` stays');
    expect(container.querySelector('code')).toBeNull();
  });

  it('core text with a citation keeps its link and renders its code spans (Cited)', () => {
    const { container } = render(
      <Cited text="Edit `.env` (see `docs/crucible.md#the-encryption-key`) and run `docker compose up -d`." />,
    );
    expect(visible(container)).not.toContain('`');
    expect([...container.querySelectorAll('code')].map((c) => c.textContent)).toEqual(['.env', 'docker compose up -d']);
    expect(screen.getByRole('link').textContent).toMatch(/^Crucible reference: /);
  });

  it('a failure from main quoting a command shows it as code, not in backticks', () => {
    render(
      <ActionOutcome
        done={null}
        error="The restore failed; see `crucible-secrets secrets previous DIR` for the previous .env."
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).not.toContain('`');
    expect(alert.querySelector('code')?.textContent).toBe('crucible-secrets secrets previous DIR');
  });

  it('a finding shows its title and place; its rule code only under Details', () => {
    render(
      <FindingCard
        finding={{
          code: 'COMPOSE_PORT_PUBLISHED',
          severity: 'warning',
          title: 'The api publishes port 8000 on every interface',
          message: 'Bind it to `127.0.0.1`.',
          howToFix: 'Change `ports:` to `127.0.0.1:8000:8000`.',
          file: 'docker-compose.prod.yml',
          line: 12,
          evidence: '`ports: "8000:8000"` in docker-compose.prod.yml:12',
        }}
      />,
    );
    const card = screen.getByTestId('finding');
    const details = card.querySelector('details');
    expect(details?.textContent).toContain('COMPOSE_PORT_PUBLISHED');
    // Outside the closed Details, the code appears nowhere, and no backtick either.
    details?.remove();
    expect(visible(card)).not.toContain('COMPOSE_PORT_PUBLISHED');
    expect(visible(card)).not.toContain('`');
    expect(visible(card)).toContain('docker-compose.prod.yml:12');
  });

  it('a rotation step waits for other steps by their titles, never their ids', () => {
    const step = (id: string, title: string, state: StepView['state'], requires: string[]): StepView => ({
      id,
      kind: 'app',
      title,
      detail: '',
      commands: [],
      requires,
      optional: false,
      state,
      failure: null,
      at: null,
      by: null,
      ready: requires.length === 0,
    });
    const view: RotationView = {
      id: 'rot-1',
      deploymentId: 'demo-one',
      variable: 'ROUNDTABLE_SECRET_KEY',
      playbook: 'plain',
      status: 'in-progress',
      reason: 'scheduled',
      startedAt: '2026-11-30T10:00:00.000Z',
      finishedAt: null,
      generation: 2,
      blastRadius: { cost: 'low', servicesRecreated: ['api'], usersLose: 'their `session`', downtime: 'seconds' },
      verify: [],
      steps: [
        step('stage', 'Generate the new value', 'done', []),
        step('write-env', 'Write the new value into .env', 'todo', ['stage']),
        step('recreate', 'Recreate the api', 'todo', ['write-env']),
      ],
      canRunCommands: false,
      blocking: ['write-env', 'recreate'],
      exportFile: null,
      sqlFile: null,
      newPasswordWaiting: false,
    };
    installFakeApi({});
    render(<RunView initial={view} onChanged={() => undefined} />);
    const run = screen.getByTestId('rotation-run');
    expect(visible(run)).toContain('Waits for: “Write the new value into .env”');
    expect(visible(run)).toContain('Not yet: “Write the new value into .env”, “Recreate the api”.');
    expect(visible(run)).not.toMatch(/write-env|recreate,|\brecreate\b(?! the)/);
    expect(visible(screen.getByTestId('users-lose'))).toBe('their session');
  });
});
