import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { serviceFor } from '../../electron/core/keychain/keychain';
import { itemsOfStep } from '../../electron/core/incident/runbook';
import type { StepId } from '../../electron/common/model/incident';
import { envValues, parseEnv } from '../../electron/core/envfile';
import { startHarness, type Harness } from '../harness/server';
import { fakeDocker } from '../helpers/fake-docker';

/**
 * A registered production deployment in `<home>/crucible` with OLD's values in the keychain and in its
 * `.env` (0600); `composeFiles` gets the folder. Returns the folder.
 */
async function seedDeployment(
  harness: Harness,
  home: string,
  d: { id: string; name: string },
  composeFiles: (folder: string) => string[],
): Promise<string> {
  const folder = join(home, 'crucible');
  mkdirSync(folder);
  await harness.core.store.update((s) => {
    s.deployments.push({
      ...d,
      folder,
      composeFiles: composeFiles(folder),
      environment: 'production',
      createdAt: new Date().toISOString(),
    });
  });
  const kc = await harness.core.keychains.get();
  for (const [k, v] of Object.entries(OLD)) await kc.set(serviceFor(d.id), k, v);
  writeFileSync(
    join(folder, '.env'),
    Object.entries(OLD)
      .map(([k, v]) => `${k}='${v}'`)
      .join('\n') + '\n',
    { mode: 0o600 },
  );
  return folder;
}

/**
 * Issue 9 end to end: the six steps of the incident runbook in the UI on a fixture deployment (real core,
 * real keyring), a reload in the middle (the state comes back from the state file), rotate-all really
 * rotating every secret through the rotation playbooks (keychain, .env, generations; docker is a fake on
 * PATH that answers like docker), the report exported as HTML and Markdown through the scripted save
 * dialog, and planted secret values (old and new) that never appear in it. Issue 17: an essential item not
 * done refuses the step until an override with a reason is given (shown in the report); closing writes the
 * final report itself (status closed) without an export first; the notice says what the rotation did.
 */
const OLD: Record<string, string> = {
  POSTGRES_USER: 'pguserabc123',
  POSTGRES_PASSWORD: `CANARYpg_${randomBytes(12).toString('hex')}`,
  REDIS_PASSWORD: `CANARYredis_${randomBytes(16).toString('hex')}`,
  API_KEY_ENCRYPTION_KEY: `CANARYenc_${randomBytes(16).toString('hex')}`,
  ROUNDTABLE_JWT_SECRET: `CANARYjwt_${randomBytes(24).toString('hex')}`,
  ROUNDTABLE_JWT_REFRESH_SECRET: `CANARYref_${randomBytes(24).toString('hex')}`,
  ROUNDTABLE_COMMUNITY_AUTH_PASSWORD: '$2b$12$CANARYe2eSaltSaltSaltSOu7lF9Qe7jW0y1rXvB3c5d7f9h1j3l',
};
const ROTATABLE = Object.keys(OLD).filter((k) => k !== 'POSTGRES_USER');

async function markRequired(page: Page, step: StepId, except: string[] = []): Promise<void> {
  for (const item of itemsOfStep(step).filter((i) => i.required && !except.includes(i.id))) {
    const li = page.getByTestId(`item-${item.id}`);
    await li.getByRole('button', { name: 'Mark done' }).click();
    await expect(li.getByTestId('tick-time')).toContainText(/Done \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  }
}

async function complete(page: Page, title: string, next: string | null): Promise<void> {
  await page.getByRole('button', { name: `Complete ${title}` }).click();
  if (next) await expect(page.getByTestId('step-heading')).toContainText(next);
}

test.describe('incident response', () => {
  test('runs the six steps with rotate-all, survives a reload, exports a report without any secret value, closes', async ({
    browser,
  }) => {
    test.skip(process.env.E2E_TARGET === 'electron', 'harness only (scripted dialogs, fake docker on PATH)');
    test.setTimeout(180_000);
    const home = mkdtempSync(join(tmpdir(), 'cs-e2e-incident-'));
    const docker = fakeDocker();
    const harness = await startHarness({
      home,
      env: { ...process.env, PATH: `${docker.bin}:${process.env.PATH ?? '/usr/bin:/bin'}` },
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const app = { home };
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));

    const id = `e2e-inc-${randomBytes(3).toString('hex')}`;
    const canary = OLD.REDIS_PASSWORD ?? '';
    const folder = await seedDeployment(harness, app.home, { id, name: 'Incident e2e' }, (f) => [
      join(f, 'docker-compose.prod.yml'),
    ]);
    const kc = await harness.core.keychains.get();
    const newValues: string[] = [];

    try {
      // Start.
      await page.goto(`${harness.url}#/incident`);
      await expect(page.getByRole('heading', { name: 'Incident response' })).toBeVisible({ timeout: 15_000 });
      await expect(page.getByTestId('incident-banner')).toHaveCount(0);
      await page.getByLabel('Deployment').selectOption(id);
      await page.getByLabel('What happened (a few words)').fill('.env leaked in a support ticket');
      await page.getByRole('button', { name: 'Start the runbook' }).click();
      await expect(page.getByRole('heading', { name: 'Incident: .env leaked in a support ticket' })).toBeVisible();
      await expect(page.getByTestId('incident-banner')).toContainText(
        'Incident open: .env leaked in a support ticket on Incident e2e (step: Isolate)',
      );

      // 1. Isolate: exact commands, ticks with their time, one item skipped with a reason.
      await expect(page.getByTestId('step-heading')).toContainText('Step 1: Isolate');
      await expect(page.getByTestId('item-isolate.stop-public')).toContainText(
        'docker compose -f docker-compose.prod.yml stop frontend api',
      );
      await expect(page.getByRole('button', { name: 'Complete Isolate', exact: true })).toBeDisabled();
      const fw = page.getByTestId('item-isolate.firewall');
      await fw.getByRole('button', { name: 'Skip…' }).click();
      await fw
        .getByLabel('Why is it skipped?')
        .fill('The host has no public interface; a cloud firewall blocks 8000 and 3000');
      await fw.getByRole('button', { name: 'Skip with this reason' }).click();
      await expect(fw.getByTestId('tick-time')).toContainText('Skipped');
      // The essential "stop the public services" skipped: the step needs an override with a reason.
      const stop = page.getByTestId('item-isolate.stop-public');
      await stop.getByRole('button', { name: 'Skip…' }).click();
      await stop.getByLabel('Why is it skipped?').fill('The provider had already powered the host off');
      await stop.getByRole('button', { name: 'Skip with this reason' }).click();
      await markRequired(page, 'isolate', ['isolate.firewall', 'isolate.stop-public']);
      await expect(page.getByTestId('unmet-essentials')).toContainText(
        'the public services (frontend and api) stopped: skipped (The provider had already powered the host off)',
      );
      await expect(page.getByRole('button', { name: 'Complete Isolate', exact: true })).toHaveCount(0);
      const override = page.getByRole('button', { name: 'Complete Isolate with an override' });
      await expect(override).toBeDisabled();
      await page.getByLabel('Why complete Isolate anyway?').fill('Nothing to stop: the host was off until Rotate');
      await override.click();
      await expect(page.getByTestId('step-heading')).toContainText('Step 2: Assess');
      await page.getByRole('button', { name: /^1\. Isolate/ }).click();
      await expect(page.getByTestId('step-override')).toContainText(
        'Completed with an override: Nothing to stop: the host was off until Rotate',
      );
      await page.getByRole('button', { name: /^2\. Assess/ }).click();

      // Reload: the incident comes back from the state file at Assess.
      await page.reload();
      await expect(page.getByTestId('step-heading')).toContainText('Step 2: Assess', { timeout: 15_000 });
      await expect(page.getByTestId('incident-banner')).toContainText('(step: Assess)');

      // 2. Assess: questions, timeline, a secret value refused, evidence commands.
      await expect(page.getByTestId('item-assess.config')).toContainText('config --no-interpolate');
      await page.getByLabel('What was exposed, and how?').fill('The whole .env was attached to a support ticket');
      await page.getByLabel('Since when (your local time)?').fill('2026-11-28T08:00');
      await page.getByRole('checkbox', { name: 'REDIS_PASSWORD' }).check();
      await page.getByRole('checkbox', { name: 'POSTGRES_PASSWORD' }).check();
      await page.getByLabel('Which users are affected?').fill('All users');
      await page.getByRole('button', { name: 'Save answers' }).click();
      await expect(page.getByText('Saved.')).toBeVisible();
      await page.getByLabel('What happened', { exact: true }).fill(`Ticket contained ${canary}`);
      await page.getByRole('button', { name: 'Add to the timeline' }).click();
      await expect(page.getByTestId('incident-error')).toContainText('contains a secret value');
      await page.getByLabel('What happened', { exact: true }).fill('Support ticket with the .env attached was opened');
      await page.getByRole('button', { name: 'Add to the timeline' }).click();
      await expect(page.getByTestId('timeline')).toContainText('Support ticket with the .env attached was opened');
      await markRequired(page, 'assess');
      await complete(page, 'Assess', 'Step 3: Rotate');

      // 3. Rotate: every secret through rotate-all in dependency order, then the revocation commands.
      await expect(page.getByTestId('item-rotate.sessions')).toContainText("grep -E '^session:[A-Za-z0-9_-]{43}$'");
      await expect(page.getByTestId('item-rotate.share-links')).toContainText(
        'UPDATE share_tokens SET revoked_at = now() WHERE revoked_at IS NULL;',
      );
      await expect(page.getByTestId('rotation-unavailable')).toHaveCount(0);
      await page.getByRole('button', { name: 'Rotate all in dependency order' }).click();
      await expect(page.getByTestId('rotation-progress')).toContainText(
        `${String(ROTATABLE.length)} of ${String(ROTATABLE.length)} rotated — finished`,
        { timeout: 90_000 },
      );
      await expect(page.getByTestId('item-rotate.secrets').getByTestId('tick-time')).toContainText('Done');
      const env = envValues(parseEnv(readFileSync(join(folder, '.env'), 'utf8')));
      const state = await harness.core.store.read();
      for (const v of ROTATABLE) {
        const now = (await kc.get(serviceFor(id), v)) ?? '';
        expect(now, v).not.toBe(OLD[v]);
        expect(env.get(v), v).not.toBe(OLD[v]);
        expect(state.secrets[id]?.[v]?.generation, v).toBeGreaterThanOrEqual(2);
        newValues.push(now);
      }
      expect(readFileSync(docker.log, 'utf8')).not.toMatch(/ARGV .*restart/);
      await markRequired(page, 'rotate', ['rotate.secrets']);
      await complete(page, 'Rotate', 'Step 4: Review logs');

      // 4. Review logs.
      await expect(page.getByTestId('item-logs.secrets-in-logs')).toContainText(
        '[redis] Initializing standard Redis client from URL',
      );
      await markRequired(page, 'review-logs');
      await complete(page, 'Review logs', 'Step 5: Notify');

      // 5. Notify: the notice is filled from the incident and copied by main.
      await expect(page.getByTestId('notice')).toContainText('.env leaked in a support ticket');
      await expect(page.getByTestId('notice')).toContainText(
        'login sessions (whoever holds one is logged in) and the state of running debates',
      );
      // Generated from what happened: every secret replaced (by what it protects), sessions ended with Redis.
      for (const replaced of [
        'the login password',
        'the password of the session store',
        'the database password',
        'the key that encrypts stored provider API keys',
      ])
        await expect(page.getByTestId('notice')).toContainText(new RegExp(`Replaced [^.]*${replaced}`));
      await expect(page.getByTestId('notice')).toContainText('Log in again: every existing login session was ended.');
      await expect(page.getByTestId('notice')).not.toContainText('Not done yet');
      await expect(page.getByTestId('notice')).not.toContainText('signed with it');
      await page.getByLabel(/Add to the notice/).fill('Questions: security@example.org');
      await page.getByRole('button', { name: 'Update the notice' }).click();
      await expect(page.getByTestId('notice')).toContainText('security@example.org');
      await page.getByRole('button', { name: 'Copy the notice' }).click();
      await expect(page.getByText('The notice is on the clipboard.')).toBeVisible();
      expect(harness.platform.clipboardText()).toContain('What you should do');
      await markRequired(page, 'notify');
      await complete(page, 'Notify', 'Step 6: Document');

      // 6. Document: export copies (HTML and Markdown), then close: closing completes Document and writes the final report.
      await expect(page.getByTestId('item-document.export')).not.toContainText('(optional) (optional)');
      const html = join(app.home, 'report.html');
      harness.platform.queueSaveFile(html);
      await page.getByRole('button', { name: 'Export a printable copy (HTML)…' }).click();
      await expect(page.getByTestId('export-status')).toContainText('Saved report.html');
      await expect(page.getByTestId('item-document.export').getByTestId('tick-time')).toContainText('Done');
      const md = join(app.home, 'report.md');
      harness.platform.queueSaveFile(md);
      await page.getByRole('button', { name: 'Export a copy (Markdown)…' }).click();
      await expect(page.getByTestId('export-status')).toContainText('Saved report.md');
      await markRequired(page, 'document');
      await page
        .getByLabel('Summary (what happened, what was done)')
        .fill('Contained the same day; sessions and share links revoked.');
      await page.getByRole('button', { name: 'Close and write the final report' }).click();
      await expect(page.getByTestId('incident-status')).toHaveText('closed');
      await expect(page.getByTestId('incident-banner')).toHaveCount(0);
      await expect(page.getByTestId('final-report')).toContainText(join(app.home, 'incidents'));
      const [closedInc] = await harness.core.incident.list();
      const finalPaths = (await harness.core.incident.view(closedInc?.id ?? '')).incident.finalReport;
      expect(finalPaths).not.toBeNull();
      for (const file of [finalPaths?.markdown ?? '', finalPaths?.html ?? '']) {
        const text = readFileSync(file, 'utf8');
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect(text).toContain('Contained the same day');
        expect(text).not.toContain('still open');
        expect(text).not.toMatch(/incident report — (optional, )?not done/);
        expect(text).toContain('completed with an override: Nothing to stop: the host was off until Rotate');
        for (const v of [...Object.values(OLD).filter((x) => x !== OLD.POSTGRES_USER), ...newValues])
          expect(text).not.toContain(v);
      }
      expect(readFileSync(finalPaths?.markdown ?? '', 'utf8')).toContain('| Status | closed |');
      expect(readFileSync(finalPaths?.markdown ?? '', 'utf8')).toMatch(
        /### Document\n\nStarted [^;]+; completed \d{4}-/,
      );

      for (const file of [html, md]) {
        const text = readFileSync(file, 'utf8');
        expect(statSync(file).mode & 0o777).toBe(0o600);
        for (const v of [...Object.values(OLD).filter((x) => x !== OLD.POSTGRES_USER), ...newValues])
          expect(text).not.toContain(v);
        expect(text).toContain('.env leaked in a support ticket');
        expect(text).toContain('REDIS_PASSWORD');
        expect(text).toContain('Support ticket with the .env attached was opened');
        expect(text).toContain('The host has no public interface');
      }
      expect(readFileSync(md, 'utf8')).toContain('[-] Stop the frontend and the api — skipped');
      expect(readFileSync(md, 'utf8')).not.toMatch(/incident report — (optional, )?not done/);
      // The closed incident's final report (CLI path of the same service) also names no value.
      const [closed] = await harness.core.incident.list();
      const final = await harness.core.incident.report(closed?.id ?? '');
      expect(final.markdown).toContain('Contained the same day');
      expect(final.markdown + final.html).not.toContain(canary);
      expect(harness.logLines.join('\n')).not.toContain(canary);
      expect(problems).toEqual([]);
    } finally {
      for (const e of await kc.list(serviceFor(id))) await kc.delete(serviceFor(id), e.account);
      await context.close();
      await harness.close();
      rmSync(home, { recursive: true, force: true });
      rmSync(docker.bin, { recursive: true, force: true });
    }
  });
});

/**
 * Issue 17, item 5: the case that was accepted before. "Rotate all" fails on the first secret (docker cannot
 * reach its daemon); "Complete Rotate" is then refused: the page names the shortfall and completes the step
 * only with an override and its reason, which the report states.
 */
test('a failed rotate-all refuses "Complete Rotate" until an override with a reason; the report says so', async ({
  browser,
}) => {
  test.skip(process.env.E2E_TARGET === 'electron', 'harness only (fake docker on PATH)');
  test.setTimeout(120_000);
  const home = mkdtempSync(join(tmpdir(), 'cs-e2e-incident-fail-'));
  const bin = join(home, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'docker'),
    '#!/bin/sh\ncat > /dev/null\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2\nexit 1\n',
    { mode: 0o755 },
  );
  const harness = await startHarness({ home, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  const id = `e2e-incf-${randomBytes(3).toString('hex')}`;
  await seedDeployment(harness, home, { id, name: 'Failing rotation' }, () => ['docker-compose.yml']);
  const kc = await harness.core.keychains.get();
  try {
    // Isolate and Assess done through the core (the first test drives them in the window).
    const { incident } = await harness.core.incident.start(id, 'Leaked .env, docker down');
    for (const step of ['isolate', 'assess'] as const) {
      if (step === 'assess')
        await harness.core.incident.answer(incident.id, {
          whatExposed: 'The .env',
          since: null,
          secrets: ['REDIS_PASSWORD'],
          users: 'All',
        });
      for (const item of itemsOfStep(step).filter((i) => i.required))
        await harness.core.incident.tick(incident.id, item.id, 'done');
      await harness.core.incident.completeStep(incident.id, step);
    }

    await page.goto(`${harness.url}#/incident/${incident.id}`);
    await expect(page.getByTestId('step-heading')).toContainText('Step 3: Rotate', { timeout: 15_000 });
    await page.getByRole('button', { name: 'Rotate all in dependency order' }).click();
    await expect(page.getByTestId('rotation-progress')).toContainText(/^0 of \d+ rotated/, { timeout: 60_000 });
    await expect(page.locator('.rotation-list li[data-status="failed"]')).toHaveCount(1);
    await markRequired(page, 'rotate', ['rotate.secrets']);

    // No plain "Complete Rotate": the shortfall is named, and the override needs a reason.
    await expect(page.getByRole('button', { name: 'Complete Rotate', exact: true })).toHaveCount(0);
    await expect(page.getByTestId('unmet-essentials')).toContainText(/0 of \d+ rotated; [A-Z_]+ failed/);
    const override = page.getByRole('button', { name: 'Complete Rotate with an override' });
    await expect(override).toBeDisabled();
    // The core refuses it too (the window is not the only guard).
    await expect(harness.core.incident.completeStep(incident.id, 'rotate')).rejects.toMatchObject({
      code: 'INCIDENT_ESSENTIAL_NOT_DONE',
    });
    await page.getByLabel('Why complete Rotate anyway?').fill('Docker is down on the host; rotating by hand tonight');
    await override.click();
    await expect(page.getByTestId('step-heading')).toContainText('Step 4: Review logs');

    const report = await harness.core.incident.report(incident.id);
    expect(report.markdown).toContain(
      'completed with an override: Docker is down on the host; rotating by hand tonight',
    );
    expect(report.markdown).toMatch(/0 of \d+ rotated; [A-Z_]+ failed/);
    for (const v of Object.values(OLD).filter((x) => x !== OLD.POSTGRES_USER))
      expect(report.markdown + report.html).not.toContain(v);
    const journal = await harness.core.journal.read({ deploymentId: id });
    expect(JSON.stringify(journal)).toContain('Docker is down on the host');
    expect(problems).toEqual([]);
  } finally {
    for (const e of await kc.list(serviceFor(id))) await kc.delete(serviceFor(id), e.account);
    await context.close();
    await harness.close();
    rmSync(home, { recursive: true, force: true });
  }
});
