import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { expectNoSeriousAxe } from './genuine-home';
import { parseEnv, envValues } from '../../electron/core/envfile';
import { checkEnv } from '../../electron/core/validation';
import { crucibleCeProfile } from '../../electron/core/stack/crucible-ce';
import { serviceFor } from '../../electron/core/keychain/keychain';
import type { Harness } from '../harness/server';

/**
 * Issue 5: the setup wizard driven in Chromium through the harness (real core, real keyring under
 * scripts/with-keyring.sh), by keyboard, with axe-core on every step and a screenshot of each step.
 * Afterwards the written folder is checked with independent tools: check-env, python-dotenv, python bcrypt.
 */

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** Screenshots of every step (a test artifact); SETUP_SHOTS_DIR overrides where they go. */
const SHOTS =
  process.env.SETUP_SHOTS_DIR ?? fileURLToPath(new URL('../../test-results/setup-screens/', import.meta.url));
const PY = '/usr/bin/python3';
const PROVIDER_KEY = 'sk-or-v1-CANARYe2eProviderKey0123456789abcdef';

function makeFolder(withEnv: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'cs-e2e-crucible-'));
  copyFileSync(join(FIXTURES, 'compose/stock-dev/docker-compose.yml'), join(dir, 'docker-compose.yml'));
  copyFileSync(join(FIXTURES, 'compose/stock-prod/docker-compose.prod.yml'), join(dir, 'docker-compose.prod.yml'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.email=e2e@example.org', '-c', 'user.name=e2e', ...args], {
      stdio: 'ignore',
    });
  git('init', '-q');
  git('add', 'docker-compose.yml', 'docker-compose.prod.yml');
  git('commit', '-qm', 'crucible checkout');
  if (withEnv) copyFileSync(join(FIXTURES, 'setup/existing-weak/dotenv'), join(dir, '.env'));
  return dir;
}

/** axe-core on the current step: no serious or critical violation. */
const axe = expectNoSeriousAxe;

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Keyboard only: focus by Tab order is simulated with focus(), then the key the admin would press. */
async function press(target: Locator, key = 'Enter'): Promise<void> {
  await target.focus();
  await target.press(key);
}

async function typeInto(target: Locator, text: string): Promise<void> {
  await target.focus();
  await target.press('ControlOrMeta+a');
  await target.pressSequentially(text, { delay: 0 });
}

async function step(page: Page, id: string, n: number, label: string, prefix: string, entered = true): Promise<void> {
  await expect(page.getByTestId(`step-${id}`)).toBeVisible();
  // Entering a step moves focus to its heading (announced by screen readers).
  if (entered)
    await expect(page.getByRole('heading', { level: 2, name: new RegExp(`Step ${String(n)} of 9`) })).toBeFocused();
  await axe(page, `${prefix} step ${String(n)}`);
  await shot(page, `${prefix}-${String(n).padStart(2, '0')}-${label}`);
}

async function keychainOf(harness: Harness): Promise<{ id: string; values: Map<string, string> }> {
  const state = await harness.core.store.read();
  const d = state.deployments[0];
  if (!d) throw new Error('no deployment');
  const kc = await harness.core.keychains.get();
  return { id: d.id, values: new Map((await kc.list(serviceFor(d.id))).map((e) => [e.account, e.value])) };
}

function pythonDotenv(file: string): Record<string, string> {
  const out = execFileSync(
    PY,
    ['-c', 'import json,sys\nfrom dotenv import dotenv_values\nprint(json.dumps(dotenv_values(sys.argv[1])))', file],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as Record<string, string>;
}

function pythonBcrypt(password: string, hash: string): boolean {
  const out = execFileSync(
    PY,
    [
      '-c',
      'import sys,bcrypt\npw,h=sys.stdin.read().split("\\n",1)\nprint(bcrypt.checkpw(pw.encode(), h.strip().encode()))',
    ],
    { input: `${password}\n${hash}`, encoding: 'utf8' },
  );
  return out.trim() === 'True';
}

async function cleanupKeychain(harness: Harness): Promise<void> {
  const kc = await harness.core.keychains.get();
  for (const d of (await harness.core.store.read()).deployments)
    for (const e of await kc.list(serviceFor(d.id))) await kc.delete(serviceFor(d.id), e.account);
}

test.describe('setup wizard', () => {
  test.skip(({ browserName }) => browserName !== 'chromium', 'Chromium only');
  // Nine steps, each with an axe-core scan and a screenshot, plus bcrypt: slow on a shared 2-core machine.
  test.setTimeout(300_000);

  test('a fresh checkout becomes a production deployment, by keyboard, with no axe violation', async ({ app }) => {
    test.skip(!app.harness, 'harness only (scripted folder dialog)');
    const harness = app.harness!;
    const { page } = app;
    const folder = makeFolder(false);
    try {
      await page.setViewportSize({ width: 1280, height: 1100 });
      await page.goto(`${harness.url}#/setup`);
      await expect(page.getByRole('heading', { level: 1, name: 'Set up a deployment' })).toBeVisible();

      // 1 Folder: the dialog is opened by main; the test scripts its answer.
      await step(page, 'folder', 1, 'folder-empty', 'fresh');
      harness.platform.queueFolder(folder);
      await press(page.getByTestId('choose-folder'));
      await expect(page.getByTestId('folder-facts')).toContainText('docker-compose.yml (default)');
      await expect(page.getByTestId('folder-facts')).toContainText('Hard-coded CORS');
      await step(page, 'folder', 1, 'folder', 'fresh', false);
      await press(page.getByRole('button', { name: 'Next' }));

      // 2 Existing .env: none.
      await step(page, 'existing', 2, 'existing', 'fresh');
      await expect(page.getByTestId('no-existing-env')).toBeVisible();
      await press(page.getByRole('button', { name: 'Next' }));

      // 3 Environment.
      await step(page, 'environment', 3, 'environment', 'fresh');
      await press(page.getByRole('radio', { name: /Production/ }), 'Space');
      // The folder has docker-compose.prod.yml: production preselects it as the file the deployment runs with.
      await expect(page.getByRole('radio', { name: /production compose file/ })).toBeChecked();
      await press(page.getByRole('button', { name: 'Next' }));

      // 4 Public address: http is refused in production, https accepted; CORS fix previewed.
      await expect(page.getByTestId('cors-fix')).toContainText('ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS:?');
      await typeInto(page.getByRole('textbox', { name: /Public address/ }), 'http://crucible.example.org');
      await press(page.getByRole('button', { name: 'Next' }));
      await expect(page.getByRole('alert')).toContainText('https://');
      await typeInto(page.getByRole('textbox', { name: /Public address/ }), 'https://crucible.example.org');
      await typeInto(page.getByRole('textbox', { name: /Allowed origins/ }), 'https://crucible.example.org');
      await step(page, 'address', 4, 'address', 'fresh', false);
      await press(page.getByRole('button', { name: 'Next' }));

      // Going back keeps what was entered.
      await expect(page.getByTestId('step-password')).toBeVisible();
      await press(page.getByRole('button', { name: 'Back' }));
      await expect(page.getByRole('textbox', { name: /Public address/ })).toHaveValue('https://crucible.example.org');
      await press(page.getByRole('button', { name: 'Next' }));

      // 5 Login password: generated, shown once, copied by main, "I have stored it".
      await step(page, 'password', 5, 'password-choice', 'fresh');
      await press(page.getByTestId('generate-password'));
      const password = (await page.getByTestId('generated-password').textContent()) ?? '';
      expect(password).toMatch(/^[A-Za-z0-9_-]{22}$/);
      await press(page.getByRole('button', { name: /Copy/ }));
      await expect(page.getByText(/clipboard is cleared in \d+ s/)).toBeVisible();
      expect(harness.platform.clipboardText()).toBe(password);
      await press(page.getByRole('button', { name: 'Next' }));
      await expect(page.getByRole('alert')).toContainText('stored the password');
      await press(page.getByLabel(/I have stored this password/), 'Space');
      await step(page, 'password', 5, 'password', 'fresh', false);
      await press(page.getByRole('button', { name: 'Next' }));

      // 6 Secrets: generated values, and an optional provider key typed once.
      await step(page, 'secrets', 6, 'secrets', 'fresh');
      await expect(page.getByTestId('secret-plan')).toContainText('API_KEY_ENCRYPTION_KEY');
      await typeInto(page.getByLabel(/ROUNDTABLE_OPENROUTER_API_KEY/), PROVIDER_KEY);
      await press(page.getByRole('button', { name: 'Next' }));

      // 7 Review: masked diff, clean findings; nothing secret on the page.
      await step(page, 'review', 7, 'review', 'fresh');
      await expect(page.getByTestId('review-clean')).toBeVisible();
      const reviewText = (await page.textContent('body')) ?? '';
      expect(reviewText).not.toContain(password);
      expect(reviewText).not.toContain(PROVIDER_KEY);
      expect(reviewText).toContain('(64 characters, hidden)');
      await press(page.getByRole('button', { name: 'Write everything' }));

      // 9 Finish.
      await expect(page.getByTestId('setup-done')).toBeVisible({ timeout: 20_000 });
      await step(page, 'finish', 9, 'finish', 'fresh');
      await expect(page.getByText('docker compose -f docker-compose.prod.yml up -d', { exact: true })).toBeVisible();
      // No command restarts (the explanations may name `docker compose restart`, to warn against it).
      await expect(page.locator('.commands .command-text').first()).toBeVisible();
      await expect(page.locator('.commands .command-text', { hasText: /restart/ })).toHaveCount(0);

      // Afterwards, checked with independent tools.
      const envPath = join(folder, '.env');
      expect(statSync(envPath).mode & 0o777).toBe(0o600);
      const envText = readFileSync(envPath, 'utf8');
      const findings = checkEnv(parseEnv(envText), { profile: crucibleCeProfile, environment: 'production' });
      expect(findings.filter((f) => f.severity === 'error' || f.severity === 'critical')).toEqual([]);
      const { values: stored } = await keychainOf(harness);
      const py = pythonDotenv(envPath);
      const secretNames = [
        'API_KEY_ENCRYPTION_KEY',
        'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
        'ROUNDTABLE_JWT_SECRET',
        'ROUNDTABLE_JWT_REFRESH_SECRET',
        'POSTGRES_USER',
        'POSTGRES_PASSWORD',
        'REDIS_PASSWORD',
        'ROUNDTABLE_OPENROUTER_API_KEY',
      ];
      expect([...stored.keys()].sort()).toEqual([...secretNames].sort());
      for (const name of secretNames) expect(py[name], name).toBe(stored.get(name));
      expect(envValues(parseEnv(envText)).get('ROUNDTABLE_OPENROUTER_API_KEY')).toBe(PROVIDER_KEY);
      expect(pythonBcrypt(password, py.ROUNDTABLE_COMMUNITY_AUTH_PASSWORD ?? '')).toBe(true);
      expect(pythonBcrypt(`${password}x`, py.ROUNDTABLE_COMMUNITY_AUTH_PASSWORD ?? '')).toBe(false);
      expect(() => execFileSync('git', ['-C', folder, 'check-ignore', '-q', '.env'])).not.toThrow();
      expect(readFileSync(join(folder, 'docker-compose.yml'), 'utf8')).toContain(
        'ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS:?',
      );
      // No value in the logs, the state file or the journal.
      const elsewhere = [
        harness.logLines.join('\n'),
        readFileSync(harness.core.paths.stateFile, 'utf8'),
        readFileSync(harness.core.paths.journalFile, 'utf8'),
      ].join('\n');
      for (const v of [...stored.values(), password]) expect(elsewhere).not.toContain(v);
      await cleanupKeychain(harness);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('an existing .env: keep what is good, regenerate what is weak, keep the login password hashed (dark theme)', async ({
    app,
  }) => {
    test.skip(!app.harness, 'harness only (scripted folder dialog)');
    const harness = app.harness!;
    const { page } = app;
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 1280, height: 1100 });
    const folder = makeFolder(true);
    const before = readFileSync(join(folder, '.env'), 'utf8');
    const oldValues = envValues(parseEnv(before));
    try {
      await page.goto(`${harness.url}#/setup`);
      harness.platform.queueFolder(folder);
      await press(page.getByTestId('choose-folder'));
      await expect(page.getByTestId('folder-facts')).toContainText('yes,');
      await step(page, 'folder', 1, 'folder', 'existing', false);
      await press(page.getByRole('button', { name: 'Next' }));

      await step(page, 'existing', 2, 'existing', 'existing');
      await expect(page.getByTestId('existing-API_KEY_ENCRYPTION_KEY')).toContainText('orphaned');
      await expect(page.getByTestId('existing-ROUNDTABLE_JWT_SECRET')).toContainText('Cannot be kept');
      await expect(
        page.getByTestId('existing-ROUNDTABLE_JWT_SECRET').getByRole('radio', { name: 'Keep' }),
      ).toBeDisabled();
      await press(page.getByTestId('existing-REDIS_PASSWORD').getByRole('radio', { name: 'Regenerate' }), 'Space');
      await expect(page.locator('body')).not.toContainText('CANARY');
      await press(page.getByRole('button', { name: 'Next' }));

      await press(page.getByRole('radio', { name: /Production/ }), 'Space');
      await press(page.getByRole('button', { name: 'Next' }));
      await step(page, 'address', 4, 'address', 'existing');
      await typeInto(page.getByRole('textbox', { name: /Public address/ }), 'https://crucible.example.org');
      await press(page.getByRole('button', { name: 'Next' }));

      await step(page, 'password', 5, 'password', 'existing');
      await press(page.getByRole('radio', { name: /Keep the current one/ }), 'Space');
      await press(page.getByRole('button', { name: 'Next' }));
      await step(page, 'secrets', 6, 'secrets', 'existing');
      await press(page.getByRole('button', { name: 'Next' }));
      await step(page, 'review', 7, 'review', 'existing');
      await expect(page.locator('body')).not.toContainText('CANARY');
      await press(page.getByRole('button', { name: 'Write everything' }));
      await expect(page.getByTestId('setup-done')).toBeVisible({ timeout: 20_000 });
      await step(page, 'finish', 9, 'finish', 'existing');

      const envPath = join(folder, '.env');
      const envText = readFileSync(envPath, 'utf8');
      expect(statSync(envPath).mode & 0o777).toBe(0o600);
      expect(envText).toContain('MY_CUSTOM_SETTING="keep me # not a comment"\n');
      const findings = checkEnv(parseEnv(envText), { profile: crucibleCeProfile, environment: 'production' });
      expect(findings.filter((f) => f.severity === 'error' || f.severity === 'critical')).toEqual([]);
      const { values: stored } = await keychainOf(harness);
      const py = pythonDotenv(envPath);
      for (const [name, value] of stored) expect(py[name], name).toBe(value);
      expect(stored.get('API_KEY_ENCRYPTION_KEY')).toBe(oldValues.get('API_KEY_ENCRYPTION_KEY'));
      expect(stored.get('POSTGRES_PASSWORD')).toBe(oldValues.get('POSTGRES_PASSWORD'));
      expect(stored.get('REDIS_PASSWORD')).not.toBe(oldValues.get('REDIS_PASSWORD'));
      expect(stored.get('ROUNDTABLE_JWT_SECRET')).not.toBe('change-me-in-production');
      expect(
        pythonBcrypt(
          oldValues.get('ROUNDTABLE_COMMUNITY_AUTH_PASSWORD') ?? '',
          py.ROUNDTABLE_COMMUNITY_AUTH_PASSWORD ?? '',
        ),
      ).toBe(true);
      // The previous .env is kept under the app home, never beside it where git could pick it up.
      expect(readdirSync(folder).filter((n) => /^\.env\.(bak-|\d{8}T)/.test(n))).toEqual([]);
      const previous = join(app.home, 'previous');
      const [deploymentId] = readdirSync(previous);
      const kept = readdirSync(join(previous, deploymentId ?? '')).filter((n) => n.startsWith('.env.'));
      expect(kept).toHaveLength(1);
      expect(readFileSync(join(previous, deploymentId ?? '', kept[0] ?? ''), 'utf8')).toBe(before);
      expect(() => execFileSync('git', ['-C', folder, 'check-ignore', '-q', '.env'])).not.toThrow();
      await cleanupKeychain(harness);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('leaving the wizard half-way discards the draft and writes nothing', async ({ app }) => {
    test.skip(!app.harness, 'harness only (scripted folder dialog)');
    const harness = app.harness!;
    const { page } = app;
    const folder = makeFolder(false);
    try {
      const listing = () => readdirSync(folder).sort();
      const before = listing();
      await page.goto(`${harness.url}#/setup`);
      harness.platform.queueFolder(folder);
      await press(page.getByTestId('choose-folder'));
      await press(page.getByRole('button', { name: 'Next' }));
      await press(page.getByRole('button', { name: 'Next' }));
      await press(page.getByRole('radio', { name: /Production/ }), 'Space');
      await press(page.getByRole('button', { name: 'Next' }));
      await expect(page.getByTestId('step-address')).toBeVisible();
      await press(page.getByRole('link', { name: 'Dashboard' }));
      await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
      await expect.poll(() => harness.logLines.some((l) => l.includes('setup.discarded'))).toBe(true);
      expect(listing()).toEqual(before);
      expect((await harness.core.store.read()).deployments).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
