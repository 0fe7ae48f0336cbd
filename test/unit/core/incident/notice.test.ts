import { describe, expect, it } from 'vitest';
import type { Incident, StepId } from '../../../../electron/common/model/incident';
import * as m from '../../../../electron/core/incident/machine';
import { renderNotice } from '../../../../electron/core/incident/notice';
import { itemsOfStep, renderRunbook } from '../../../../electron/core/incident/runbook';

const t = (min: number) => new Date(Date.parse('2026-11-29T10:00:00Z') + min * 60_000);
const SECRETS = ['POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'ROUNDTABLE_JWT_SECRET', 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD'];

/** An incident at Rotate whose Assess named `secrets`, with a rotation run over SECRETS. */
function atRotate(secrets: string[]): Incident {
  const tickAll = (cur: Incident, step: StepId) =>
    itemsOfStep(step)
      .filter((i) => i.required)
      .reduce((c, i) => m.tickItem(c, i.id, 'done', undefined, t(1)), cur);
  let inc = m.openIncident({ id: 'inc-20261129-0001', deploymentId: 'prod-1', title: 'Leaked .env', now: t(0) });
  inc = m.completeStep(tickAll(inc, 'isolate'), 'isolate', t(2));
  inc = m.setAnswers(inc, { whatExposed: 'The .env was in a public repository', since: null, secrets, users: '' });
  inc = m.completeStep(tickAll(inc, 'assess'), 'assess', t(3));
  return m.planRotation(inc, SECRETS, t(4));
}

const notice = (inc: Incident) => renderNotice({ incident: inc, deploymentName: 'Prod' });

describe('the user notice is generated from what happened', () => {
  it('with 0 of 4 secrets rotated it claims no replacement and no ended sessions, and says what is not done', () => {
    const inc = m.recordRotation(
      atRotate(['REDIS_PASSWORD']),
      'POSTGRES_PASSWORD',
      { status: 'failed', reason: 'ROTATION_COMMAND_FAILED: docker down' },
      t(5),
    );
    const text = notice(inc);
    expect(text).not.toContain('Replaced');
    expect(text).not.toContain('Ended every login session');
    expect(text).not.toContain('Log in again');
    expect(text).not.toContain('The login password has changed');
    expect(text).toContain(
      '- Not done yet: replacing the database password, the password of the session store, an unused token-signing secret and the login password.',
    );
    expect(text).toContain('- Took the service offline while we investigated.');
  });

  it('with every secret rotated it names them, ends sessions (Redis was recreated) and announces the new password', () => {
    let inc = atRotate(['REDIS_PASSWORD']);
    SECRETS.forEach((v, i) => (inc = m.recordRotation(inc, v, { status: 'rotated', generation: 2 }, t(5 + i))));
    const text = notice(inc);
    expect(text).toContain(
      '- Replaced the database password, the password of the session store, an unused token-signing secret and the login password with new random values.',
    );
    expect(text).toContain('- Ended every login session.');
    expect(text).toContain('- Log in again: every existing login session was ended.');
    expect(text).toContain('- The login password has changed; you will receive the new one separately');
    expect(text).not.toContain('Not done yet');
  });

  it('sessions revoked by hand count even without the Redis password rotated; provider keys rotated are said', () => {
    let inc = atRotate(['API_KEY_ENCRYPTION_KEY']);
    inc = m.tickItem(inc, 'rotate.sessions', 'done', undefined, t(6));
    inc = m.tickItem(inc, 'rotate.provider-keys', 'done', undefined, t(6));
    const text = notice(inc);
    expect(text).toContain('- Ended every login session.');
    expect(text).toContain(
      '- Revoked the LLM provider API keys stored on the server at the providers and replaced them.',
    );
    expect(text).toContain('- Revoke the LLM provider API keys you stored in Crucible');
  });

  it('is precise about JWT secrets: Crucible issues no JWTs, logins are session tokens in Redis', () => {
    const text = notice(atRotate(['ROUNDTABLE_JWT_SECRET', 'ROUNDTABLE_JWT_REFRESH_SECRET']));
    expect(text).not.toContain('signed with it');
    expect(text).not.toMatch(/no user data \(/);
    expect(text).toContain('- We have found no evidence that user data was exposed.');
    expect(text).toContain(
      '- The exposed JWT secrets protect no user data: Crucible issues no JWTs, and logins use session tokens kept in Redis.',
    );
    // Nothing of theirs is at risk, so users are not told to revoke their provider keys.
    expect(text).not.toContain('Revoke the LLM provider API keys you stored');
    expect(text).toContain('- Nothing for now; we will tell you if that changes.');
  });

  it('no runbook title says "(optional)" itself (the page adds it to optional items)', () => {
    const inc = m.openIncident({ id: 'inc-20261129-0001', deploymentId: 'prod-1', title: 'x', now: t(0) });
    const items = renderRunbook({
      deployment: { folder: '/srv/c', composeFiles: ['/srv/c/docker-compose.yml'] },
      incident: inc,
      now: t(1),
    });
    expect(items.filter((i) => /optional/i.test(i.title)).map((i) => i.title)).toEqual([]);
  });
});
