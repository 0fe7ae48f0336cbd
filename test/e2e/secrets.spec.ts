import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { addDeployment } from '../../electron/core/store/deployments';
import { KeytarKeychain } from '../../electron/core/keychain/keytar-keychain';
import { serviceFor } from '../../electron/core/keychain/keychain';
import { keepPreviousVersion, previousVersionsFolder } from '../../electron/core/fs/previous-versions';

const REDIS = 'E2E-redis-value-3b9f1c7a2d8e';
const JWT = 'E2E-jwt-value-6a5b4c3d2e1f0a9b';

test.describe('Secrets page', () => {
  test('lists the references of a seeded deployment and copy puts the value on the clipboard', async ({ app }) => {
    test.skip(!app.harness, 'seeds through the harness core');
    const h = app.harness!;
    const folder = join(app.home, 'crucible');
    mkdirSync(folder);
    const id = `e2e-${Date.now().toString(36)}`;
    // Seed the harness's home: the state file and the real keychain (scripts/with-keyring.sh).
    await h.core.store.update((s) =>
      addDeployment(s, {
        id,
        name: 'E2E deployment',
        folder,
        composeFiles: ['docker-compose.yml'],
        environment: 'production',
        createdAt: new Date().toISOString(),
      }),
    );
    try {
      await h.core.inventory.store({
        deploymentId: id,
        values: { REDIS_PASSWORD: REDIS, ROUNDTABLE_JWT_SECRET: JWT },
        origin: 'generated',
      });
      const { page } = app;
      await page.reload();
      await page.getByRole('link', { name: 'Secrets of E2E deployment' }).click();
      await expect(page.getByRole('heading', { name: 'Secrets — E2E deployment' })).toBeVisible();

      const row = page.getByTestId('secret-REDIS_PASSWORD');
      await expect(row.getByTestId('status-badge')).toHaveText('OK');
      await expect(row.getByLabel('Fingerprint of REDIS_PASSWORD')).toHaveText(/^[0-9a-f]{4}( [0-9a-f]{4}){3}$/);
      await expect(page.getByTestId('secret-ROUNDTABLE_JWT_SECRET').getByTestId('status-badge')).toHaveText('OK');
      await expect(page.getByTestId('secret-POSTGRES_PASSWORD').getByTestId('status-badge')).toHaveText(
        'Missing from keychain',
      );
      // No value anywhere on the page until asked for.
      expect(await page.content()).not.toContain(REDIS);

      await row.getByRole('button', { name: 'Copy REDIS_PASSWORD' }).click();
      await expect(row.getByTestId('copy-countdown')).toContainText(/cleared in (30|29|28) s/);
      expect(h.platform.clipboardText()).toBe(REDIS);
      expect(await page.content()).not.toContain(REDIS);

      await row.getByRole('button', { name: 'Reveal REDIS_PASSWORD' }).click();
      await expect(row.getByTestId('revealed-value')).toHaveText(REDIS);
      const journal = (await h.core.journal.read({ deploymentId: id })).map((e) => `${e.type}:${e.subject ?? ''}`);
      expect(journal).toEqual(
        expect.arrayContaining(['secret.copied:REDIS_PASSWORD', 'secret.revealed:REDIS_PASSWORD']),
      );
      await h.core.clipboardGuard.clearNow();
      expect(h.platform.clipboardText()).toBe('');
    } finally {
      const kc = await KeytarKeychain.open();
      for (const e of await kc.list(serviceFor(id))) await kc.delete(serviceFor(id), e.account);
    }
  });

  test('puts a previous .env back after asking, keeping the current one; the file never lands beside .env', async ({
    app,
  }) => {
    test.skip(!app.harness, 'seeds through the harness core');
    const h = app.harness!;
    const folder = join(app.home, 'crucible');
    mkdirSync(folder);
    const id = `e2e-prev-${Date.now().toString(36)}`;
    await h.core.store.update((s) =>
      addDeployment(s, {
        id,
        name: 'Prev deployment',
        folder,
        composeFiles: ['docker-compose.yml'],
        environment: 'production',
        createdAt: new Date().toISOString(),
      }),
    );
    try {
      writeFileSync(join(folder, '.env'), `REDIS_PASSWORD='${REDIS}-now'\n`, { mode: 0o600 });
      await keepPreviousVersion(
        previousVersionsFolder(app.home, id),
        '.env',
        `REDIS_PASSWORD='${REDIS}-before'\n`,
        () => new Date('2026-12-01T09:30:00.000Z'),
      );
      const { page } = app;
      await page.goto(`${h.url}#/secrets/${id}`);
      const card = page.getByTestId('previous-versions');
      await expect(card.getByRole('row')).toHaveCount(2);
      await card.getByRole('button', { name: /^Put back \.env from / }).click();
      // Asked first: nothing changed yet.
      expect(readFileSync(join(folder, '.env'), 'utf8')).toContain('-now');
      await card.getByRole('button', { name: 'Put it back' }).click();
      await expect(card.getByRole('status').filter({ hasText: 'is back' })).toContainText('.env is back as it was');
      expect(readFileSync(join(folder, '.env'), 'utf8')).toBe(`REDIS_PASSWORD='${REDIS}-before'\n`);
      await expect(card.getByRole('row')).toHaveCount(3);
      expect(readdirSync(folder)).toEqual(['.env']);
      expect(await page.content()).not.toContain(REDIS);
    } finally {
      const kc = await KeytarKeychain.open();
      for (const e of await kc.list(serviceFor(id))) await kc.delete(serviceFor(id), e.account);
    }
  });

  test('repairs drift both ways with a preview, and re-checks by itself when .env changes on disk', async ({ app }) => {
    test.skip(!app.harness, 'seeds through the harness core');
    const h = app.harness!;
    const folder = join(app.home, 'crucible');
    mkdirSync(folder);
    const id = `e2e-drift-${Date.now().toString(36)}`;
    await h.core.store.update((s) =>
      addDeployment(s, {
        id,
        name: 'Drift deployment',
        folder,
        composeFiles: ['docker-compose.yml'],
        environment: 'production',
        createdAt: new Date().toISOString(),
      }),
    );
    try {
      await h.core.inventory.store({ deploymentId: id, values: { REDIS_PASSWORD: REDIS }, origin: 'generated' });
      writeFileSync(join(folder, '.env'), `REDIS_PASSWORD='${REDIS}-edited'\n`, { mode: 0o600 });
      const { page } = app;
      await page.goto(`${h.url}#/secrets/${id}`);
      const row = page.getByTestId('secret-REDIS_PASSWORD');
      await expect(row.getByTestId('drift-badge')).toHaveText('.env differs');
      await expect(row.getByTestId('status-badge')).not.toHaveText('OK');

      // Keychain → .env: the preview withholds both values; the write keeps the previous file under the app home.
      await row.getByRole('button', { name: 'Repair REDIS_PASSWORD' }).click();
      await row.getByRole('button', { name: "Write the keychain's value to .env" }).click();
      await expect(row.getByTestId('fix-diff')).toContainText('+REDIS_PASSWORD=[value withheld]');
      expect(readFileSync(join(folder, '.env'), 'utf8')).toContain('-edited');
      await row.getByRole('button', { name: 'Write to .env' }).click();
      await expect(row.getByTestId('drift-badge')).toHaveText('.env in sync');
      await expect(row.getByTestId('status-badge')).toHaveText('OK');
      expect(readFileSync(join(folder, '.env'), 'utf8')).toBe(`REDIS_PASSWORD='${REDIS}'\n`);
      expect(readdirSync(folder)).toEqual(['.env']);
      expect(readdirSync(previousVersionsFolder(app.home, id))).toHaveLength(1);

      // Changed on disk behind the app's back: the page notices without "Check again" (main watches the folder).
      writeFileSync(join(folder, '.env'), `REDIS_PASSWORD='${REDIS}-adopt'\n`, { mode: 0o600 });
      await expect(row.getByTestId('drift-badge')).toHaveText('.env differs', { timeout: 5000 });

      // .env → keychain: only after an explicit confirmation.
      await row.getByRole('button', { name: 'Repair REDIS_PASSWORD' }).click();
      await row.getByRole('button', { name: 'Adopt the .env value into the keychain' }).click();
      await expect(row.getByTestId('fix-diff')).toContainText('keychain: REDIS_PASSWORD fingerprint');
      const adopt = row.getByRole('button', { name: 'Adopt into the keychain' });
      await expect(adopt).toBeDisabled();
      await row.getByRole('checkbox').check();
      await adopt.click();
      await expect(row.getByTestId('drift-badge')).toHaveText('.env in sync');
      const kc = await KeytarKeychain.open();
      expect(await kc.get(serviceFor(id), 'REDIS_PASSWORD')).toBe(`${REDIS}-adopt`);
      const journal = (await h.core.journal.read({ deploymentId: id })).filter(
        (e) => e.type === 'secrets.drift-repaired',
      );
      expect(journal.map((e) => e.details.direction)).toEqual(['keychain-to-env', 'env-to-keychain']);
      expect(await page.content()).not.toContain(REDIS);
    } finally {
      const kc = await KeytarKeychain.open();
      for (const e of await kc.list(serviceFor(id))) await kc.delete(serviceFor(id), e.account);
    }
  });
});
