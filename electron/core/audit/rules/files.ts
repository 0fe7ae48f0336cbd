import type { Finding } from '../../../common/model/finding';
import type { AuditContext, AuditRule } from '../types';
import { fixIds } from '../fix-ids';
import { gitignoreIgnores } from '../gitignore';

/** `.gitignore`, what git tracks, and the permissions of `.env` and its backups. */

function envIgnored(ctx: AuditContext): boolean {
  if (ctx.files.git?.repo) return ctx.files.git.envIgnored;
  return ctx.files.gitignore.text !== null && gitignoreIgnores(ctx.files.gitignore.text, '.env');
}

function backupIgnored(ctx: AuditContext): boolean {
  if (ctx.files.git?.repo) return ctx.files.git.backupIgnored;
  return (
    ctx.files.gitignore.text !== null && gitignoreIgnores(ctx.files.gitignore.text, '.env.bak-20260101T000000000Z')
  );
}

export const envNotIgnoredRule: AuditRule = {
  code: 'FILES_ENV_NOT_GITIGNORED',
  group: 'files',
  severity: 'error',
  title: '.env is not git-ignored',
  run: (ctx) => {
    const env = !envIgnored(ctx);
    const bak = !backupIgnored(ctx) && ctx.files.modes.some((m) => m.file.startsWith('.env.bak-'));
    if (!env && !bak) return [];
    const repo = ctx.files.git?.repo === true;
    const what = env && bak ? '.env and its backups are' : env ? '.env is' : 'the backups of .env are';
    return [
      {
        code: 'FILES_ENV_NOT_GITIGNORED',
        severity: repo ? 'error' : 'warning',
        title: `${what.replace(/ (is|are)$/, '')} not in .gitignore`,
        message: `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} not ignored by git${repo ? '; a `git add .` or `git commit -a` would commit every secret' : ' (the folder is not a git repository today, but checkouts often become one)'}.`,
        howToFix: 'Add the lines `.env` and `.env.bak-*` to .gitignore.',
        file: '.gitignore',
        evidence: ctx.files.gitignore.exists
          ? `.gitignore has no pattern matching ${env ? '.env' : '.env.bak-*'}${repo ? ' (git check-ignore)' : ''}`
          : 'there is no .gitignore in the deployment folder',
        fixId: fixIds.gitignoreEnv(),
      },
    ];
  },
};

export const envTrackedRule: AuditRule = {
  code: 'FILES_ENV_TRACKED',
  group: 'files',
  severity: 'critical',
  title: '.env or a backup of it is tracked by git',
  run: (ctx) =>
    (ctx.files.git?.tracked ?? []).map((f): Finding => ({
      code: f === '.env' ? 'FILES_ENV_TRACKED' : 'FILES_BACKUP_TRACKED',
      severity: 'critical',
      title: `${f} is tracked by git`,
      message: `${f} is in the repository, so its secrets are in the git history and in every clone and push of it.`,
      howToFix: `Run git rm --cached ${f}, add it to .gitignore, commit, and rotate every secret it held: removing it from the repository does not remove it from the history or from copies already pushed.`,
      file: f,
      evidence: `git ls-files lists ${f}`,
    })),
};

export const envModeRule: AuditRule = {
  code: 'FILES_ENV_READABLE',
  group: 'files',
  severity: 'error',
  title: '.env or a backup readable by other users',
  run: (ctx) =>
    ctx.files.modes
      .filter((m) => m.mode !== null && (m.mode & 0o077) !== 0)
      .map((m): Finding => {
        const backup = m.file !== '.env';
        const octal = (m.mode ?? 0).toString(8).padStart(3, '0');
        return {
          code: backup ? 'FILES_BACKUP_READABLE' : 'FILES_ENV_READABLE',
          severity: 'error',
          title: `${m.file} is readable by ${((m.mode ?? 0) & 0o007) !== 0 ? 'every user' : 'its group'}`,
          message: `${m.file} holds secrets but its mode is ${octal}: other accounts on this machine can read it.${backup ? '' : " Crucible's scripts/generate_secrets.py creates .env with the default umask (docs/crucible.md#the-env-file-mode)."}`,
          howToFix: `chmod 600 ${m.file}`,
          file: m.file,
          evidence: `mode ${octal}`,
          fixId: fixIds.chmod600(m.file),
        };
      }),
};

export const envMissingRule: AuditRule = {
  code: 'ENV_FILE_MISSING',
  group: 'env',
  severity: 'error',
  title: '.env is missing',
  run: (ctx) =>
    ctx.env.exists
      ? []
      : [
          {
            code: 'ENV_FILE_MISSING',
            severity: 'error',
            title: 'The deployment has no .env',
            message:
              'There is no .env in the deployment folder: compose substitutes empty strings for every secret, and a bind mount of ./.env makes docker create a directory in its place.',
            howToFix:
              'Generate the .env with the setup wizard (or crucible-secrets generate) before starting the stack.',
            file: '.env',
            evidence: 'no .env in the deployment folder',
          },
        ],
};

export const rotationLeftoverRule: AuditRule = {
  code: 'FILES_ROTATION_LEFTOVER',
  group: 'files',
  severity: 'warning',
  title: 'Rotation export or SQL file left in the deployment folder',
  run: (ctx) =>
    (ctx.files.leftovers ?? []).map((f) => ({
      code: 'FILES_ROTATION_LEFTOVER',
      severity: 'warning' as const,
      title: `${f} is left in the deployment folder`,
      message: `${f} was written by an API_KEY_ENCRYPTION_KEY rotation: it holds every user's stored provider keys, encrypted (with the previous or the new key; if the previous key was Crucible's built-in fallback, anyone can decrypt them). It is not needed once the rotation is confirmed or rolled back.`,
      howToFix: `Delete ${f} once the rotation is finished (current versions keep these files in the app's own folder and delete them themselves).`,
      file: f,
      evidence: `${f} exists`,
    })),
};

export const plaintextDumpRule: AuditRule = {
  code: 'FILES_PLAINTEXT_DUMP',
  group: 'files',
  severity: 'warning',
  title: 'Unencrypted database dump in the deployment folder',
  run: (ctx) =>
    (ctx.files.plaintextDumps ?? []).map((f) => ({
      code: 'FILES_PLAINTEXT_DUMP',
      severity: 'warning' as const,
      title: `${f} looks like an unencrypted database dump`,
      message: `A pg_dump of Crucible's database holds every user's sessions, data and encrypted provider keys. Unencrypted in the deployment folder, it is one \`git add\`, backup job or copied folder away from leaking; the security guide says to encrypt database backups.`,
      howToFix: `Encrypt it and delete the plain file: crucible-secrets dumps encrypt --out ${f}.age < ${f} && rm ${f} (dumps the app takes itself are encrypted and kept in its own folder).`,
      file: f,
      evidence: `${f} exists`,
    })),
};

export const buildContextEnvRule: AuditRule = {
  code: 'FILES_ENV_IN_BUILD_CONTEXT',
  group: 'files',
  severity: 'warning',
  title: '.env file inside an image build context',
  run: (ctx) =>
    ctx.files.inBuildContext.map((f) => ({
      code: 'FILES_ENV_IN_BUILD_CONTEXT',
      severity: 'warning' as const,
      title: `${f} would be copied into a locally built image`,
      message: `Crucible's service and frontend folders have no .dockerignore, so ${f} is baked into any image built on this machine and readable by whoever gets the image.`,
      howToFix: `Delete ${f} (the stack reads the top-level .env), or add a .dockerignore listing .env*.`,
      file: f,
      evidence: `${f} exists`,
    })),
};
