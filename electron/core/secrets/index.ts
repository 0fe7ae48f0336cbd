/**
 * Secret generation (CSPRNG, unbiased alphabets, entropy recorded), password strength, and the
 * generation of a complete new `.env` from a stack profile.
 */
export {
  ALPHABETS,
  cryptoRandom,
  entropyBits,
  generatePassword,
  generateSecret,
  randomString,
  type GenerateOptions,
  type GeneratedSecret,
  type RandomSource,
} from './generate';
export { createStrengthChecker, type StrengthChecker, type StrengthReport } from './strength';
export { generateNewEnv, type NewEnvOptions, type NewEnvResult } from './new-env';
