import { envValues, parseEnvStrict } from '../envfile';
import type { EnvReader } from './drift';

/**
 * Drift reads the `.env` exactly as docker compose v2 hands it on (core/envfile: quotes, escapes,
 * `${…}` interpolation, last duplicate wins).
 * @throws AppError ENV_PARSE_ERROR when compose would refuse the file (drift cannot be judged then).
 */
export const composeEnvReader: EnvReader = (text) => envValues(parseEnvStrict(text, { skipPythonComparison: true }));
