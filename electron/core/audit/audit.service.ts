import { randomBytes } from 'node:crypto';
import { AppError } from '../../common/errors';
import type { DashboardEntryView } from '../../common/ipc/audit.ipc';
import type { DeploymentRef } from '../../common/model/deployment';
import type { Finding } from '../../common/model/finding';
import { worstSeverity } from '../../common/model/severity';
import { APP_VERSION } from '../app-meta';
import { envValues, parseEnv } from '../envfile';
import { writeFileAtomic } from '../fs/atomic-write';
import type { Journal } from '../journal/journal';
import type { Keychain } from '../keychain/keychain';
import type { Logger } from '../log/logger';
import { assertNoSecretText } from '../log/secret-text';
import type { StackProfile } from '../stack/profile';
import type { StateStore } from '../store/state-store';
import { checkEnv } from '../validation';
import { checklistAttention, evaluateChecklist, type ChecklistItemState } from '../checklist/evaluate';
import { gatherAuditFacts, type AuditFacts } from '../checklist/evidence';
import type { FirewallFact } from '../checklist/firewall';
import type { ProxyConfigLocator } from '../proxy/audit-rules';
import { checklistItem } from '../checklist/items';
import { newestBackups } from '../backup/freshness';
import { policyItems, rotationAttention } from '../rotation/policy';
import { redactDiff as redactComposeDiff } from '../compose/redact-diff';
import { buildAuditContext, MAX_ENV_BYTES, readEnvSnapshot } from './context';
import { hostFolderReader } from '../host/folder-reader';
import type { DeploymentHost } from '../host/host';
import { parseLocation, type Location } from '../host/location';
import { createOtherFingerprints } from './other-fingerprints';
import type { EnvReader, EnvValidator } from './env-adapter';
import { applyFix, planFix, type AppliedFix, type FixPlan } from './fixes';
import { keychainFollowsHash } from './env-fixes';
import { parseFixId } from './fix-ids';
import { renderHtml, renderMarkdown, reportFileName } from './report';
import { runAudit } from './run';
import { diffSecretNames, secretVariablesFrom } from './secret-variables';
import type { AuditContext, AuditResult, AuditTarget } from './types';

/**
 * The audit feature as the IPC handlers and the CLI use it: audits of registered deployments (or a folder),
 * fix previews and applications (journaled, followed by a fresh audit), the checklist with the admin's
 * ticks (kept in the state store), the report, and the dashboard summary.
 */
export interface AuditServiceDeps {
  store: StateStore;
  journal: Journal;
  logger: Logger;
  clock: () => Date;
  profile: StackProfile;
  /** `git` by default; null skips the git checks. */
  gitBinary?: string | null;
  platform?: NodeJS.Platform;
  random?: (n: number) => Buffer;
  /** The keychain of the admin's choice: its values are refused in checklist notes (log/secret-text.ts). */
  keychain?: () => Promise<Keychain>;
  /** Opens the host of a deployment on a server (`ssh://`), whose files the audit then reads there. */
  openHost?: (location: Location) => DeploymentHost;
  /** Where the previous `.env` is kept when a fix rewrites it (fs/previous-versions.ts); none when absent. */
  previousFolder?: (deploymentId: string) => string;
  /** bcrypt hashing for the login-password fix (hashing/bcrypt.ts at cost 12 by default). */
  hashLoginPassword?: (password: string) => Promise<string>;
  /** The checklist's evidence beside the findings (checklist/evidence.ts); tests point them at their own files. */
  checklistFacts?: { locate?: ProxyConfigLocator; firewall?: () => Promise<FirewallFact | null> };
}

export interface FixPreview {
  fixId: string;
  title: string;
  file: string;
  kind: FixPlan['kind'];
  diff: string;
  token: string;
}

/**
 * One deployment on the Dashboard. Rotations come from the rotation policy (rotation/policy.ts), the newest
 * backup from the journal's `backup.exported` entries (backup/freshness.ts), as the Rotation and Backup pages show them.
 */
export type DashboardEntry = DashboardEntryView;

export interface AuditService {
  /** Audits a registered deployment. @throws AppError DEPLOYMENT_NOT_FOUND, AUDIT_FOLDER_UNREADABLE. */
  run(deploymentId: string): Promise<AuditResult>;
  /** Audits any folder (the CLI's DIR); registered deployments are the comparison set. */
  auditTarget(target: AuditTarget): Promise<AuditResult>;
  previewFix(deploymentId: string, fixId: string): Promise<FixPreview>;
  /** Applies a previewed fix, journals it and audits again. @throws AppError FIX_STALE, FIX_NOT_OFFERED, FS_*. */
  applyFix(deploymentId: string, fixId: string, token: string): Promise<{ applied: AppliedFix; audit: AuditResult }>;
  checklist(deploymentId: string): Promise<{ items: ChecklistItemState[]; auditedAt: string | null }>;
  /**
   * Ticks (done=true) or unticks a manual or ongoing item. The note is kept in the state and the report, so
   * a note holding a secret value is refused.
   * @throws AppError CHECKLIST_UNKNOWN_ITEM, CHECKLIST_EVALUATED_ITEM, CHECKLIST_NOTE_HAS_SECRET.
   */
  tick(
    deploymentId: string,
    itemId: string,
    done: boolean,
    note?: string,
  ): Promise<{ items: ChecklistItemState[]; auditedAt: string | null }>;
  report(deploymentId: string, format: 'markdown' | 'html'): Promise<{ fileName: string; content: string }>;
  /** Writes a report made by report() (or a fresh one) to a path chosen in main's save dialog. */
  exportReport(
    deploymentId: string,
    format: 'markdown' | 'html',
    path: string,
    prepared?: { fileName: string; content: string },
  ): Promise<{ fileName: string }>;
  dashboard(): Promise<DashboardEntry[]>;
  /** The latest audit of a deployment made by this process, if any. */
  last(deploymentId: string): AuditResult | undefined;
}

const DAY = 86_400_000;

export function createAuditService(deps: AuditServiceDeps): AuditService {
  const profile = deps.profile;
  const sets = secretVariablesFrom(profile.variables);
  const diffNames = diffSecretNames(profile.variables);
  const key = (deps.random ?? randomBytes)(32);
  const readEnv: EnvReader = (text) => envValues(parseEnv(text));
  const validateEnv: EnvValidator = (text, environment, composeRequired) =>
    checkEnv(parseEnv(text), { profile, environment, file: '.env', ...(composeRequired ? { composeRequired } : {}) });
  const lastResults = new Map<string, AuditResult>();
  // The checklist's evidence from the same audit as lastResults (one evaluation feeds every view).
  const lastFacts = new Map<string, AuditFacts>();
  const otherFingerprints = createOtherFingerprints({
    fingerprintKey: key,
    secretVariables: sets.secret,
    readEnv,
    maxBytes: MAX_ENV_BYTES,
  });

  const toTarget = (d: DeploymentRef): AuditTarget => ({
    id: d.id,
    name: d.name,
    folder: d.folder,
    composeFiles: d.composeFiles,
    environment: d.environment,
  });

  async function targets(): Promise<AuditTarget[]> {
    return (await deps.store.read()).deployments.map(toTarget);
  }

  async function target(id: string): Promise<AuditTarget> {
    const t = (await targets()).find((d) => d.id === id);
    if (!t)
      throw new AppError(
        'DEPLOYMENT_NOT_FOUND',
        'This deployment is not registered (any more). Choose a deployment from the list.',
      );
    return t;
  }

  async function context(t: AuditTarget): Promise<AuditContext> {
    const base = {
      fingerprintKey: key,
      secretVariables: sets.secret,
      requiredVariables: sets.required,
      profile,
      readEnv,
      others: await targets(),
      otherFingerprints,
      gitBinary: deps.gitBinary,
      platform: deps.platform,
    };
    if (!t.folder.startsWith('ssh://')) return buildAuditContext(t, base);
    // A deployment on a server: its files, modes and git are read there, over one SSH connection.
    const loc = parseLocation(t.folder, '/');
    if (loc.kind !== 'ssh' || !deps.openHost)
      throw new AppError('AUDIT_FOLDER_UNREADABLE', 'This build cannot reach deployments on a server.');
    const host = deps.openHost(loc);
    try {
      // Paths inside the project (bind mounts, `.env`) are the server's, so the rules see the server's folder.
      return await buildAuditContext(
        { ...t, folder: loc.path },
        { ...base, platform: 'linux', reader: hostFolderReader(host, loc.path, loc.path) },
      );
    } finally {
      await host.close();
    }
  }

  async function audit(t: AuditTarget): Promise<{ ctx: AuditContext; result: AuditResult }> {
    const ctx = await context(t);
    const result = runAudit(ctx, { validateEnv, clock: deps.clock });
    lastResults.set(t.id, result);
    lastFacts.set(t.id, await gatherAuditFacts(ctx, t.folder.startsWith('ssh://'), deps.checklistFacts));
    deps.logger.info('audit.run', {
      deploymentId: t.id,
      findings: result.findings.length,
      worst: worstSeverity(result.findings),
      ms: result.durationMs,
    });
    return { ctx, result };
  }

  /** The fix must be one the current audit offers: the renderer cannot invent a change. */
  async function offered(deploymentId: string, fixId: string): Promise<{ ctx: AuditContext; finding: Finding }> {
    const { ctx, result } = await audit(await target(deploymentId));
    const finding = result.findings.find((f) => f.fixId === fixId);
    if (!finding)
      throw new AppError(
        'FIX_NOT_OFFERED',
        'This fix is no longer offered by the audit (the problem may be gone). The audit was refreshed.',
      );
    return { ctx, finding };
  }

  async function checklistOf(deploymentId: string) {
    const state = await deps.store.read();
    const ticks = state.checklists[deploymentId] ?? {};
    const result = lastResults.get(deploymentId) ?? (await audit(await target(deploymentId))).result;
    const newestBackupAt = newestBackups(await deps.journal.read({ deploymentId })).get(deploymentId) ?? null;
    const facts = { proxies: null, firewall: null, ...lastFacts.get(deploymentId), newestBackupAt };
    return {
      items: evaluateChecklist({ findings: result.findings, facts, ticks, now: deps.clock() }),
      auditedAt: result.checkedAt,
    };
  }

  return {
    run: async (id) => (await audit(await target(id))).result,
    auditTarget: async (t) => (await audit(t)).result,

    async previewFix(id, fixId) {
      const { ctx } = await offered(id, fixId);
      const plan = await planFix(ctx, fixId, deps.hashLoginPassword ? { hash: deps.hashLoginPassword } : {});
      return {
        fixId,
        title: plan.title,
        file: plan.file,
        kind: plan.kind,
        diff: redactDiff(plan.diff, ctx, diffNames),
        token: plan.token,
      };
    },

    async applyFix(id, fixId, token) {
      const { ctx, finding } = await offered(id, fixId);
      // `written` holds the new `.env` value: it only serves the keychain here and never leaves core.
      const { written, ...applied } = await applyFix(ctx, fixId, token, deps.clock, {
        keepPreviousIn: deps.previousFolder?.(id) ?? null,
        ...(deps.hashLoginPassword ? { hash: deps.hashLoginPassword } : {}),
      });
      const plain = written ? ctx.env.values.get(written.variable) : undefined;
      const keychainUpdated =
        written !== undefined &&
        plain !== undefined &&
        parseFixId(fixId)?.kind === 'env-hash-login-password' &&
        deps.keychain !== undefined &&
        (await keychainFollowsHash(await deps.keychain(), id, written.variable, plain, written.value));
      await deps.journal.append({
        type: 'fix.applied',
        deploymentId: id,
        subject: applied.file,
        details: {
          fixId,
          code: finding.code,
          kind: applied.kind,
          backupKept: applied.backupPath !== null,
          ...(keychainUpdated ? { keychainUpdated } : {}),
        },
      });
      const fresh = await audit(ctx.target);
      return { applied, audit: fresh.result };
    },

    checklist: checklistOf,

    async tick(id, itemId, done, note) {
      await target(id);
      const def = checklistItem(itemId);
      if (!def) throw new AppError('CHECKLIST_UNKNOWN_ITEM', 'This checklist item does not exist; reload the page.');
      if (def.mode === 'evaluated')
        throw new AppError(
          'CHECKLIST_EVALUATED_ITEM',
          'This item is decided by the audit; fix the findings it lists instead of ticking it.',
        );
      const text = note?.trim() ?? '';
      // A tick is the admin's word where the app has no evidence: it must say what was done (issue 22).
      if (done && text === '')
        throw new AppError(
          'CHECKLIST_NOTE_REQUIRED',
          'Write a note saying what was done (and by whom) before ticking this item; a tick without a note does not count.',
        );
      if (done) {
        const t = await target(id);
        await assertNoSecretText(
          { redactor: deps.logger.redactor, keychain: deps.keychain },
          id,
          [note],
          {
            code: 'CHECKLIST_NOTE_HAS_SECRET',
            message:
              'The note contains a secret value (or a password inside a URL). Remove it: checklist notes are kept in the app state and printed in the audit report, which never hold secret values.',
          },
          async () => {
            const env = await readEnvSnapshot(t.folder, { fingerprintKey: key, secretVariables: sets.secret, readEnv });
            return [...env.values].filter(([k]) => sets.secret.has(k)).map(([, v]) => v);
          },
        );
      }
      const at = deps.clock().toISOString();
      await deps.store.update((draft) => {
        const ticks = { ...(draft.checklists[id] ?? {}) };
        if (done) ticks[itemId] = { checkedAt: at, note: text };
        draft.checklists[id] = Object.fromEntries(Object.entries(ticks).filter(([k]) => done || k !== itemId));
      });
      await deps.journal.append({
        type: done ? 'checklist.ticked' : 'checklist.unticked',
        deploymentId: id,
        subject: itemId,
        details: done ? { withNote: true, note: text } : {},
      });
      return checklistOf(id);
    },

    async report(id, format) {
      const t = await target(id);
      const { result } = await audit(t);
      const { items } = await checklistOf(id);
      const input = { target: t, audit: result, checklist: items, generatedAt: deps.clock(), appVersion: APP_VERSION };
      return format === 'markdown'
        ? { fileName: reportFileName(input, 'md'), content: renderMarkdown(input) }
        : { fileName: reportFileName(input, 'html'), content: renderHtml(input) };
    },

    async exportReport(id, format, path, prepared) {
      const r = prepared ?? (await this.report(id, format));
      await writeFileAtomic(path, r.content, { mode: 0o600, keepPrevious: false });
      await deps.journal.append({
        type: 'report.exported',
        deploymentId: id,
        subject: r.fileName,
        details: { format },
      });
      return { fileName: r.fileName };
    },

    async dashboard() {
      const state = await deps.store.read();
      const now = deps.clock();
      const out: DashboardEntry[] = [];
      const backups = newestBackups(await deps.journal.read());
      for (const d of state.deployments) {
        let result: AuditResult | null = null;
        let error: string | null = null;
        try {
          result = (await audit(toTarget(d))).result;
        } catch (e) {
          error = e instanceof AppError ? e.message : 'The audit could not run.';
        }
        const newestBackupAt = backups.get(d.id) ?? null;
        const facts = { proxies: null, firewall: null, ...(result ? lastFacts.get(d.id) : undefined), newestBackupAt };
        const items = evaluateChecklist({
          findings: result?.findings ?? null,
          facts,
          ticks: state.checklists[d.id] ?? {},
          now,
        });
        out.push({
          deployment: { id: d.id, name: d.name, environment: d.environment },
          counts: result?.counts ?? null,
          worst: result ? worstSeverity(result.findings) : null,
          checkedAt: result?.checkedAt ?? null,
          error,
          checklist: checklistAttention(items),
          rotations: rotationAttention(policyItems(profile, state, d.id, now)),
          newestBackupAt,
          newestBackupAgeDays:
            newestBackupAt === null
              ? null
              : Math.max(0, Math.floor((now.getTime() - Date.parse(newestBackupAt)) / DAY)),
          activeIncident: state.incidents.some(
            (i) => i.deploymentId === d.id && (i.closedAt === null || i.closedAt === undefined),
          ),
        });
      }
      return out;
    },

    last: (id) => lastResults.get(id),
  };
}

/**
 * A diff shows lines of the admin's compose file around the change; a line that holds a secret (a value
 * from .env, or a secret variable with a literal value) has its value withheld before the renderer sees it.
 * The rules are shared with every other compose diff (compose/redact-diff.ts).
 */
export function redactDiff(diff: string, ctx: AuditContext, profileNames: Iterable<string>): string {
  const values = [...ctx.env.values.entries()].filter(([k]) => ctx.secretVariables.has(k)).map(([, v]) => v);
  return redactComposeDiff(diff, { names: [...ctx.secretVariables, ...profileNames], values });
}
