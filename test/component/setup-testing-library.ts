// The full suite runs two workers on two cores beside the keychain, Postgres and the live bed: the default
// one-second wait for findBy/waitFor is too short there, and a slow render must not read as a failure.
// Only files that run in a DOM (component tests) load testing-library at all.
if (typeof window !== 'undefined') {
  const { configure } = await import('@testing-library/react');
  configure({ asyncUtilTimeout: 5_000 });
}
export {};
