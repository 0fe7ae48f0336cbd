import { test, expect } from '@playwright/test';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from '../harness/server';
import { addDeployment } from '../../electron/core/store/deployments';
import { KeytarKeychain } from '../../electron/core/keychain/keytar-keychain';
import { serviceFor } from '../../electron/core/keychain/keychain';
import { envValues, parseEnv } from '../../electron/core/envfile';

const OLD_REDIS = 'E2E-old-redis-password-7f3a9c1e5b2d4a6c8e0f1a2b3c4';

/**
 * A temp home with a deployment folder whose .env holds OLD_REDIS (also in the keychain), a fake `docker`
 * (the given shell body) first on PATH, and the harness over it.
 */
async function rotationWorld(prefix: string, name: string, dockerBody: string, envText: string) {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const folder = join(home, 'crucible');
  const bin = join(home, 'bin');
  mkdirSync(folder);
  mkdirSync(bin);
  writeFileSync(join(bin, 'docker'), `#!/bin/sh\n${dockerBody}\n`);
  chmodSync(join(bin, 'docker'), 0o755);
  const h = await startHarness({ home, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
  const id = `e2e-rot-${Date.now().toString(36)}`;
  await h.core.store.update((s) =>
    addDeployment(s, {
      id,
      name,
      folder,
      composeFiles: ['docker-compose.yml'],
      environment: 'production',
      createdAt: new Date().toISOString(),
    }),
  );
  writeFileSync(join(folder, '.env'), envText, { mode: 0o600 });
  await h.core.inventory.store({ deploymentId: id, values: { REDIS_PASSWORD: OLD_REDIS }, origin: 'generated' });
  return {
    home,
    folder,
    h,
    id,
    async close() {
      const kc = await KeytarKeychain.open();
      for (const e of await kc.list(serviceFor(id))) await kc.delete(serviceFor(id), e.account);
      await h.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Rotates REDIS_PASSWORD through the Rotation page in Chromium against the real core and keyring, with a
 * recording fake `docker` first on PATH so the app runs the recreate itself and shows its output.
 */
test('rotates REDIS_PASSWORD in the UI: .env, keychain, history and journal are updated', async ({ browser }) => {
  const log = join(mkdtempSync(join(tmpdir(), 'cs-e2e-rot-log-')), 'docker.log');
  // The service check (python in the api container) answers with its JSON report; every other command "recreates".
  const w = await rotationWorld(
    'cs-e2e-rot-',
    'Rotation E2E',
    `printf '%s\\n' "$*" >> "${log}"\ncase "$*" in *"exec -T api python"*) echo '{"results":[{"check":"health","ok":true,"detail":"GET /api/health answered 200"},{"check":"redis","ok":true,"detail":"Redis is connected"}]}' ;; *) echo "Container crucible-redis-1  Recreated" ;; esac`,
    `# kept as is\nPOSTGRES_USER='e2euser12345'\nREDIS_PASSWORD='${OLD_REDIS}'\n`,
  );
  const { h, id, folder } = w;
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(h.url);
    await page.getByRole('link', { name: 'Rotation', exact: true }).click();
    // One deployment: the Rotation page opens it directly (issue 17).
    await expect(page).toHaveURL(new RegExp(`#/rotation/${id}$`));
    await page.getByRole('link', { name: 'Plan the rotation of REDIS_PASSWORD' }).click();

    // Blast radius first, before anything changes.
    await expect(page.getByRole('region', { name: 'Rotation plan' })).toContainText(
      'All login sessions, queued and running Celery tasks',
    );
    await expect(page.getByRole('region', { name: 'Rotation plan' })).toContainText(
      'docker compose up -d redis api worker beat',
    );
    await page.getByLabel('Reason').fill('e2e rotation');
    await page.getByRole('button', { name: 'Start the rotation' }).click();

    const run = page.getByTestId('rotation-run');
    await expect(run.getByTestId('step-stage')).toHaveAttribute('data-state', 'done');
    // Staged beside the previous value: .env untouched so far.
    expect(envValues(parseEnv(readFileSync(join(folder, '.env'), 'utf8'))).get('REDIS_PASSWORD')).toBe(OLD_REDIS);
    await run.getByRole('button', { name: 'Write the new value to .env' }).click();
    await expect(run.getByTestId('step-write-env')).toHaveAttribute('data-state', 'done');
    await run.getByTestId('step-recreate').getByRole('button', { name: 'Run it' }).click();
    await expect(run.getByTestId('command-output')).toContainText('$ docker compose up -d redis api worker beat');
    await expect(run.getByTestId('command-output')).toContainText('Recreated');
    await expect(run.getByTestId('step-recreate')).toHaveAttribute('data-state', 'done');
    // The app checks the running service itself and ticks the step.
    await run.getByTestId('step-verify').getByRole('button', { name: 'Run it' }).click();
    await expect(run.getByTestId('step-verify')).toHaveAttribute('data-state', 'done');
    await expect(run.getByTestId('command-output')).toContainText('✓ redis: Redis is connected');
    await run.getByRole('button', { name: 'The service is healthy: confirm' }).click();
    await expect(run.getByTestId('run-status')).toHaveText('confirmed');

    // .env and keychain hold the same new value; the staged values are gone; comments kept.
    const kc = await KeytarKeychain.open();
    const live = await kc.get(serviceFor(id), 'REDIS_PASSWORD');
    const envText = readFileSync(join(folder, '.env'), 'utf8');
    expect(live).not.toBeNull();
    expect(live).not.toBe(OLD_REDIS);
    expect(envValues(parseEnv(envText)).get('REDIS_PASSWORD')).toBe(live);
    expect(envText).toContain('# kept as is');
    const runs = (await h.core.store.read()).rotations;
    expect(runs).toHaveLength(1);
    expect(await kc.list(`${serviceFor(id)}/rotation/${runs[0]?.id ?? ''}`)).toEqual([]);
    expect(readFileSync(log, 'utf8')).toContain('compose up -d redis api worker beat');

    // History page.
    await page.getByRole('link', { name: '← All secrets and history' }).click();
    const history = page.getByTestId('rotation-history');
    await expect(history).toContainText('REDIS_PASSWORD');
    await expect(history).toContainText('e2e rotation');
    await expect(history).toContainText('confirmed');
    await expect(page.getByTestId('policy-REDIS_PASSWORD')).toContainText('2');

    // Issue 17 (3): no secret-bearing copy beside .env (git could pick it up); the previous .env is kept
    // under the app home, listed on the Secrets page, and can be put back from there.
    expect(readdirSync(folder)).toEqual(['.env']);
    await page.goto(`${h.url}#/secrets/${id}`);
    const previous = page.getByTestId('previous-versions');
    const putBack = previous.getByRole('button', { name: /^Put back \.env from / });
    await expect(putBack).toHaveCount(1, { timeout: 15_000 });
    await putBack.click();
    await previous.getByRole('button', { name: 'Put it back' }).click();
    await expect(previous.getByRole('status').filter({ hasText: 'is back' })).toContainText('.env is back as it was');
    expect(envValues(parseEnv(readFileSync(join(folder, '.env'), 'utf8'))).get('REDIS_PASSWORD')).toBe(OLD_REDIS);
    expect(readdirSync(folder)).toEqual(['.env']);
    // The .env put back differs from the keychain: the page says so (drift), it does not hide it.
    await expect(page.getByTestId('secret-REDIS_PASSWORD').getByTestId('drift-badge')).toHaveText('.env differs');

    // Journal: the whole story, chained and intact, without values.
    const journal = await h.core.journal.read({ deploymentId: id });
    expect(journal.map((e) => e.type)).toEqual(
      expect.arrayContaining(['rotation.started', 'rotation.step', 'secret.rotated']),
    );
    expect(journal.find((e) => e.type === 'secret.rotated')).toMatchObject({
      subject: 'REDIS_PASSWORD',
      details: { generation: 2 },
    });
    expect((await h.core.journal.verify()).ok).toBe(true);
    const everywhere = [
      await page.content(),
      readFileSync(h.core.paths.journalFile, 'utf8'),
      readFileSync(h.core.paths.stateFile, 'utf8'),
      h.logLines.join('\n'),
    ].join('\n');
    expect(everywhere).not.toContain(live ?? 'unreachable');
    expect(everywhere).not.toContain(OLD_REDIS);
    await context.close();
  } finally {
    await w.close();
  }
});

/**
 * Issue 15: a command the app runs that fails is shown as failed, in words, with Retry, "I did it by hand"
 * and a roll back that asks first. The fake `docker` here answers like Docker 28 without the Compose v2
 * plugin (`unknown shorthand flag: 'd' in -d`, exit 125).
 */
test('a failed recreate is shown as failed in words; roll back asks first and puts everything back', async ({
  browser,
}) => {
  const w = await rotationWorld(
    'cs-e2e-rotfail-',
    'Failing E2E',
    `echo "unknown shorthand flag: 'd' in -d" >&2\necho "See 'docker --help'." >&2\nexit 125`,
    `POSTGRES_USER='e2euser12345'\nREDIS_PASSWORD='${OLD_REDIS}'\n`,
  );
  const { h, id, folder } = w;
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(h.url);
    await page.getByRole('link', { name: 'Rotation', exact: true }).click();
    // One deployment: the Rotation page opens it directly (issue 17).
    await expect(page).toHaveURL(new RegExp(`#/rotation/${id}$`));
    await page.getByRole('link', { name: 'Plan the rotation of REDIS_PASSWORD' }).click();
    await page.getByLabel('Reason').fill('e2e failure');
    await page.getByRole('button', { name: 'Start the rotation' }).click();
    const run = page.getByTestId('rotation-run');
    await run.getByRole('button', { name: 'Write the new value to .env' }).click();
    await expect(run.getByTestId('step-write-env')).toHaveAttribute('data-state', 'done');
    await run.getByTestId('step-recreate').getByRole('button', { name: 'Run it' }).click();
    await expect(run.getByTestId('step-recreate')).toHaveAttribute('data-state', 'failed');
    const failure = run.getByTestId('failure-recreate');
    await expect(failure).toContainText('exit status 125');
    await expect(failure).toContainText(/Compose v2 plugin/i);
    await expect(run.getByTestId('step-recreate').getByRole('button', { name: 'Retry' })).toBeVisible();
    await expect(run.getByTestId('step-recreate').getByRole('button', { name: 'I did it by hand' })).toBeVisible();
    await expect(run.getByRole('button', { name: 'The service is healthy: confirm' })).toBeDisabled();
    // Roll back asks first; "Keep going" changes nothing.
    await run.getByRole('button', { name: 'Roll back…' }).click();
    await run.getByRole('button', { name: 'Keep going' }).click();
    await expect(run.getByTestId('run-status')).toHaveText('in-progress');
    await run.getByRole('button', { name: 'Roll back…' }).click();
    await run.getByRole('button', { name: 'Yes, roll back' }).click();
    await expect(run.getByTestId('run-status')).toHaveText('rolled-back');
    expect(envValues(parseEnv(readFileSync(join(folder, '.env'), 'utf8'))).get('REDIS_PASSWORD')).toBe(OLD_REDIS);
    const kc = await KeytarKeychain.open();
    expect(await kc.get(serviceFor(id), 'REDIS_PASSWORD')).toBe(OLD_REDIS);
    await context.close();
  } finally {
    await w.close();
  }
});
