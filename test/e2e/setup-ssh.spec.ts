import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from '@playwright/test';
import { envValues, parseEnv } from '../../electron/core/envfile';
import { serviceFor } from '../../electron/core/keychain/keychain';
import { generateNewEnv } from '../../electron/core/secrets';
import { crucibleCeProfile } from '../../electron/core/stack';
import { startHarness } from '../harness/server';
import { apiRequest, liveSkipReason, startBed } from '../live/bed';

/**
 * Issue 15 in the window, against the live test bed (the real Crucible API, PostgreSQL and Redis behind a
 * loopback OpenSSH server): the setup wizard is pointed at a server's folder ("On a server (SSH)"), writes
 * the .env there, and after `docker compose up -d` its finish page checks the running service, logging in
 * with the kept password. The Dashboard then shows where the deployment runs.
 */
const skip = liveSkipReason();

test('the setup wizard sets up a deployment on a server over SSH, and checks the running service', async ({
  browser,
}) => {
  test.skip(skip !== null, skip ?? '');
  test.setTimeout(300_000);
  const generated = await generateNewEnv(crucibleCeProfile, {
    environment: 'development',
    frontendUrl: 'http://localhost:3000',
  });
  const password = generated.loginPassword ?? '';
  const bed = await startBed({ envText: generated.text });
  const home = mkdtempSync(join(tmpdir(), 'cs-e2e-ssh-'));
  const h = await startHarness({ home, core: { sshOptions: { sshConfigFile: bed.sshConfigFile } } });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.url}#/setup`);
    await page.getByRole('radio', { name: 'On a server (SSH)' }).check();
    await page.getByTestId('server-location').fill(bed.sshLocation);
    await page.getByTestId('connect-server').click();
    await expect(page.getByTestId('folder-facts')).toContainText(bed.sshLocation);
    await expect(page.getByTestId('folder-facts')).toContainText('docker-compose.yml');
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual(
      [],
    );
    await page.getByRole('button', { name: 'Next' }).click();
    // Every value the server's .env holds is strong: keep them all.
    await expect(page.getByTestId('step-existing')).toBeVisible();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('radio', { name: /Production/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('textbox', { name: /Public address/ }).fill('https://crucible.example.org');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('radio', { name: /Keep the current one/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('step-secrets')).toBeVisible();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByTestId('step-review')).toBeVisible();
    await page.getByRole('button', { name: 'Write everything' }).click();
    await expect(page.getByTestId('setup-done')).toBeVisible({ timeout: 60_000 });

    // Written on the server, by the app, through SSH; read back here by an admin's own ssh.
    const cat = spawnSync('ssh', ['-F', bed.sshConfigFile, '127.0.0.1', `cat '${bed.folder}/.env'`], {
      encoding: 'utf8',
    });
    const env = envValues(parseEnv(cat.stdout));
    expect(env.get('ROUNDTABLE_ENVIRONMENT')).toBe('production');
    const d = (await h.core.store.read()).deployments[0];
    expect(d?.folder).toBe(bed.sshLocation);
    const kc = await h.core.keychains.get();
    expect(await kc.get(serviceFor(d?.id ?? ''), 'REDIS_PASSWORD')).toBe(env.get('REDIS_PASSWORD'));

    // Start it as the finish page says, then let the app check it.
    const up = spawnSync('ssh', ['-F', bed.sshConfigFile, '127.0.0.1', `cd '${bed.folder}' && docker compose up -d`], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(up.status, up.stderr).toBe(0);
    await page.getByLabel('Login password (optional)').fill(password);
    await page.getByRole('button', { name: 'Check it now' }).click();
    const verify = page.getByTestId('verify-service');
    await expect(verify).toContainText('login: The login works', { timeout: 120_000 });
    await expect(verify).toContainText('redis: Redis is connected');
    expect((await apiRequest(`${bed.apiUrl}/docs`)).status).toBe(404); // production

    // The Dashboard says where it runs and that compose is ready there.
    await page.goto(`${h.url}#/`);
    await expect(page.getByTestId(`where-${d?.id ?? ''}`)).toContainText('compose ready', { timeout: 60_000 });
    await expect(page.locator('body')).not.toContainText(password);
    for (const e of await kc.list(serviceFor(d?.id ?? ''))) await kc.delete(serviceFor(d?.id ?? ''), e.account);
    await context.close();
  } finally {
    await h.close();
    await h.core.rotation.close();
    await bed.stop();
    rmSync(home, { recursive: true, force: true });
  }
});
