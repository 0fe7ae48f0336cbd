/** Validation of a parsed `.env` against a stack profile → `Finding[]` (never containing values). */
export { checkEnv, environmentOf, exitCodeFor, parseCorsOrigins, type CheckEnvOptions } from './check-env';
