import type { Finding } from '../../common/model/finding';
import { composeProjectFromParsed } from '../../core/compose/load';
import { parseComposeFile } from '../../core/compose/parse-file';
import { composeRequiredVariables } from '../../core/compose/required-variables';
import type { StackProfile } from '../../core/stack/profile';
import { decidedByCompose } from '../../core/validation/compose-decides';

/*
 * What check-env takes from the compose files beside the `.env`. check-env.ts imports this module only when
 * there are some: it loads the `yaml` library, which a lone `.env` never needs (issue 20: start time).
 */

/** A compose file's name (relative to the `.env`'s folder) and its text. */
export interface ComposeText {
  file: string;
  text: string;
}

/** The variables the files require with `${VAR:?}` / `${VAR?}` (compose/required-variables.ts). */
export function requiredByCompose(compose: readonly ComposeText[]): Array<{ name: string; emptyRefused: boolean }> {
  return composeRequiredVariables(compose.map((c) => c.text));
}

/**
 * The files decide which variables have no effect (validation/compose-decides.ts), as in the audit; when
 * they do not parse, the profile's judgement stands.
 */
export function withComposeVerdicts(
  findings: Finding[],
  compose: readonly ComposeText[],
  values: ReadonlyMap<string, string>,
  profile: StackProfile,
): Finding[] {
  try {
    const parsed = compose.map((c) => parseComposeFile(c.text, c.file, '/', (n) => values.get(n)));
    return decidedByCompose(findings, composeProjectFromParsed('/', parsed), values, profile);
  } catch {
    return findings;
  }
}
