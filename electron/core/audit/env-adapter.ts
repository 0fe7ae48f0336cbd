import type { Finding } from '../../common/model/finding';
import type { Environment } from '../../common/model/deployment';
import { envValues, parseEnv } from '../envfile';

/**
 * The audit's seam to the `.env` engine (issue 3: `core/envfile` parses, `core/validation` checks).
 * The audit needs two things: the values (to resolve `${VAR}` in compose files and to fingerprint secrets)
 * and check-env's findings. Without them in AuditDeps, `readEnvValues` below (the engine's own reader) gives
 * the values, and check-env contributes nothing beyond "the file is missing".
 */
/**
 * `composeRequired`: variables the compose files require with `${VAR:?}` that compose found missing, so that
 * check-env reports them as start failures too (not as advice).
 */
export type EnvValidator = (
  text: string,
  environment: Environment,
  composeRequired?: ReadonlyArray<{ name: string; emptyRefused: boolean }>,
) => Finding[];
export type EnvReader = (text: string) => Map<string, string>;

/**
 * The values compose hands on from a `.env` text, read by the `.env` engine (envfile: compose v2's parser and
 * interpolation). Never throws: where compose would refuse the file, the values are those the parser recovers
 * (check-env reports the problem).
 */
export const readEnvValues: EnvReader = (text) => envValues(parseEnv(text, { skipPythonComparison: true }));

/** The fallback validator: nothing beyond what the audit's own rules report. */
export const noEnvValidation: EnvValidator = () => [];
