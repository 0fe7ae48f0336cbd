import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { serviceFor } from '../../electron/core/keychain/keychain';
import type { Harness } from '../harness/server';

/**
 * A realistic home for end-to-end specs and the README screenshots (issue 17): the genuine Crucible checkout
 * unpacked into a git repository, optionally with the `.env` that Crucible's own `scripts/setup.sh` writes,
 * and set up through the wizard in the window, as an administrator would.
 */
export const UPSTREAM =
  process.env.CRUCIBLE_UPSTREAM_TARBALL ??
  fileURLToPath(new URL('../../../shared/upstream/crucible-community-2d1840e.tar.gz', import.meta.url));
export const hasUpstream = existsSync(UPSTREAM);
export const PUBLIC_URL = 'https://crucible.example.org';

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-C', dir, '-c', 'user.email=e2e@example.org', '-c', 'user.name=e2e', ...args], {
    stdio: 'ignore',
  });
}

/**
 * Unpacks the genuine checkout into `<parent>/crucible` (a fresh temp folder when no parent is given) and
 * commits it, as a clone would be. With `setupSh`, runs Crucible's own scripts/setup.sh with a PATH that has
 * no `docker`: it writes `.env` (fresh random values, 0600) and then stops where it would start compose.
 * @throws Error when tar, git or setup.sh fail (the message says which)
 */
export function genuineCheckout(options: { setupSh?: boolean; parent?: string } = {}): string {
  const parent = options.parent ?? mkdtempSync(join(tmpdir(), 'cs-e2e-genuine-'));
  const dir = join(parent, 'crucible');
  mkdirSync(dir);
  execFileSync('tar', ['xzf', UPSTREAM, '-C', dir, '--strip-components=1']);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'crucible checkout');
  if (options.setupSh) {
    // Only what setup.sh needs before it looks for docker; no docker on this PATH, so it stops there.
    const bin = mkdtempSync(join(tmpdir(), 'cs-e2e-setupsh-bin-'));
    for (const [name, target] of [
      ['python3', '/usr/bin/python3'],
      ['cat', '/bin/cat'],
      ['chmod', '/bin/chmod'],
      ['dirname', '/usr/bin/dirname'],
    ] as const)
      symlinkSync(target, join(bin, name));
    const r = spawnSync('/bin/bash', [join(dir, 'scripts', 'setup.sh')], {
      cwd: dir,
      env: { PATH: bin, HOME: parent },
      encoding: 'utf8',
    });
    // Exit 1 is expected ("Docker is not installed"); the .env must be there.
    if (!existsSync(join(dir, '.env')))
      throw new Error(`scripts/setup.sh wrote no .env (exit ${String(r.status)}): ${r.stdout.slice(-300)}`);
  }
  return dir;
}

/** axe-core on the current page: no serious or critical violation (named with their targets on failure). */
export async function expectNoSeriousAxe(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `axe on ${label}`,
  ).toEqual([]);
}

/** Collects uncaught page errors and console errors from now on. */
export function collectPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  return problems;
}

export type WizardMoment = 'existing' | 'review' | 'finish';

/**
 * Drives the setup wizard over `folder` for production at PUBLIC_URL: keeps what the existing `.env` holds
 * (the wizard's defaults), keeps or generates the login password, writes everything. `at` is called on the
 * existing-.env step, the review and the finish (screenshots). Returns the generated password, if any.
 */
export async function setUpThroughWizard(
  page: Page,
  harness: Harness,
  folder: string,
  at: (moment: WizardMoment) => Promise<void> = () => Promise.resolve(),
): Promise<string | null> {
  await page.goto(`${harness.url}#/setup`);
  await expect(page.getByRole('heading', { level: 1, name: 'Set up a deployment' })).toBeVisible();
  harness.platform.queueFolder(folder);
  await page.getByTestId('choose-folder').click();
  await expect(page.getByTestId('folder-facts')).toContainText('docker-compose.yml');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByTestId('step-existing')).toBeVisible();
  await at('existing');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByTestId('step-environment')).toBeVisible();
  await page.getByRole('radio', { name: /Production/ }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByTestId('step-address')).toBeVisible();
  await page.getByRole('textbox', { name: /Public address/ }).fill(PUBLIC_URL);
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByTestId('step-password')).toBeVisible();
  let password: string | null = null;
  const keep = page.getByRole('radio', { name: /Keep the current one/ });
  if ((await keep.count()) > 0) await keep.check();
  else {
    await page.getByTestId('generate-password').click();
    password = (await page.getByTestId('generated-password').textContent()) ?? '';
    await page.getByLabel(/I have stored this password/).check();
  }
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByTestId('step-secrets')).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByTestId('step-review')).toBeVisible();
  await expect(page.getByTestId('review-clean')).toBeVisible({ timeout: 20_000 });
  await at('review');
  await page.getByRole('button', { name: 'Write everything' }).click();

  await expect(page.getByTestId('setup-done')).toBeVisible({ timeout: 30_000 });
  await at('finish');
  return password;
}

/** The one deployment the wizard registered. */
export async function onlyDeployment(harness: Harness): Promise<{ id: string; name: string; folder: string }> {
  const d = (await harness.core.store.read()).deployments[0];
  if (!d) throw new Error('the wizard registered no deployment');
  return d;
}

/** Deletes every keychain entry of every deployment in the harness's state (the keyring outlives the test). */
export async function cleanupKeychain(harness: Harness): Promise<void> {
  const kc = await harness.core.keychains.get();
  for (const d of (await harness.core.store.read()).deployments)
    for (const e of await kc.list(serviceFor(d.id))) await kc.delete(serviceFor(d.id), e.account);
}
