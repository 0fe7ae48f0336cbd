/**
 * Stack profiles: the data that drives generation, validation and rotation.
 * `crucibleCeProfile` is the built-in profile of Crucible Community Edition.
 */
export * from './profile';
export * from './profile-lookup';
export {
  crucibleCeProfile,
  newEnvVariables,
  CRUCIBLE_WEAK_VALUES,
  CRUCIBLE_FALLBACK_ENCRYPTION_KEY,
  CRUCIBLE_STOCK_CORS,
} from './crucible-ce';
