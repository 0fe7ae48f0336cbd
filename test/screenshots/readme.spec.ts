import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, type Page } from '@playwright/test';
import { startHarness, type Harness } from '../harness/server';
import { serviceFor } from '../../electron/core/keychain/keychain';
import { envValues, parseEnv } from '../../electron/core/envfile';
import { crucibleCeProfile } from '../../electron/core/stack/crucible-ce';
import { cleanupKeychain, genuineCheckout, hasUpstream, onlyDeployment, setUpThroughWizard } from '../e2e/genuine-home';

/**
 * Regenerates docs/images/*.png for the README (`npm run screenshots`; not part of `playwright test`): the
 * genuine Crucible checkout with the `.env` its own scripts/setup.sh writes, set up through the wizard for
 * production, then each page at 1280×800 in the dark theme. Before every shot the page is searched for each
 * secret value setup.sh wrote and the keychain holds: a screenshot that would show one fails instead.
 */
const OUT = process.env.SCREENSHOTS_DIR ?? fileURLToPath(new URL('../../docs/images/', import.meta.url));
/** A fixed place, so the folder shown in the pictures reads the same on every run. */
const DEMO = join(tmpdir(), 'crucible-secrets-demo');

/** Secret values setup.sh wrote (the sensitive variables of the profile); the keychain's are added per shot. */
function secretsOfEnv(file: string): Set<string> {
  const values = envValues(parseEnv(readFileSync(file, 'utf8')));
  const out = new Set<string>();
  for (const v of crucibleCeProfile.variables.filter((x) => x.sensitive)) {
    const value = values.get(v.name);
    if (value) out.add(value);
  }
  return out;
}

async function shot(page: Page, harness: Harness, known: Set<string>, name: string): Promise<void> {
  // Let pages finish loading (status lines such as "Loading…" or "Auditing…") before the picture.
  await expect(page.getByRole('main').getByText(/^(Loading|Auditing|Checking)\b.*…$/)).toHaveCount(0, {
    timeout: 15_000,
  });
  const kc = await harness.core.keychains.get();
  for (const d of (await harness.core.store.read()).deployments)
    for (const e of await kc.list(serviceFor(d.id))) known.add(e.value);
  expect(known.size, 'the secret values to look for').toBeGreaterThan(0);
  const html = await page.content();
  for (const value of known) expect(html.includes(value), `${name} would show a secret value`).toBe(false);
  await page.screenshot({ path: join(OUT, `${name}.png`) });
}

async function visit(page: Page, harness: Harness, path: string): Promise<void> {
  await page.goto(`${harness.url}#${path}`);
  await expect(page.getByRole('main').getByRole('heading', { level: 1 }).first()).toBeVisible({ timeout: 15_000 });
}

test('README screenshots', async ({ browser }) => {
  test.skip(!hasUpstream, 'the genuine Crucible checkout is not on this machine');
  rmSync(DEMO, { recursive: true, force: true });
  mkdirSync(DEMO);
  mkdirSync(OUT, { recursive: true });
  // The pictures show a host where Docker is ready (this machine's may lack the Compose plugin or a daemon):
  // a `docker` first on PATH that answers the app's detection as Docker 27 with Compose v2 would.
  const bin = join(DEMO, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'docker'),
    [
      '#!/bin/sh',
      'case "$*" in',
      '  "--version") echo "Docker version 27.3.1, build ce12230" ;;',
      '  "compose version --short") echo "2.29.7" ;;',
      '  "info --format {{.ServerVersion}}") echo "27.3.1" ;;',
      'esac',
      'exit 0',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const harness = await startHarness({
    home: join(DEMO, 'home'),
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` },
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  const page = await context.newPage();
  try {
    const folder = genuineCheckout({ setupSh: true, parent: DEMO });
    const known = secretsOfEnv(join(folder, '.env'));
    await setUpThroughWizard(page, harness, folder, async (moment) => {
      if (moment === 'existing') await shot(page, harness, known, 'setup-existing-env');
      if (moment === 'review') await shot(page, harness, known, 'setup-review');
      if (moment === 'finish') await shot(page, harness, known, 'setup-finish');
    });
    const d = await onlyDeployment(harness);
    await page.reload();

    const pages: Array<[string, string]> = [
      ['/dashboard', 'dashboard'],
      [`/secrets/${d.id}`, 'secrets'],
      [`/audit/${d.id}`, 'audit'],
      [`/checklist/${d.id}`, 'checklist'],
      [`/rotation/${d.id}`, 'rotation'],
      ['/backup', 'backup'],
      ['/network', 'https'],
    ];
    for (const [path, name] of pages) {
      await visit(page, harness, path);
      await shot(page, harness, known, name);
    }
    // Last, so the open incident's banner is not in the other pictures.
    const { incident } = await harness.core.incident.start(d.id, 'The .env was attached to a support ticket');
    await visit(page, harness, `/incident/${incident.id}`);
    await shot(page, harness, known, 'incident');
  } finally {
    await cleanupKeychain(harness);
    await context.close();
    await harness.close();
    rmSync(DEMO, { recursive: true, force: true });
  }
});
