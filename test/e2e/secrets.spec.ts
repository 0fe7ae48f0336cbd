import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { addDeployment } from '../../electron/core/store/deployments';
import { KeytarKeychain } from '../../electron/core/keychain/keytar-keychain';
import { serviceFor } from '../../electron/core/keychain/keychain';

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
    await h.core.store.update((s) => addDeployment(s, { id, name: 'E2E deployment', folder, composeFiles: ['docker-compose.yml'], environment: 'production', createdAt: new Date().toISOString() }));
    try {
      await h.core.inventory.store({ deploymentId: id, values: { REDIS_PASSWORD: REDIS, ROUNDTABLE_JWT_SECRET: JWT }, origin: 'generated' });
      const { page } = app;
      await page.reload();
      await page.getByRole('link', { name: 'Secrets of E2E deployment' }).click();
      await expect(page.getByRole('heading', { name: 'Secrets — E2E deployment' })).toBeVisible();

      const row = page.getByTestId('secret-REDIS_PASSWORD');
      await expect(row.getByTestId('status-badge')).toHaveText('OK');
      await expect(row.getByLabel('Fingerprint of REDIS_PASSWORD')).toHaveText(/^[0-9a-f]{4}( [0-9a-f]{4}){3}$/);
      await expect(page.getByTestId('secret-ROUNDTABLE_JWT_SECRET').getByTestId('status-badge')).toHaveText('OK');
      await expect(page.getByTestId('secret-POSTGRES_PASSWORD').getByTestId('status-badge')).toHaveText('Missing from keychain');
      // No value anywhere on the page until asked for.
      expect(await page.content()).not.toContain(REDIS);

      await row.getByRole('button', { name: 'Copy REDIS_PASSWORD' }).click();
      await expect(row.getByTestId('copy-countdown')).toContainText(/cleared in (30|29|28) s/);
      expect(h.platform.clipboardText()).toBe(REDIS);
      expect(await page.content()).not.toContain(REDIS);

      await row.getByRole('button', { name: 'Reveal REDIS_PASSWORD' }).click();
      await expect(row.getByTestId('revealed-value')).toHaveText(REDIS);
      const journal = (await h.core.journal.read({ deploymentId: id })).map((e) => `${e.type}:${e.subject ?? ''}`);
      expect(journal).toEqual(expect.arrayContaining(['secret.copied:REDIS_PASSWORD', 'secret.revealed:REDIS_PASSWORD']));
      await h.core.clipboardGuard.clearNow();
      expect(h.platform.clipboardText()).toBe('');
    } finally {
      const kc = await KeytarKeychain.open();
      for (const e of await kc.list(serviceFor(id))) await kc.delete(serviceFor(id), e.account);
    }
  });
});
