import { AppError } from '../../common/errors';
import { isLiteralValue } from '../compose/interpolate';
import { parseComposeFile } from '../compose/parse-file';
import { redactDiff, type DiffSecrets } from '../compose/redact-diff';
import { replaceEnvironmentValue, unifiedDiff } from '../compose/yaml-edit';
import type { ComposeFileFact } from './detect';

/**
 * Both stock compose files hard-code `ROUNDTABLE_CORS_ORIGINS=http://localhost:3000` under the api's
 * `environment:`; that beats `.env`, so production mode can never start (crucible-facts.md §0.3, §1.1).
 * The fix makes compose take the value from `.env` instead. It is a comment-preserving edit
 * (compose/yaml-edit.ts) shown as a diff before anything is written.
 */
export const CORS_VARIABLE = 'ROUNDTABLE_CORS_ORIGINS';
/** What the entry becomes: compose interpolates it from the project `.env`, and fails loudly if it is unset. */
export const CORS_FROM_ENV = '${ROUNDTABLE_CORS_ORIGINS:?set ROUNDTABLE_CORS_ORIGINS in .env}';

export interface CorsFix {
  file: string;
  services: string[];
  before: string;
  after: string;
  /** For display only: secrets on its context lines are withheld (compose/redact-diff.ts). */
  diff: string;
}

/** Services of one compose text whose `environment:` sets CORS to a literal (no `${…}`); none when it does not parse. */
export function servicesHardCodingCors(text: string): string[] {
  let services;
  try {
    // Read by the compose reader; only the values as written matter here, so nothing is looked up.
    services = parseComposeFile(text, 'compose file', '.', () => undefined).services;
  } catch (e) {
    if (e instanceof AppError) return [];
    throw e;
  }
  return services
    .filter((s) => {
      const raw = s.environment.get(CORS_VARIABLE)?.raw ?? null;
      return raw !== null && isLiteralValue(raw);
    })
    .map((s) => s.name);
}

/**
 * The fix for every compose file that hard-codes CORS, or an empty list. The diff's context lines are the
 * api's `environment:` block, next to the JWT secrets and the encryption key: it is redacted with `secrets`
 * (the profile's secret names and the `.env`'s values) before it goes anywhere.
 * @throws AppError COMPOSE_EDIT_FAILED when a file cannot be edited safely (the admin edits it by hand).
 */
export function planCorsFixes(files: readonly ComposeFileFact[], secrets: DiffSecrets = {}): CorsFix[] {
  const fixes: CorsFix[] = [];
  for (const f of files) {
    const services = servicesHardCodingCors(f.text);
    if (services.length === 0) continue;
    let after = f.text;
    for (const s of services) after = replaceEnvironmentValue(after, s, CORS_VARIABLE, CORS_FROM_ENV);
    fixes.push({
      file: f.name,
      services,
      before: f.text,
      after,
      diff: redactDiff(unifiedDiff(f.name, f.text, after), secrets),
    });
  }
  return fixes;
}
