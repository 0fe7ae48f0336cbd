import { describe, expect, expectTypeOf, it } from 'vitest';
import { AppError, ERROR_CODES, type ErrorCode } from '../../../electron/common/errors';
import { ErrorShape, type ErrorCode as ErrorCodeSchemaType } from '../../../electron/common/ipc/error-shape';
import {
  Environment as EnvironmentSchema,
  type Environment as EnvironmentSchemaType,
} from '../../../electron/common/model/deployment';
import { ENVIRONMENTS, isEnvironment, type Environment } from '../../../electron/common/model/environment';
import {
  Severity as SeveritySchema,
  type Severity as SeveritySchemaType,
} from '../../../electron/common/model/finding';
import { SEVERITIES, type Severity } from '../../../electron/common/model/severity';
import { JOURNAL_TYPES, JournalInput } from '../../../electron/core/journal/journal';
import { diffSecretNames, secretVariablesFrom } from '../../../electron/core/audit/secret-variables';
import { crucibleCeProfile } from '../../../electron/core/stack/crucible-ce';
import { href, route } from '../../../renderer/src/router';

/**
 * Error codes, journal types and routes are typed lists: a misspelt one fails to compile (the
 * `@ts-expect-error` lines below fail the typecheck if it ever compiles), and the lists themselves are sound.
 */
describe('typed names', () => {
  it('lists each error code once, in the wire format, and the IPC error shape accepts only those', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const c of ERROR_CODES) expect(c).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(ErrorShape.safeParse({ code: 'BACKUP_WRONG_PASSPHRASE', message: 'm' }).success).toBe(true);
    expect(ErrorShape.safeParse({ code: 'BACKUP_WRONG_PASSWORD', message: 'm' }).success).toBe(false);
    // The zod-free type (errors.ts, loaded by every CLI command) and the IPC schema's type are one list.
    expectTypeOf<ErrorCode>().toEqualTypeOf<ErrorCodeSchemaType>();
    // @ts-expect-error a code that is not in the list does not compile
    expect(new AppError('BACKUP_WRONG_PASSWORD', 'm').code).toBe('BACKUP_WRONG_PASSWORD');
  });

  it('the zod-free lists (read by the CLI without loading zod, issue 20) and the IPC schemas built on them agree', () => {
    expectTypeOf<Environment>().toEqualTypeOf<EnvironmentSchemaType>();
    expectTypeOf<Severity>().toEqualTypeOf<SeveritySchemaType>();
    expect(EnvironmentSchema.options).toEqual([...ENVIRONMENTS]);
    expect(SeveritySchema.options).toEqual([...SEVERITIES]);
    expect(ENVIRONMENTS.filter(isEnvironment)).toEqual([...ENVIRONMENTS]);
    expect(isEnvironment('local')).toBe(false);
  });

  it('lists each journal type once and refuses an unlisted one at run time too', () => {
    expect(new Set(JOURNAL_TYPES).size).toBe(JOURNAL_TYPES.length);
    for (const t of JOURNAL_TYPES) expect(t).toMatch(/^[a-z]+(\.[a-z-]+)+$/);
    const typo: JournalInput = {
      // @ts-expect-error a journal type that is not in the list does not compile
      type: 'secret.revaeled',
    };
    expect(JournalInput.safeParse(typo).success).toBe(false);
    expect(JournalInput.safeParse({ type: 'secret.revealed' }).success).toBe(true);
  });

  it('builds links through the route helpers, encoding each part', () => {
    expect(href(route.rotation('dev one', 'REDIS_PASSWORD'))).toBe('#/rotation/dev%20one/REDIS_PASSWORD');
    expect(href(route.rotation(undefined, 'REDIS_PASSWORD'))).toBe('#/rotation');
    expect(href(route.secrets())).toBe('#/secrets');
    expect(href(route.crucible('the-login-password'))).toBe('#/crucible/the-login-password');
    // @ts-expect-error a hand-built path is not a route
    expect(href('/backup')).toBe('#/backup');
  });
});

describe('secret variables come from the profile', () => {
  it('derives the required secrets (those the service needs to start) from the profile', () => {
    const sets = secretVariablesFrom(crucibleCeProfile.variables);
    expect([...sets.required].sort()).toEqual([
      'API_KEY_ENCRYPTION_KEY',
      'POSTGRES_PASSWORD',
      'POSTGRES_USER',
      'REDIS_PASSWORD',
      'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
      'ROUNDTABLE_JWT_REFRESH_SECRET',
      'ROUNDTABLE_JWT_SECRET',
    ]);
    expect(sets.secret.has('POSTGRES_USER')).toBe(false);
    expect(sets.secret.has('ROUNDTABLE_OPENROUTER_API_KEY')).toBe(true);
  });

  it('withholds legacy secrets in diffs, but not user names or URLs', () => {
    const names = diffSecretNames(crucibleCeProfile.variables);
    expect(names).toEqual(
      expect.arrayContaining(['ROUNDTABLE_ADMIN_PASSWORD_HASH', 'NEXTAUTH_SECRET', 'API_KEY_ENCRYPTION_KEY']),
    );
    expect(names).not.toContain('POSTGRES_USER');
    expect(names).not.toContain('ROUNDTABLE_DATABASE_URL');
  });
});
