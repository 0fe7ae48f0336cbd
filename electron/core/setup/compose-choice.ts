import { AppError } from '../../common/errors';
import { defaultComposeSet, type ComposeChoice, type ComposeSet } from '../../common/model/compose-choice';
import type { Environment } from '../../common/model/deployment';
import type { FolderFacts } from './detect';

/**
 * Step 3 of the wizard (with the environment): which compose files the deployment runs with. The choice is
 * recorded in the deployment (DeploymentRef.composeFiles) and read by the audit, rotation, the front door and
 * every command the app prints, so it is validated against what detection found in the folder.
 */

/** What the admin chose: one of the offered sets, or (CLI `--compose-file`) an explicit list of files. */
export type ComposeSelection = { set: ComposeSet } | { files: readonly string[] };

/** `COMPOSE_FILE` split as compose splits it (`COMPOSE_PATH_SEPARATOR`, default `:`), `./` dropped. */
function composeFileEntries(env: ReadonlyMap<string, string> | null): string[] | null {
  const raw = env?.get('COMPOSE_FILE');
  if (raw === undefined || raw.trim() === '') return null;
  const sep = env?.get('COMPOSE_PATH_SEPARATOR') ?? ':';
  return raw
    .split(sep)
    .map((s) => s.trim().replace(/^\.\//, ''))
    .filter((s) => s !== '');
}

/**
 * The sets this folder offers: the default set (base + override) when a default file exists, the production
 * file when present, and the files `COMPOSE_FILE` in the existing `.env` names (usable only when each is a
 * compose file detection found, since only those are read and checked).
 */
export function composeChoices(facts: FolderFacts, env: ReadonlyMap<string, string> | null): ComposeChoice[] {
  const base = facts.composeFiles.find((f) => f.role === 'default');
  const override = facts.composeFiles.find((f) => f.role === 'override');
  const prod = facts.composeFiles.find((f) => f.role === 'production');
  const out: ComposeChoice[] = [];
  if (base) out.push({ set: 'default', files: override ? [base.name, override.name] : [base.name], available: true });
  if (prod) out.push({ set: 'production', files: [prod.name], available: true });
  const entries = composeFileEntries(env);
  if (entries) {
    const known = new Set(facts.composeFiles.map((f) => f.name));
    const unknown = entries.filter((e) => !known.has(e));
    out.push(
      unknown.length === 0
        ? { set: 'env', files: entries, available: true }
        : {
            set: 'env',
            files: entries,
            available: false,
            note: `COMPOSE_FILE in .env names ${unknown.join(', ')}, which is not a compose file in the deployment folder. Correct COMPOSE_FILE, or choose another set.`,
          },
    );
  }
  return out;
}

/**
 * The files of a selection (or of the default set for the environment when nothing was chosen).
 * @throws AppError SETUP_COMPOSE_CHOICE when the set is not offered here, or a named file is not a compose file
 *   detected in the folder, is named twice, or the list is empty.
 */
export function resolveComposeSelection(
  facts: FolderFacts,
  choices: readonly ComposeChoice[],
  selection: ComposeSelection | null,
  environment: Environment | null,
): string[] {
  if (selection === null || 'set' in selection) {
    const set = selection?.set ?? defaultComposeSet(choices, environment);
    const choice = choices.find((c) => c.set === set);
    if (!choice)
      throw new AppError(
        'SETUP_COMPOSE_CHOICE',
        set === 'production'
          ? 'The deployment folder has no docker-compose.prod.yml. Choose the default compose files.'
          : set === 'env'
            ? 'The existing .env sets no COMPOSE_FILE. Choose the default compose files or the production file.'
            : 'The deployment folder has no default compose file (docker-compose.yml or compose.yaml). Choose another set.',
      );
    if (!choice.available) throw new AppError('SETUP_COMPOSE_CHOICE', choice.note ?? 'This set cannot be used here.');
    return [...choice.files];
  }
  const detected = facts.composeFiles.map((f) => f.name);
  const files = selection.files.map((f) => f.replace(/^\.\//, ''));
  if (files.length === 0)
    throw new AppError('SETUP_COMPOSE_CHOICE', `Name at least one compose file: ${detected.join(', ')}.`);
  for (const f of files) {
    if (!detected.includes(f))
      throw new AppError(
        'SETUP_COMPOSE_CHOICE',
        `${f} is not a compose file in the deployment folder. The folder holds ${detected.join(', ')}; name those.`,
      );
  }
  const twice = files.find((f, i) => files.indexOf(f) !== i);
  if (twice !== undefined)
    throw new AppError('SETUP_COMPOSE_CHOICE', `${twice} is named twice. Name each compose file once.`);
  return files;
}
