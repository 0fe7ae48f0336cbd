/** Validation of a parsed `.env` against a stack profile → `Finding[]` (never containing values). */
export {
  ADVICE_PREFIX,
  checkEnv,
  environmentOf,
  exitCodeFor,
  parseCorsOrigins,
  type CheckEnvOptions,
} from './check-env';
export { isPydanticBool, pydanticInt } from './checks';
