import type { z } from 'zod';
import type { StackProfile, Variable } from './profile';
import type { Environment } from '../../common/model/deployment';

/**
 * The built-in profile of Crucible Community Edition, written from `reference/crucible-facts.md`
 * (§2 inventory, §3 password, §5 encryption key, §7 Postgres/Redis, §9 settings, §11 contradictions,
 * §12 derived rules, and the Rotation matrix). Crucible's "production mode" (`ROUNDTABLE_ENVIRONMENT ==
 * "production"`) maps to our `production`; `staging` and `development` run Crucible's local-mode rules,
 * with the security guide's stricter rules on top where said.
 */

type VariableInput = z.input<typeof Variable>;
type RuleInput = VariableInput['rules'][number];

const ALL: Environment[] = ['production', 'staging', 'development'];
const PROD: Environment[] = ['production'];
const NON_PROD: Environment[] = ['staging', 'development'];
const PROD_STAGING: Environment[] = ['production', 'staging'];

/** `config.py`'s weak-value set, compared against `value.lower()` (facts §2.1). */
export const CRUCIBLE_WEAK_VALUES = [
  'community-secret',
  'community-refresh-secret',
  'change-me-in-production',
  'admin',
  'password',
  'secret',
  'default',
];

/** The constant fallback `encryption.py` uses when the key is unset (31 characters despite its name). */
export const CRUCIBLE_FALLBACK_ENCRYPTION_KEY = 'default-dev-key-32-bytes-long!!';

/** The CORS value both compose files hard-code (facts §1.1, §8.2). */
export const CRUCIBLE_STOCK_CORS = 'http://localhost:3000';

const URLSAFE = 'A-Za-z0-9_-';
/** URL-unreserved characters: the only ones safe raw inside the DB/Redis URLs compose builds (facts §7.1). */
const URL_UNRESERVED = 'A-Za-z0-9._~-';
const URL_UNRESERVED_CHECK: RuleInput['check'] = {
  type: 'charset',
  charClass: URL_UNRESERVED,
  description: 'URL-unreserved characters A-Z a-z 0-9 - . _ ~',
};

/** Low entropy whatever the length (issue 23; the security guide asks for strong random secrets): production refuses, elsewhere advises. */
function lowEntropyRules(name: string, howToFix: string): RuleInput[] {
  const why = `${name} has little entropy (a repeated character or pattern, a run, dictionary words or a placeholder from documentation); the security guide asks for strong random secrets whatever their length.`;
  return [
    {
      code: 'ENV_LOW_ENTROPY',
      check: { type: 'lowEntropy' },
      severity: 'error',
      environments: PROD,
      source: 'guide',
      why,
      howToFix,
    },
    {
      code: 'ENV_LOW_ENTROPY',
      check: { type: 'lowEntropy' },
      severity: 'warning',
      environments: NON_PROD,
      source: 'guide',
      why,
      howToFix,
    },
  ];
}

const RECREATE_NOTE =
  'Apply with `docker compose up -d <services>` (recreate); `docker compose restart` keeps the old value.';
const BACKUP_FIRST = 'Back up `.env` and take a `pg_dump` of the `roundtable` database.';

function jwtVariable(name: string, description: string, extraFacts: string[]): VariableInput {
  return {
    name,
    kind: 'secret',
    sensitive: true,
    description,
    generator: {
      type: 'random',
      alphabet: 'urlsafe',
      length: 64,
      serviceEquivalent: 'secrets.token_urlsafe(48) → 64 characters',
    },
    inNewEnv: true,
    consumers: ['api', 'worker', 'beat'],
    effect: 'compose-interpolated',
    serviceDefault: '',
    rules: [
      {
        code: 'ENV_MISSING_REQUIRED',
        check: { type: 'required', blankIsMissing: false },
        severity: 'error',
        environments: PROD,
        source: 'service',
        why: `In production mode config.py refuses to start when ${name} is empty (ValueError); validate_env.py exits 1 when it is blank.`,
        howToFix: `Generate a value with \`crucible-secrets generate\` or the Rotation page and set ${name}.`,
      },
      {
        code: 'ENV_WEAK_VALUE',
        check: { type: 'denyList', values: CRUCIBLE_WEAK_VALUES, caseInsensitive: true },
        severity: 'error',
        environments: PROD,
        source: 'service',
        why: `${name} is one of the service's known weak values; production mode refuses to start (ValueError).`,
        howToFix: `Replace ${name} with a random 64-character value.`,
      },
      {
        code: 'ENV_WEAK_VALUE',
        check: { type: 'denyList', values: CRUCIBLE_WEAK_VALUES, caseInsensitive: true },
        severity: 'warning',
        environments: NON_PROD,
        source: 'service',
        why: `${name} is one of the service's known weak values; local mode only warns.`,
        howToFix: `Replace ${name} with a random 64-character value.`,
      },
      {
        code: 'ENV_TOO_SHORT',
        check: { type: 'minLength', min: 32 },
        severity: 'error',
        environments: PROD,
        source: 'service',
        why: `${name} is shorter than 32 characters; production mode refuses to start (ValueError).`,
        howToFix: `Replace ${name} with a random 64-character value.`,
      },
      {
        code: 'ENV_TOO_SHORT',
        check: { type: 'minLength', min: 32 },
        severity: 'warning',
        environments: NON_PROD,
        source: 'service',
        why: `${name} is shorter than 32 characters; local mode only warns.`,
        howToFix: `Replace ${name} with a random 64-character value.`,
      },
      {
        code: 'ENV_MISSING_REQUIRED',
        check: { type: 'required', blankIsMissing: true },
        severity: 'warning',
        environments: NON_PROD,
        source: 'guide',
        why: `${name} is empty. Local mode silently accepts that, but the security guide asks for strong random secrets in every environment.`,
        howToFix: `Generate a random value for ${name}.`,
      },
      {
        code: 'ENV_UNSAFE_CHARSET',
        check: { type: 'charset', charClass: URLSAFE, description: 'A-Z a-z 0-9 _ -' },
        severity: 'warning',
        environments: ALL,
        source: 'derived',
        why: `${name} uses characters outside [A-Za-z0-9_-]; such values can be read differently by compose and python-dotenv (docs/crucible.md#quoting-and-characters).`,
        howToFix: `Replace ${name} with a generated value.`,
      },
      ...lowEntropyRules(
        name,
        `Replace ${name} with a random 64-character value (\`crucible-secrets generate\` or the Rotation page).`,
      ),
    ],
    rotation: {
      cost: 'low',
      playbook: 'env-and-recreate',
      servicesToRecreate: ['api', 'worker', 'beat'],
      usersLose: 'Nothing: no JWT is ever issued (sessions are opaque Redis tokens), so nobody is logged out.',
      steps: [
        BACKUP_FIRST,
        `Generate a new token_urlsafe(48)-class value (64 characters, not in the weak list).`,
        `Write it to ${name} in \`.env\`.`,
        `Recreate api, worker and beat. ${RECREATE_NOTE}`,
      ],
      verify: [
        'api, worker and beat are running again (`docker compose ps`). An api in production mode (`ROUNDTABLE_ENVIRONMENT=production` reaching it) refuses a weak value at start (service/app/core/config.py); in local mode it only warns.',
        'Logging in still works (sessions are Redis tokens; no JWT is issued).',
      ],
    },
    facts: ['§2.1', '§2.7', '§6.1', ...extraFacts, 'Rotation matrix'],
  };
}

const noEffectRule = (name: string, why: string): RuleInput => ({
  code: 'ENV_NO_EFFECT',
  check: { type: 'noEffect' },
  severity: 'info',
  environments: ALL,
  source: 'derived',
  why: `${name} ${why}`,
  howToFix: `Remove ${name} from \`.env\` so nobody relies on it.`,
});

const removeRotation = (note: string): VariableInput['rotation'] => ({
  cost: 'none',
  playbook: 'remove-from-env',
  servicesToRecreate: [],
  usersLose: 'Nothing (unused).',
  steps: [`Remove the variable from \`.env\`. ${note}`.trim()],
  verify: [],
});

function legacyVariable(name: string, description: string, sensitive: boolean, facts: string[]): VariableInput {
  return {
    name,
    kind: 'legacy',
    sensitive,
    description,
    generator: { type: 'none' },
    inNewEnv: false,
    consumers: [],
    effect: 'no-effect',
    serviceDefault: null,
    rules: [noEffectRule(name, 'is read by no code path of Crucible CE; setting it does nothing.')],
    rotation: removeRotation(''),
    facts,
  };
}

/**
 * What proves a provider key rotation, per key. `GET /api/intake/upload/config-check` cannot: it shows the
 * env key's first 7 characters, `sk-or-v` for every OpenRouter key (service/app/api/routers/intake.py).
 */
function providerKeyVerify(name: string): string[] {
  if (name === 'ROUNDTABLE_EDEN_AI_API_KEY') {
    return [
      'Nothing in Crucible uses an Eden AI key from the environment (`_get_env_api_key` in service/app/services/llm/providers/eden_ai.py is never called), so the service cannot show which key it has: check at Eden AI that only the new key is active.',
    ];
  }
  return [
    '`GET /api/intake/upload/config-check` cannot confirm the new key: it shows only the first 7 characters of the environment key, `sk-or-v…` for every OpenRouter key (service/app/api/routers/intake.py, lines 784–812).',
    'An intake upload that uses this key works, and still works once the old key is revoked at the provider: only then is the new key the one in use.',
  ];
}

function providerKey(
  name: string,
  consumers: VariableInput['consumers'],
  effect: VariableInput['effect'],
  description: string,
): VariableInput {
  return {
    name,
    kind: 'provider-key',
    sensitive: true,
    description,
    generator: {
      type: 'input',
      prompt: `${name} (optional; users can enter their own keys in Settings instead)`,
      optional: true,
    },
    inNewEnv: false,
    consumers,
    effect,
    serviceDefault: null,
    rules: [],
    rotation: {
      cost: 'low',
      playbook: 'provider-key-at-provider',
      servicesToRecreate: consumers.filter((c) => c === 'api' || c === 'worker'),
      usersLose: "The old key stops working at the provider; intake uses the env key before users' own keys.",
      steps: [
        'Create a new key at the provider and revoke the old one.',
        `Write the new key to ${name} in \`.env\`.`,
        `Recreate the consuming services. ${RECREATE_NOTE}`,
      ],
      verify: providerKeyVerify(name),
    },
    facts: ['§2.3', '§10.4', 'Rotation matrix'],
  };
}

function setting(
  name: string,
  kind: VariableInput['kind'],
  description: string,
  value: string,
  rules: RuleInput[],
  serviceDefault: string,
  facts: string[],
): VariableInput {
  return {
    name,
    kind,
    sensitive: false,
    description,
    generator: { type: 'fixed', value },
    inNewEnv: true,
    consumers: ['api'],
    effect: 'dev-api-only',
    serviceDefault,
    rules,
    rotation: {
      cost: 'none',
      playbook: 'env-and-recreate',
      servicesToRecreate: ['api'],
      usersLose: 'Nothing.',
      steps: [`Edit ${name} in \`.env\`.`, `Recreate the api. ${RECREATE_NOTE}`],
      verify: [],
    },
    facts,
  };
}

const variables: VariableInput[] = [
  // ---- The seven generated secrets (facts §2.1) -------------------------------------------------------
  {
    name: 'API_KEY_ENCRYPTION_KEY',
    kind: 'secret',
    sensitive: true,
    description:
      'Derives (PBKDF2-HMAC-SHA256, 100000 iterations, fixed salt) the Fernet key that encrypts the provider API keys users store in user_settings.provider_api_keys.',
    generator: {
      type: 'random',
      alphabet: 'urlsafe',
      length: 43,
      serviceEquivalent: 'secrets.token_urlsafe(32) → 43 characters',
    },
    inNewEnv: true,
    consumers: ['api', 'worker', 'beat'],
    effect: 'compose-interpolated',
    serviceDefault: null,
    rules: [
      {
        code: 'ENV_MISSING_REQUIRED',
        check: { type: 'required', blankIsMissing: true },
        severity: 'error',
        environments: PROD,
        source: 'service',
        why: "In production mode config.py refuses to start when API_KEY_ENCRYPTION_KEY is unset, validate_env.py (the dev api's start command) exits 1 when it is blank, and every encrypt/decrypt raises.",
        howToFix:
          'Set API_KEY_ENCRYPTION_KEY to a generated 43-character value before the first start. Never change it later without the re-encryption playbook.',
      },
      {
        code: 'ENV_MISSING_REQUIRED',
        check: { type: 'required', blankIsMissing: true },
        severity: 'error',
        environments: NON_PROD,
        source: 'service',
        why: 'validate_env.py (dev api start) exits 1 when API_KEY_ENCRYPTION_KEY is unset or blank; at runtime an unset key falls back to a constant public string.',
        howToFix: 'Set API_KEY_ENCRYPTION_KEY to a generated 43-character value.',
      },
      {
        code: 'ENV_DEFAULT_VALUE',
        check: { type: 'denyList', values: [CRUCIBLE_FALLBACK_ENCRYPTION_KEY], caseInsensitive: false },
        severity: 'error',
        environments: PROD,
        source: 'guide',
        why: 'API_KEY_ENCRYPTION_KEY equals the public fallback key shipped in encryption.py; anyone can decrypt the stored provider keys.',
        howToFix:
          'Rotate API_KEY_ENCRYPTION_KEY with the re-encryption playbook (a plain edit orphans every stored key).',
      },
      {
        code: 'ENV_DEFAULT_VALUE',
        check: { type: 'denyList', values: [CRUCIBLE_FALLBACK_ENCRYPTION_KEY], caseInsensitive: false },
        severity: 'warning',
        environments: NON_PROD,
        source: 'service',
        why: 'API_KEY_ENCRYPTION_KEY equals the public fallback key; validate_env.py only warns.',
        howToFix: 'Rotate API_KEY_ENCRYPTION_KEY with the re-encryption playbook.',
      },
      {
        code: 'ENV_TOO_SHORT',
        check: { type: 'minLength', min: 32 },
        severity: 'warning',
        environments: NON_PROD,
        source: 'service',
        why: 'API_KEY_ENCRYPTION_KEY is shorter than 32 characters; validate_env.py warns.',
        howToFix: 'Rotate API_KEY_ENCRYPTION_KEY with the re-encryption playbook to a 43-character value.',
      },
      {
        code: 'ENV_TOO_SHORT',
        check: { type: 'minLength', min: 32 },
        severity: 'error',
        environments: PROD,
        source: 'guide',
        why: 'The security guide asks for 32+ random characters for API_KEY_ENCRYPTION_KEY.',
        howToFix: 'Rotate API_KEY_ENCRYPTION_KEY with the re-encryption playbook to a 43-character value.',
      },
      {
        code: 'ENV_UNSAFE_CHARSET',
        check: { type: 'charset', charClass: URLSAFE, description: 'A-Z a-z 0-9 _ -' },
        severity: 'warning',
        environments: ALL,
        source: 'derived',
        why: 'API_KEY_ENCRYPTION_KEY uses characters outside [A-Za-z0-9_-]; a single extra quote or space read by one parser yields a different key (docs/crucible.md#the-encryption-key).',
        howToFix: 'Keep the key as is unless you rotate it with the re-encryption playbook.',
      },
      ...lowEntropyRules(
        'API_KEY_ENCRYPTION_KEY',
        'Rotate API_KEY_ENCRYPTION_KEY with the re-encryption playbook to a generated 43-character value (a plain edit orphans every stored key).',
      ),
    ],
    rotation: {
      cost: 'data-at-risk',
      playbook: 'encryption-key-reencrypt',
      servicesToRecreate: ['api', 'worker', 'beat'],
      usersLose:
        'Nothing if every stored provider key is re-encrypted first; without re-encryption every stored provider key becomes unreadable.',
      steps: [
        BACKUP_FIRST,
        'Stop api, worker, beat and frontend (`docker compose stop api worker beat frontend`); postgres stays up.',
        'Read every user_settings.provider_api_keys row; decrypt each value with PBKDF2/Fernet of the old key (legacy XOR fallback).',
        'Re-encrypt with the new key (padded base64url Fernet) and verify each round trip.',
        'Write all rows back in one transaction with an optimistic `provider_api_keys::text = <old>` check.',
        'Replace API_KEY_ENCRYPTION_KEY in `.env`; keep the old key in the encrypted backup until verified.',
        `Recreate api, worker, beat and frontend. ${RECREATE_NOTE}`,
      ],
      verify: [
        '`GET /api/user/settings` shows `****xxxx`, never `***error***`.',
        '`/api/debug/settings/check` has no `decryption_error`.',
        'No "Failed to decrypt" in api/worker logs.',
        'A debate starts.',
      ],
    },
    facts: ['§2.1', '§5', '§11 #15 #24', 'Rotation matrix'],
  },
  {
    name: 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
    kind: 'login-password',
    sensitive: true,
    description:
      'The only login credential: any username is accepted and the password is checked against this value (bcrypt hash or plain text).',
    generator: {
      type: 'bcrypt-login-password',
      alphabet: 'urlsafe',
      passwordLength: 22,
      cost: 12,
      serviceEquivalent:
        'secrets.token_urlsafe(16) → 22 characters (stored plain by the project; we store its bcrypt hash)',
    },
    inNewEnv: true,
    consumers: ['api'],
    effect: 'compose-interpolated',
    serviceDefault: '',
    rules: [
      {
        code: 'ENV_MISSING_REQUIRED',
        check: { type: 'required', blankIsMissing: false },
        severity: 'error',
        environments: ALL,
        source: 'service',
        why: 'Production mode refuses an empty login password (ValueError); init_community_db.py raises when it is empty, so the dev api exits.',
        howToFix: 'Set a login password with `crucible-secrets hash-password`.',
      },
      {
        code: 'ENV_ADMIN_PASSWORD',
        check: { type: 'notEqual', value: 'admin', caseSensitive: true },
        severity: 'error',
        environments: ALL,
        source: 'service',
        why: 'The login password is exactly "admin"; config.py refuses to start in every mode (ValueError).',
        howToFix: 'Choose a new password and store its bcrypt hash with `crucible-secrets hash-password`.',
      },
      {
        code: 'ENV_WEAK_VALUE',
        check: { type: 'denyList', values: CRUCIBLE_WEAK_VALUES, caseInsensitive: true },
        severity: 'error',
        environments: PROD,
        source: 'service',
        why: "The login password is one of the service's known weak values; production mode refuses to start (ValueError).",
        howToFix: 'Choose a strong password and store its bcrypt hash with `crucible-secrets hash-password`.',
      },
      {
        code: 'ENV_WEAK_VALUE',
        check: { type: 'denyList', values: CRUCIBLE_WEAK_VALUES, caseInsensitive: true },
        severity: 'warning',
        environments: NON_PROD,
        source: 'service',
        why: "The login password is one of the service's known weak values; local mode only warns.",
        howToFix: 'Choose a strong password and store its bcrypt hash with `crucible-secrets hash-password`.',
      },
      {
        code: 'ENV_TOO_SHORT',
        check: { type: 'minLength', min: 8 },
        severity: 'error',
        environments: PROD,
        source: 'service',
        why: 'The login password is shorter than 8 characters; production mode refuses to start (ValueError).',
        howToFix: 'Choose a longer password and store its bcrypt hash with `crucible-secrets hash-password`.',
      },
      {
        code: 'ENV_TOO_SHORT',
        check: { type: 'minLength', min: 8 },
        severity: 'warning',
        environments: NON_PROD,
        source: 'service',
        why: 'The login password is shorter than 8 characters; local mode only warns.',
        howToFix: 'Choose a longer password and store its bcrypt hash with `crucible-secrets hash-password`.',
      },
      {
        code: 'ENV_PLAINTEXT_PASSWORD',
        check: { type: 'bcryptHash' },
        severity: 'warning',
        environments: NON_PROD,
        source: 'service',
        why: 'The login password is stored in plain text (not a 60-character $2a$/$2b$/$2y$ bcrypt hash); the service warns on every login and compares it with a non-constant-time ==.',
        howToFix: 'Replace it with its bcrypt hash: `crucible-secrets hash-password` prints the single-quoted line.',
      },
      {
        code: 'ENV_PLAINTEXT_PASSWORD',
        check: { type: 'bcryptHash' },
        severity: 'error',
        environments: PROD_STAGING,
        source: 'guide',
        why: 'The login password is stored in plain text. The security guide says: for production, always hash passwords (the service itself only warns).',
        howToFix: 'Replace it with its bcrypt hash: `crucible-secrets hash-password` prints the single-quoted line.',
      },
      {
        code: 'ENV_PASSWORD_TOO_LONG',
        check: { type: 'plainMaxBytes', max: 72 },
        severity: 'warning',
        environments: ALL,
        source: 'derived',
        why: 'The plain-text login password is longer than 72 UTF-8 bytes; bcrypt 5+ refuses to hash it, so it can never be moved to a hash as is.',
        howToFix: 'Choose a password of at most 72 bytes and store its bcrypt hash.',
      },
      ...lowEntropyRules(
        'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD',
        'Choose a strong password (or let the app generate one) and store its bcrypt hash with `crucible-secrets hash-password`.',
      ),
    ],
    rotation: {
      cost: 'none',
      playbook: 'community-password',
      servicesToRecreate: ['api'],
      usersLose:
        'Nothing; existing sessions stay valid (revoke Redis auth sessions separately if the password was compromised).',
      steps: [
        BACKUP_FIRST,
        'Hash the new password with bcrypt ($2b$, cost 12, at most 72 bytes).',
        'Write the hash single-quoted to ROUNDTABLE_COMMUNITY_AUTH_PASSWORD in `.env`.',
        `Recreate the api. ${RECREATE_NOTE}`,
        'Optionally delete Redis auth sessions (`session:` + 43 characters of [A-Za-z0-9_-]).',
      ],
      verify: [
        '`POST /api/auth/login` with the new password → 200; the old one → 401 `Invalid password`.',
        'After a login, the api log has no "Using plain text password comparison" warning (service/app/core/password.py): the api received the hash intact.',
        '`docker compose config` shows the 60-character hash intact (it prints every other secret too: do not share its output).',
      ],
    },
    facts: ['§2.1', '§3', '§8.6', '§11 #4 #12', '§12', 'Rotation matrix'],
  },
  jwtVariable(
    'ROUNDTABLE_JWT_SECRET',
    'Verifies JWTs on optional-auth endpoints (and everywhere when ROUNDTABLE_REQUIRE_AUTH=false). No JWT is ever issued by Crucible CE.',
    ['§11 #7'],
  ),
  jwtVariable('ROUNDTABLE_JWT_REFRESH_SECRET', 'Validated at start-up but never used to verify anything.', ['§11 #7']),
  {
    name: 'POSTGRES_USER',
    kind: 'identifier',
    sensitive: true,
    description:
      'The bootstrap superuser of the PostgreSQL cluster, which the application also connects as. Applied by the postgres image only when the data volume is first initialised.',
    generator: {
      type: 'random',
      alphabet: 'lower-alnum',
      length: 12,
      serviceEquivalent: '12 × secrets.choice(ascii_lowercase + digits)',
    },
    inNewEnv: true,
    consumers: ['postgres', 'api', 'worker', 'beat'],
    effect: 'compose-interpolated',
    serviceDefault: null,
    rules: [
      {
        code: 'ENV_MISSING_REQUIRED',
        check: { type: 'required', blankIsMissing: true },
        severity: 'error',
        environments: ALL,
        source: 'service',
        why: 'POSTGRES_USER is empty; scripts/check-env requires it and compose builds the database URL from it.',
        howToFix:
          'Set POSTGRES_USER to a generated 12-character [a-z0-9] name (only before the first start: the volume keeps the first one).',
      },
      {
        code: 'ENV_UNSAFE_CHARSET',
        check: { type: 'charset', charClass: 'a-z0-9', description: 'lowercase letters and digits' },
        severity: 'warning',
        environments: ALL,
        source: 'derived',
        why: 'POSTGRES_USER contains characters outside [a-z0-9]; it is spliced raw into a URL and into SQL identifiers.',
        howToFix: 'Use a 12-character [a-z0-9] name for a new deployment (an existing volume keeps its user).',
      },
    ],
    rotation: {
      cost: 'not-rotatable',
      playbook: 'not-rotatable',
      servicesToRecreate: ['postgres', 'api', 'worker', 'beat', 'redis', 'frontend'],
      usersLose: 'Renaming the role needs a second superuser and is error-prone.',
      steps: ['Treat POSTGRES_USER as non-rotatable; if it was compromised, rotate POSTGRES_PASSWORD instead.'],
      verify: [],
    },
    facts: ['§2.1', '§7.1', 'Rotation matrix'],
  },
  {
    name: 'POSTGRES_PASSWORD',
    kind: 'secret',
    sensitive: true,
    description:
      'The database superuser password: initialises the server on first start and is spliced into ROUNDTABLE_DATABASE_URL for api, worker and beat.',
    generator: {
      type: 'random',
      alphabet: 'urlsafe',
      length: 32,
      serviceEquivalent: 'secrets.token_urlsafe(24) → 32 characters',
    },
    inNewEnv: true,
    consumers: ['postgres', 'api', 'worker', 'beat'],
    effect: 'compose-interpolated',
    serviceDefault: null,
    rules: [
      {
        code: 'ENV_MISSING_REQUIRED',
        check: { type: 'required', blankIsMissing: true },
        severity: 'error',
        environments: ALL,
        source: 'service',
        why: 'POSTGRES_PASSWORD is empty; scripts/check-env requires it and the postgres image refuses to initialise without it.',
        howToFix:
          'Set POSTGRES_PASSWORD to a generated value (on an existing volume use the Postgres rotation playbook).',
      },
      {
        code: 'ENV_UNSAFE_CHARSET',
        check: URL_UNRESERVED_CHECK,
        severity: 'error',
        environments: ALL,
        source: 'derived',
        why: 'POSTGRES_PASSWORD contains characters that break the database URL compose builds (the same raw value initialises the server, so percent-encoding cannot help).',
        howToFix: 'Rotate POSTGRES_PASSWORD to a generated [A-Za-z0-9_-] value with the Postgres playbook.',
      },
      {
        code: 'ENV_TOO_SHORT',
        check: { type: 'minLength', min: 24 },
        severity: 'warning',
        environments: PROD_STAGING,
        source: 'guide',
        why: 'POSTGRES_PASSWORD is shorter than 24 characters; the security guide asks for strong database passwords.',
        howToFix: 'Rotate POSTGRES_PASSWORD to a generated 32-character value with the Postgres playbook.',
      },
      ...lowEntropyRules(
        'POSTGRES_PASSWORD',
        'Rotate POSTGRES_PASSWORD to a generated 32-character value with the Postgres playbook.',
      ),
    ],
    rotation: {
      cost: 'downtime',
      playbook: 'postgres-password',
      servicesToRecreate: ['api', 'worker', 'beat', 'postgres'],
      usersLose: 'Brief downtime; running debates are interrupted.',
      steps: [
        BACKUP_FIRST,
        'Run `ALTER ROLE "<user>" WITH PASSWORD ...` through `docker compose exec -T postgres psql` with the SQL on stdin.',
        'Update POSTGRES_PASSWORD in `.env` (never change `.env` alone: the volume keeps the old password).',
        `Recreate api, worker, beat (postgres is recreated too; harmless). ${RECREATE_NOTE}`,
      ],
      verify: [
        '`psql -h postgres -U <user>` over TCP accepts the new password and rejects the old.',
        'With docker-compose.yml, whose api runs scripts/init_community_db.py at start, the api log shows "[OK] All … database tables already exist" (docker-compose.prod.yml does not run it).',
        'Login works (it reads the users table).',
      ],
    },
    facts: ['§2.1', '§7.1', '§11 #26', 'Rotation matrix'],
  },
  {
    name: 'REDIS_PASSWORD',
    kind: 'secret',
    sensitive: true,
    description:
      'Redis `--requirepass` (on the command line and in the healthcheck) and part of ROUNDTABLE_REDIS_URL for api, worker and beat.',
    generator: {
      type: 'random',
      alphabet: 'urlsafe',
      length: 43,
      noLeadingDash: true,
      serviceEquivalent: 'secrets.token_urlsafe(32) → 43 characters (first character not "-": 257.98 bits ≥ 256)',
    },
    inNewEnv: true,
    consumers: ['redis', 'api', 'worker', 'beat'],
    effect: 'compose-interpolated',
    serviceDefault: null,
    rules: [
      {
        code: 'ENV_MISSING_REQUIRED',
        check: { type: 'required', blankIsMissing: true },
        severity: 'error',
        environments: ALL,
        source: 'service',
        why: 'REDIS_PASSWORD is empty; scripts/check-env requires it and `--requirepass` with an empty value gives a malformed command line.',
        howToFix: 'Set REDIS_PASSWORD to a generated 43-character value.',
      },
      {
        code: 'ENV_UNSAFE_CHARSET',
        check: URL_UNRESERVED_CHECK,
        severity: 'error',
        environments: ALL,
        source: 'derived',
        why: 'REDIS_PASSWORD contains characters that break the Redis URL or the shell-split redis command line.',
        howToFix: 'Rotate REDIS_PASSWORD to a generated [A-Za-z0-9_-] value.',
      },
      {
        code: 'ENV_TOO_SHORT',
        check: { type: 'minLength', min: 32 },
        severity: 'warning',
        environments: PROD_STAGING,
        source: 'guide',
        why: 'REDIS_PASSWORD is shorter than 32 characters; the security guide asks for strong random secrets.',
        howToFix: 'Rotate REDIS_PASSWORD to a generated 43-character value.',
      },
      ...lowEntropyRules('REDIS_PASSWORD', 'Rotate REDIS_PASSWORD to a generated 43-character value.'),
    ],
    rotation: {
      cost: 'sessions-lost',
      playbook: 'redis-password',
      servicesToRecreate: ['redis', 'api', 'worker', 'beat'],
      usersLose:
        'All login sessions, queued and running Celery tasks and rate-limit counters (Redis is not persistent).',
      steps: [
        BACKUP_FIRST,
        'Optionally `CONFIG SET requirepass <new>` first to shorten the window.',
        'Write REDIS_PASSWORD in `.env`.',
        `Recreate redis, api, worker and beat. ${RECREATE_NOTE}`,
        'Purge or rotate old api/worker logs: they contain the old Redis URL with its password.',
      ],
      verify: [
        '`REDISCLI_AUTH=<new> redis-cli ping` → PONG inside the redis container; the old one → auth error.',
        '`GET /api/health/redis` → connected: true.',
        'Users can log in again.',
      ],
    },
    facts: ['§2.1', '§7.2', 'Rotation matrix'],
  },
  // ---- Mode, URLs, CORS ---------------------------------------------------------------------------------
  {
    name: 'ROUNDTABLE_ENVIRONMENT',
    kind: 'mode',
    sensitive: false,
    description:
      'The service\'s mode switch: exactly "production" turns on config.py\'s production checks and hides /docs. Compose does not pass it, so it reaches only the dev api through the `.env` mount.',
    generator: {
      type: 'environment-name',
      values: { production: 'production', staging: 'staging', development: 'local' },
    },
    inNewEnv: true,
    consumers: ['api'],
    effect: 'dev-api-only',
    serviceDefault: 'local',
    rules: [
      {
        code: 'ENV_MODE_MISMATCH',
        check: { type: 'required', blankIsMissing: true },
        severity: 'warning',
        environments: PROD,
        source: 'derived',
        why: 'This is a production deployment but ROUNDTABLE_ENVIRONMENT is not set, so the service runs in local mode: the production checks do not run and /docs stays public.',
        howToFix: 'Set ROUNDTABLE_ENVIRONMENT=production (and note that only the dev api reads it from `.env`).',
      },
      {
        code: 'ENV_MODE_MISMATCH',
        check: { type: 'oneOf', values: ['production'], caseSensitive: true },
        severity: 'warning',
        environments: PROD,
        source: 'derived',
        why: 'This is a production deployment but ROUNDTABLE_ENVIRONMENT is not exactly "production" (case-sensitive in config.py); the production checks do not run and /docs stays public.',
        howToFix: 'Set ROUNDTABLE_ENVIRONMENT=production (and note that only the dev api reads it from `.env`).',
      },
    ],
    rotation: {
      cost: 'none',
      playbook: 'env-and-recreate',
      servicesToRecreate: ['api'],
      usersLose: 'Nothing.',
      steps: ['Edit ROUNDTABLE_ENVIRONMENT in `.env`.', `Recreate the api. ${RECREATE_NOTE}`],
      verify: [],
    },
    facts: ['§2.2', '§2.5', '§2.6', '§2.7'],
  },
  {
    name: 'ROUNDTABLE_FRONTEND_URL',
    kind: 'url',
    sensitive: false,
    description:
      'Feeds validation only (no feature uses it); production mode refuses an empty value or one starting with http://localhost.',
    generator: { type: 'input', prompt: 'The public https:// URL of the frontend', optional: false },
    inNewEnv: true,
    consumers: ['api'],
    effect: 'dev-api-only',
    serviceDefault: 'http://localhost:3000',
    rules: [
      {
        code: 'ENV_MISSING_REQUIRED',
        check: { type: 'required', blankIsMissing: false },
        severity: 'error',
        environments: PROD,
        source: 'service',
        why: 'Production mode refuses an empty ROUNDTABLE_FRONTEND_URL.',
        howToFix: 'Set ROUNDTABLE_FRONTEND_URL to the public https:// URL of the frontend.',
      },
      {
        code: 'ENV_INSECURE_URL',
        check: { type: 'url', httpsOnly: false, noLoopback: false, serviceLocalhostPrefix: true },
        severity: 'error',
        environments: PROD,
        source: 'service',
        why: 'ROUNDTABLE_FRONTEND_URL starts with http://localhost; production mode refuses to start.',
        howToFix: 'Set ROUNDTABLE_FRONTEND_URL to the public https:// URL of the frontend.',
      },
      {
        code: 'ENV_INSECURE_URL',
        check: { type: 'url', httpsOnly: true, noLoopback: true, serviceLocalhostPrefix: false },
        severity: 'error',
        environments: PROD,
        source: 'guide',
        why: 'ROUNDTABLE_FRONTEND_URL is not an https:// URL on a public host; the security guide requires HTTPS URLs in production.',
        howToFix: 'Put a TLS reverse proxy in front and set the https:// URL.',
      },
      {
        code: 'ENV_HTTP_REWRITTEN',
        check: { type: 'urlHttpNonLocal' },
        severity: 'warning',
        environments: NON_PROD,
        source: 'service',
        why: 'ROUNDTABLE_FRONTEND_URL is plain http:// to a non-localhost host; the service warns and rewrites it to https://.',
        howToFix: 'Use the https:// URL (or http://localhost… for local use).',
      },
    ],
    rotation: {
      cost: 'none',
      playbook: 'env-and-recreate',
      servicesToRecreate: ['api'],
      usersLose: 'Nothing.',
      steps: ['Edit ROUNDTABLE_FRONTEND_URL in `.env`.', `Recreate the api. ${RECREATE_NOTE}`],
      verify: [],
    },
    facts: ['§2.2', '§2.7', '§9.3'],
  },
  {
    name: 'ROUNDTABLE_CORS_ORIGINS',
    kind: 'origin-list',
    sensitive: false,
    description:
      'Allowed browser origins. Both stock compose files hard-code http://localhost:3000 in `environment:`, which beats `.env`; production mode then always refuses to start.',
    generator: { type: 'input', prompt: 'Comma-separated https:// origins allowed to call the API', optional: false },
    inNewEnv: true,
    consumers: ['api'],
    effect: 'overridden-by-compose',
    serviceDefault: CRUCIBLE_STOCK_CORS,
    rules: [
      {
        code: 'ENV_MISSING_REQUIRED',
        check: { type: 'required', blankIsMissing: false },
        severity: 'error',
        environments: PROD,
        source: 'service',
        blocksStart: true,
        why: 'ROUNDTABLE_CORS_ORIGINS is missing or empty. The compose files the app fixes read ${ROUNDTABLE_CORS_ORIGINS:?…}, so compose refuses to start anything; with the stock files, production mode refuses the localhost default.',
        howToFix: 'Set ROUNDTABLE_CORS_ORIGINS to the https:// origin(s) of your frontend, comma-separated.',
      },
      {
        code: 'ENV_MISSING_REQUIRED',
        check: { type: 'required', blankIsMissing: false },
        severity: 'warning',
        environments: NON_PROD,
        source: 'derived',
        why: "ROUNDTABLE_CORS_ORIGINS is missing or empty. The stock compose files hard-code http://localhost:3000, but once they read ${ROUNDTABLE_CORS_ORIGINS:?…} (the app's fix) compose refuses to start without it.",
        howToFix: 'Set ROUNDTABLE_CORS_ORIGINS to the origin(s) of your frontend, comma-separated.',
      },
      {
        code: 'ENV_INSECURE_ORIGIN',
        check: { type: 'origins', notEmpty: false, noWildcard: true, httpsOnly: false, noLoopback: false },
        severity: 'error',
        environments: ALL,
        source: 'guide',
        why: "ROUNDTABLE_CORS_ORIGINS contains a wildcard (*) or the null origin. The api sends CORS with credentials, so any site (or any sandboxed page) could act with a logged-in admin's session; the security guide says to list trusted origins only.",
        howToFix: 'List each trusted https:// origin explicitly, comma-separated.',
      },
      {
        code: 'ENV_INSECURE_ORIGIN',
        check: {
          type: 'origins',
          notEmpty: true,
          notExactly: [CRUCIBLE_STOCK_CORS],
          httpsOnly: false,
          noLoopback: false,
        },
        severity: 'error',
        environments: PROD,
        source: 'service',
        why: 'ROUNDTABLE_CORS_ORIGINS is empty or exactly ["http://localhost:3000"]; production mode refuses to start.',
        howToFix:
          'List the https:// origins of your frontend, and remove the hard-coded value from the compose file (it overrides `.env`).',
      },
      {
        code: 'ENV_INSECURE_ORIGIN',
        check: { type: 'origins', notEmpty: false, httpsOnly: true, noLoopback: true },
        severity: 'error',
        environments: PROD,
        source: 'guide',
        why: 'ROUNDTABLE_CORS_ORIGINS contains a localhost or plain http:// origin; the security guide says: HTTPS origins only, remove http://localhost:3000 in production.',
        howToFix: 'Keep only trusted https:// origins.',
      },
      {
        code: 'ENV_NO_EFFECT',
        check: { type: 'noEffect' },
        severity: 'info',
        environments: ALL,
        source: 'derived',
        why: 'ROUNDTABLE_CORS_ORIGINS is overridden by the stock compose files, which set http://localhost:3000 in `environment:`; the `.env` value has no effect unless the compose file passes ${ROUNDTABLE_CORS_ORIGINS} instead.',
        howToFix:
          'In the compose files, replace the hard-coded ROUNDTABLE_CORS_ORIGINS=http://localhost:3000 with ROUNDTABLE_CORS_ORIGINS=${ROUNDTABLE_CORS_ORIGINS} (the audit offers this fix).',
      },
    ],
    rotation: {
      cost: 'none',
      playbook: 'env-and-recreate',
      servicesToRecreate: ['api'],
      usersLose: 'Nothing.',
      steps: ['Edit the value in the compose file (and `.env`).', `Recreate the api. ${RECREATE_NOTE}`],
      verify: [],
    },
    facts: ['§1.1', '§8.2', '§9.2', '§11 #1'],
  },
  // ---- Rate limiting (facts §2.2, §2.5, §9.1, §11 #6) ----------------------------------------------------
  setting(
    'ROUNDTABLE_ENABLE_RATE_LIMITING',
    'flag',
    'LLM token limiter switch (default False). Reaches only the dev api; the worker, which runs debates, never sees it.',
    'true',
    [
      {
        code: 'ENV_INVALID_VALUE',
        check: { type: 'boolean' },
        severity: 'error',
        environments: ALL,
        source: 'service',
        why: "ROUNDTABLE_ENABLE_RATE_LIMITING is not a boolean pydantic accepts (exactly 0/1, true/false, yes/no, on/off, t/f, y/n in any case, no spaces); config.py's Settings() fails with bool_parsing and the api does not start.",
        howToFix: 'Set it to true or false.',
      },
    ],
    'False',
    ['§2.2', '§2.5', '§9.1', '§11 #6'],
  ),
  setting(
    'ROUNDTABLE_LLM_RATE_LIMIT_TPM',
    'number',
    'Tokens per window for the LLM limiter.',
    '100000',
    [
      {
        code: 'ENV_INVALID_VALUE',
        check: { type: 'integer' },
        severity: 'error',
        environments: ALL,
        source: 'service',
        why: "ROUNDTABLE_LLM_RATE_LIMIT_TPM is not an integer pydantic accepts; config.py's Settings() fails with int_parsing and the api does not start.",
        howToFix: 'Set a positive whole number (default 100000).',
      },
      {
        code: 'ENV_LIMIT_NOT_POSITIVE',
        check: { type: 'integer', min: 1 },
        severity: 'warning',
        environments: ALL,
        source: 'derived',
        why: 'ROUNDTABLE_LLM_RATE_LIMIT_TPM is 0 or negative: the limiter then refuses every LLM call once enabled.',
        howToFix: 'Set a positive whole number (default 100000).',
      },
    ],
    '100000',
    ['§2.2', '§9.1'],
  ),
  setting(
    'ROUNDTABLE_LLM_RATE_LIMIT_WINDOW_SECONDS',
    'number',
    'Window of the LLM limiter, in seconds.',
    '60',
    [
      {
        code: 'ENV_INVALID_VALUE',
        check: { type: 'integer' },
        severity: 'error',
        environments: ALL,
        source: 'service',
        why: "ROUNDTABLE_LLM_RATE_LIMIT_WINDOW_SECONDS is not an integer pydantic accepts; config.py's Settings() fails with int_parsing and the api does not start.",
        howToFix: 'Set a positive whole number (default 60).',
      },
      {
        code: 'ENV_LIMIT_NOT_POSITIVE',
        check: { type: 'integer', min: 1 },
        severity: 'warning',
        environments: ALL,
        source: 'derived',
        why: "ROUNDTABLE_LLM_RATE_LIMIT_WINDOW_SECONDS is 0 or negative, which makes the limiter's window meaningless.",
        howToFix: 'Set a positive whole number (default 60).',
      },
    ],
    '60',
    ['§2.2', '§9.1'],
  ),
  // ---- Optional provider keys (facts §2.3, §10.4) --------------------------------------------------------
  providerKey(
    'ROUNDTABLE_OPENROUTER_API_KEY',
    ['api', 'worker'],
    'compose-interpolated',
    "Server-side OpenRouter key used by intake; it takes priority over the user's stored key. Debates never use env keys.",
  ),
  providerKey(
    'ROUNDTABLE_EDEN_AI_API_KEY',
    ['api', 'worker'],
    'compose-interpolated',
    'Eden AI key. The dev compose file passes it to the worker under the misspelled name ROUNDTABLE_EDEN_AI_KEY.',
  ),
  providerKey(
    'OPENROUTER_API_KEY',
    ['api'],
    'dev-api-only',
    'Fallback OpenRouter key read with os.getenv by intake; reaches only the dev api through the `.env` mount.',
  ),
  providerKey(
    'OPENAI_API_KEY',
    ['api'],
    'dev-api-only',
    'Intake fallback key (env before user key); reaches only the dev api.',
  ),
  providerKey(
    'ANTHROPIC_API_KEY',
    ['api'],
    'dev-api-only',
    'Intake fallback key (env before user key); reaches only the dev api.',
  ),
  // ---- Other sensitive or risky variables ----------------------------------------------------------------
  {
    name: 'INTERNAL_API_TOKEN',
    kind: 'secret',
    sensitive: true,
    description:
      "Guards the frontend's internal PDF route; the frontend's unauthenticated /api/internal/verify-token reveals it character by character. Not set by stock compose.",
    generator: { type: 'none' },
    inNewEnv: false,
    consumers: ['frontend'],
    effect: 'dev-api-only',
    serviceDefault: null,
    rules: [
      {
        code: 'ENV_DISCOURAGED',
        check: { type: 'discouraged' },
        severity: 'warning',
        environments: ALL,
        source: 'derived',
        why: 'INTERNAL_API_TOKEN is set; if it ever reaches the frontend, the unauthenticated verify-token route is an oracle for it.',
        howToFix:
          'Remove INTERNAL_API_TOKEN (nothing in the backend uses it), or block /api/internal/verify-token at the proxy.',
      },
    ],
    rotation: {
      cost: 'low',
      playbook: 'remove-from-env',
      servicesToRecreate: ['frontend'],
      usersLose: 'The PDF auto-generation route (not called by the backend anyway).',
      steps: [
        'Prefer unsetting it; if kept, set a new random value on both sides and block /api/internal/verify-token at the proxy.',
        `Recreate the frontend. ${RECREATE_NOTE}`,
      ],
      verify: ['verify-token answers 500 "not set" when unset.'],
    },
    facts: ['§2.3', '§9.4', '§13', 'Rotation matrix'],
  },
  {
    name: 'ROUNDTABLE_REQUIRE_AUTH',
    kind: 'flag',
    sensitive: false,
    description:
      'When false, a missing token becomes a guest and unknown session tokens fall back to JWT verification.',
    generator: { type: 'none' },
    inNewEnv: false,
    consumers: ['api'],
    effect: 'dev-api-only',
    serviceDefault: 'True',
    rules: [
      {
        code: 'ENV_INVALID_VALUE',
        check: { type: 'boolean' },
        severity: 'error',
        environments: ALL,
        source: 'service',
        why: "ROUNDTABLE_REQUIRE_AUTH is not a boolean pydantic accepts; config.py's Settings() fails with bool_parsing and the api does not start.",
        howToFix: 'Remove ROUNDTABLE_REQUIRE_AUTH (the default is true) or set it to true.',
      },
      {
        code: 'ENV_AUTH_DISABLED',
        check: { type: 'oneOf', values: ['true', '1', 'yes', 'on', 't', 'y'], caseSensitive: false },
        severity: 'error',
        environments: ALL,
        source: 'derived',
        why: 'ROUNDTABLE_REQUIRE_AUTH is not true: requests without a token are let in as a guest.',
        howToFix: 'Remove ROUNDTABLE_REQUIRE_AUTH (the default is true) or set it to true.',
      },
    ],
    rotation: removeRotation(''),
    facts: ['§2.2', '§6.1'],
  },
  {
    name: 'ROUNDTABLE_DATABASE_URL',
    kind: 'url',
    sensitive: true,
    description: 'Built by both compose files from POSTGRES_USER and POSTGRES_PASSWORD; a `.env` value is dead.',
    generator: { type: 'none' },
    inNewEnv: false,
    consumers: ['api', 'worker', 'beat'],
    effect: 'overridden-by-compose',
    serviceDefault: '',
    rules: [
      noEffectRule(
        'ROUNDTABLE_DATABASE_URL',
        'is constructed by the compose files in `environment:`, which beats `.env`; this copy only duplicates the database password.',
      ),
    ],
    rotation: removeRotation('Rotate POSTGRES_PASSWORD instead.'),
    facts: ['§1.1', '§8.2', '§11 #2'],
  },
  {
    name: 'ROUNDTABLE_REDIS_URL',
    kind: 'url',
    sensitive: true,
    description: 'Built by both compose files from REDIS_PASSWORD; a `.env` value is dead.',
    generator: { type: 'none' },
    inNewEnv: false,
    consumers: ['api', 'worker', 'beat'],
    effect: 'overridden-by-compose',
    serviceDefault: 'redis://localhost:6379/0',
    rules: [
      noEffectRule(
        'ROUNDTABLE_REDIS_URL',
        'is constructed by the compose files in `environment:`, which beats `.env`; this copy only duplicates the Redis password.',
      ),
    ],
    rotation: removeRotation('Rotate REDIS_PASSWORD instead.'),
    facts: ['§1.1', '§8.2', '§11 #2'],
  },
  {
    name: 'ROUNDTABLE_EDEN_AI_KEY',
    kind: 'legacy',
    sensitive: true,
    description:
      'A misspelling the dev compose file passes to the worker; nothing reads it (the real name is ROUNDTABLE_EDEN_AI_API_KEY).',
    generator: { type: 'none' },
    inNewEnv: false,
    consumers: [],
    effect: 'no-effect',
    serviceDefault: null,
    rules: [
      noEffectRule(
        'ROUNDTABLE_EDEN_AI_KEY',
        'is a misspelling nothing reads; the worker looks for ROUNDTABLE_EDEN_AI_API_KEY.',
      ),
    ],
    rotation: removeRotation('Use ROUNDTABLE_EDEN_AI_API_KEY.'),
    facts: ['§1.1', '§11 #18'],
  },
  // ---- Legacy admin portal and frontend leftovers (facts §4, §2.4, §11 #8 #9) ----------------------------
  legacyVariable(
    'ROUNDTABLE_ADMIN_PASSWORD_HASH',
    'Admin-portal password hash (comment says SHA-256); never read.',
    true,
    ['§2.2', '§4', '§11 #9'],
  ),
  legacyVariable('ROUNDTABLE_ADMIN_SESSION_SECRET', 'Only used by get_admin_session, which no route uses.', true, [
    '§2.2',
    '§4',
  ]),
  legacyVariable('ROUNDTABLE_ADMIN_ALLOWED_IPS', 'Only used by get_admin_session, which no route uses.', false, [
    '§2.2',
    '§4',
  ]),
  legacyVariable('ROUNDTABLE_ADMIN_USERNAME', 'Not used.', false, ['§2.2']),
  legacyVariable('ROUNDTABLE_ADMIN_SESSION_EXPIRY_MINUTES', 'Unused admin-portal setting.', false, ['§2.2', '§4']),
  legacyVariable('ROUNDTABLE_ADMIN_MAX_LOGIN_ATTEMPTS', 'Unused admin-portal lockout setting.', false, ['§2.2', '§4']),
  legacyVariable('ROUNDTABLE_ADMIN_LOCKOUT_DURATION_MINUTES', 'Unused admin-portal lockout setting.', false, [
    '§2.2',
    '§4',
  ]),
  legacyVariable('ROUNDTABLE_ADMIN_SESSION_INACTIVITY_TIMEOUT_MINUTES', 'Unused admin-portal setting.', false, [
    '§2.2',
    '§4',
  ]),
  legacyVariable(
    'NEXTAUTH_SECRET',
    'Documented as required; frontend/auth.ts uses a hard-coded secret instead.',
    true,
    ['§2.4', '§6.2', '§11 #8'],
  ),
  legacyVariable('AUTH_DATABASE_URL', 'Documented as required; frontend/auth.ts uses a dummy pool instead.', true, [
    '§2.4',
    '§11 #8',
  ]),
  legacyVariable('NEXT_PUBLIC_TURNSTILE_SITE_KEY', 'Turnstile is not implemented.', false, ['§2.4']),
  legacyVariable('TURNSTILE_SECRET_KEY', 'Turnstile is not implemented.', true, ['§2.4']),
];

/**
 * The typed fields of `config.py`'s `Settings` (env name = `ROUNDTABLE_` + upper-case field). Every other
 * field is a `str`, which accepts anything. A value pydantic cannot parse stops the api at import.
 */
export const CRUCIBLE_SETTING_TYPES: Record<string, 'int' | 'bool'> = Object.fromEntries<'int' | 'bool'>([
  ...[
    'ACCESS_TOKEN_EXPIRY_MINUTES',
    'REFRESH_TOKEN_EXPIRY_MINUTES',
    'DB_POOL_SIZE',
    'DB_MAX_OVERFLOW',
    'SESSION_TOKEN_EXPIRY_HOURS',
    'ADMIN_SESSION_EXPIRY_MINUTES',
    'ADMIN_MAX_LOGIN_ATTEMPTS',
    'ADMIN_LOCKOUT_DURATION_MINUTES',
    'ADMIN_SESSION_INACTIVITY_TIMEOUT_MINUTES',
    'LLM_RATE_LIMIT_TPM',
    'LLM_RATE_LIMIT_WINDOW_SECONDS',
  ].map((f): [string, 'int'] => [`ROUNDTABLE_${f}`, 'int']),
  ...['COMMUNITY_EDITION', 'REQUIRE_AUTH', 'ENABLE_RATE_LIMITING'].map((f): [string, 'bool'] => [
    `ROUNDTABLE_${f}`,
    'bool',
  ]),
]);

/**
 * `service/app/core/config.py` runs `load_dotenv()` at import (python-dotenv finds `/app/.env` from the
 * module's folder upwards and copies every key into `os.environ`, never over a variable already set) and
 * `Settings(env_file=".env", env_prefix="ROUNDTABLE_")` from the working folder `/app`. So every key of a file
 * mounted at `/app/.env` reaches the program, below the process environment (facts §14.1). The worker and beat
 * images run the same code from `/app` (service/Dockerfile.worker), so a mount there would be read the same way.
 */
const CONFIG_PY_READER =
  'service/app/core/config.py (python-dotenv load_dotenv(), then pydantic Settings with env_file=".env")';
export const CRUCIBLE_MOUNTED_ENV_READERS = ['api', 'worker', 'beat'].map((service) => ({
  service,
  path: '/app/.env',
  prefix: '',
  reader: CONFIG_PY_READER,
}));

/**
 * The built-in Crucible CE profile. Typed by the schema's type here and parsed with the schema itself
 * (StackProfile: names, lengths, duplicates) by test/unit/core/stack/profile.test.ts rather than at load,
 * so that the CLI's check-env starts without loading zod (issue 20).
 */
export const crucibleCeProfile: StackProfile = {
  id: 'crucible-ce',
  name: 'Crucible Community Edition',
  source: 'roundtablelabs/crucible-community @ 2d1840e469a244a37e11beb8c7f6a91efc10a5e8',
  weakValues: CRUCIBLE_WEAK_VALUES,
  fallbackEncryptionKey: CRUCIBLE_FALLBACK_ENCRYPTION_KEY,
  settingTypes: CRUCIBLE_SETTING_TYPES,
  variables,
  mountedEnvReaders: CRUCIBLE_MOUNTED_ENV_READERS,
};

/** The variables a new `.env` contains, in file order. */
export function newEnvVariables(profile: StackProfile): Variable[] {
  return profile.variables.filter((v) => v.inNewEnv);
}
