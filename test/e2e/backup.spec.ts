import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { test, expect } from './fixtures';
import { serviceFor } from '../../electron/core/keychain/keychain';

/**
 * Issue 8 end to end: export in the UI, wipe the keychain (the real keyring) and the .env, restore in the
 * UI, and find everything back. Dialogs are scripted through the harness; everything behind them is real.
 */
const PASS = 'violet tractor sings under seven moons';

test.describe('backup', () => {
  test('export, wipe keychain and .env, restore, everything is back', async ({ app }) => {
    test.skip(!app.harness, 'harness only (scripted file dialogs)');
    test.setTimeout(120_000);
    const harness = app.harness!;
    const { page } = app;
    const id = `e2e-backup-${randomBytes(3).toString('hex')}`;
    const folder = join(app.home, 'crucible');
    mkdirSync(folder);
    const values = {
      ROUNDTABLE_JWT_SECRET: `CANARY-e2e-jwt-${randomBytes(12).toString('hex')}`,
      POSTGRES_PASSWORD: `CANARY-e2e-pg-${randomBytes(12).toString('hex')}`,
      ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: '$2b$12$m9ad1mlW9X6gtiJW56pDI.QMpCEmSVOEWCk8cFWBayj8/IHulyRiK',
    };
    const envText = `# my deployment\nPORT=8000\n${Object.entries(values)
      .map(([k, v]) => `${k}='${v}'`)
      .join('\n')}\n`;
    const kc = await harness.core.keychains.get();
    try {
      await harness.core.store.update((s) => {
        s.deployments.push({
          id,
          name: 'Backup e2e',
          folder,
          composeFiles: [],
          environment: 'production',
          createdAt: new Date().toISOString(),
        });
      });
      for (const [k, v] of Object.entries(values)) await kc.set(serviceFor(id), k, v);
      writeFileSync(join(folder, '.env'), envText, { mode: 0o600 });

      // Export in the UI.
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${harness.url}#/backup`);
      await expect(page.getByRole('heading', { name: 'Backup', exact: true })).toBeVisible({ timeout: 15_000 });
      await expect(page.getByRole('checkbox', { name: /Backup e2e/ })).toBeChecked();
      await page.getByLabel('Backup passphrase').fill('too short');
      await page.getByLabel('Type it again').fill('too short');
      await expect(page.getByRole('button', { name: 'Export encrypted backup…' })).toBeDisabled();

      // A famous passphrase rates weak however it is written (issue 17).
      for (const famous of ['correct horse battery staple', 'Correct-Horse-Battery-Staple']) {
        await page.getByLabel('Backup passphrase').fill(famous);
        await page.getByLabel('Type it again').fill(famous);
        await expect(page.getByText(/well-known passphrase/)).toBeVisible({ timeout: 15_000 });
        await expect(page.getByRole('button', { name: 'Export encrypted backup…' })).toBeDisabled();
      }

      // The generator fills both fields with six EFF words, shows them once, and main copies them.
      await page.getByRole('button', { name: 'Generate a passphrase' }).click();
      const shown = page.getByTestId('generated-passphrase');
      await expect(shown).toContainText(/[a-z]+(-[a-z]+){5}/);
      const generated = /[a-z]+(?:-[a-z]+){5}/.exec((await shown.textContent()) ?? '')?.[0] ?? '';
      await expect(page.getByLabel('Backup passphrase')).toHaveValue(generated);
      await expect(page.getByLabel('Type it again')).toHaveValue(generated);
      await expect(page.getByText('very strong')).toBeVisible({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Copy passphrase' }).click();
      await expect(shown.getByText(/The clipboard is cleared in/)).toBeVisible();
      expect(harness.platform.clipboardText()).toBe(generated);
      await expect(page.getByRole('button', { name: 'Export encrypted backup…' })).toBeDisabled(); // until "stored"
      expect(harness.logLines.join('\n')).not.toContain(generated);

      // This test exports with a passphrase it knows; typing another one hides the generated one.
      await page.getByLabel('Backup passphrase').fill(PASS);
      await expect(shown).toBeHidden();
      await page.getByLabel('Type it again').fill(PASS);
      const target = join(app.home, 'offline', 'my.csbackup');
      mkdirSync(join(app.home, 'offline'));
      harness.platform.queueSaveFile(target);
      await page.getByRole('button', { name: 'Export encrypted backup…' }).click();
      await expect(page.getByTestId('export-result')).toContainText('Backup written: my.csbackup', { timeout: 20_000 });
      expect(statSync(target).mode & 0o777).toBe(0o600);
      const sheet = join(app.home, 'offline', 'sheet.html');
      harness.platform.queueSaveFile(sheet);
      await page.getByRole('button', { name: 'Save recovery sheet to print…' }).click();
      await expect(page.getByText(/Recovery sheet saved/)).toBeVisible();

      // Wipe the keychain entries and the .env.
      for (const k of Object.keys(values)) await kc.delete(serviceFor(id), k);
      rmSync(join(folder, '.env'));
      expect(await kc.list(serviceFor(id))).toEqual([]);

      // Restore in the UI.
      harness.platform.queueOpenFile(target);
      await page.getByRole('button', { name: 'Choose backup file…' }).click();
      await expect(page.getByTestId('backup-file')).toContainText('my.csbackup');
      await page.getByLabel('Passphrase of this backup').fill('not the passphrase at all');
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByRole('alert')).toContainText('does not open this backup', { timeout: 20_000 });
      await page.getByLabel('Passphrase of this backup').fill(PASS);
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByTestId('verify-summary')).toContainText('3 secret(s)', { timeout: 20_000 });
      await page.getByRole('button', { name: 'Prepare restore…' }).click();
      const plan = page.getByTestId('restore-plan');
      await expect(plan).toBeVisible({ timeout: 20_000 });
      await expect(plan.getByRole('checkbox', { name: 'Restore POSTGRES_PASSWORD' })).toBeChecked();
      await expect(plan.getByRole('checkbox', { name: /Also write the restored values/ })).toBeChecked();
      await page.getByRole('button', { name: 'Restore selected' }).click();
      const restored = page.getByTestId('restore-result');
      await expect(restored).toContainText(
        'Backup e2e: 3 secret(s) restored to the keychain and written into its .env',
      );
      // What to run to apply it: compose in the deployment folder, recreating the containers; with a Copy button.
      await expect(restored).toContainText(`cd ${folder} && docker compose up -d --force-recreate`);
      await restored.getByRole('button', { name: 'Copy the command for Backup e2e' }).click();
      await expect(restored.getByText('Copied.')).toBeVisible();
      expect(harness.platform.clipboardText()).toBe(`cd ${folder} && docker compose up -d --force-recreate`);
      await expect(restored).not.toContainText(id);

      // Everything is back.
      for (const [k, v] of Object.entries(values)) expect(await kc.get(serviceFor(id), k)).toBe(v);
      const env = readFileSync(join(folder, '.env'), 'utf8');
      for (const [k, v] of Object.entries(values)) expect(env).toContain(`${k}='${v}'`);
      // Issue 17 (3): the restore left no secret-bearing copy beside .env where git could pick it up.
      expect(readdirSync(folder)).toEqual(['.env']);
      const journal = readFileSync(harness.core.paths.journalFile, 'utf8');
      expect(journal).toContain('backup.exported');
      expect(journal).toContain('backup.restored');

      // No value anywhere else: not in the page, logs, journal, state or the recovery sheet.
      const elsewhere = [
        await page.content(),
        harness.logLines.join('\n'),
        journal,
        readFileSync(harness.core.paths.stateFile, 'utf8'),
        readFileSync(sheet, 'utf8'),
      ].join('\n');
      for (const v of Object.values(values)) expect(elsewhere).not.toContain(v);
      expect(existsSync(target)).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      for (const e of await kc.list(serviceFor(id))) await kc.delete(serviceFor(id), e.account);
    }
  });
});
