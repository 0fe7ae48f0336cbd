import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../common/errors';
import { Environment } from '../../common/model/deployment';
import { writeFileAtomic } from '../../core/fs/atomic-write';
import { BCRYPT_DEFAULT_COST } from '../../core/hashing';
import { generateNewEnv } from '../../core/secrets';
import { crucibleCeProfile } from '../../core/stack';
import { ExitCode, UsageError, type Command } from '../command';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Generate a complete .env for a new Crucible deployment',
  usage: `crucible-secrets generate --environment production|staging|development [--out FILE]
                          [--public-url URL] [--cors-origin URL]... [--cost N]

Generates every secret of a new Crucible CE deployment from the OS CSPRNG (64-character JWT secrets,
a 43-character API_KEY_ENCRYPTION_KEY, a 12-character [a-z0-9] POSTGRES_USER, …), all single-quoted.
The login password is generated too and shown ONCE on stderr; the .env holds only its bcrypt hash.

Without --out the .env goes to stdout. With --out it is written atomically with mode 0600, and an existing
file is never replaced (new database credentials are ignored by an existing volume and a new encryption key
orphans every stored provider key: rotate instead).

Options:
  --environment ENV   production, staging or development (required)
  --public-url URL    the address users type in their browser, https:// (required for production and
                      staging); written as ROUNDTABLE_FRONTEND_URL
  --cors-origin URL   an allowed origin (repeatable, or comma-separated; default: the public URL's origin)
  --cost N            bcrypt cost for the login password hash, 12 to 16 (default ${BCRYPT_DEFAULT_COST})

The same names as \`crucible-secrets init\`. The old spellings --frontend-url and --cors-origins LIST are
still accepted for this release.`,
  exitCodes: { 0: 'generated', 65: 'the output file already exists, or a value is refused (nothing written)' },
  aliases: { 'frontend-url': 'public-url', 'cors-origins': 'cors-origin' },
  options: {
    environment: { type: 'string', short: 'e' },
    out: { type: 'string', short: 'o' },
    'public-url': { type: 'string' },
    'cors-origin': { type: 'string', multiple: true },
    cost: { type: 'string' },
  },
  async run({ values }, io) {
    const env = Environment.safeParse(values.environment);
    if (!env.success) throw new UsageError('--environment must be production, staging or development');
    const cost = values.cost === undefined ? BCRYPT_DEFAULT_COST : Number(values.cost);
    if (!Number.isInteger(cost)) throw new UsageError('--cost must be an integer from 12 to 16');
    const frontendUrl = values['public-url'] as string | undefined;
    if (env.data !== 'development' && frontendUrl === undefined)
      throw new UsageError(`--public-url is required for ${env.data} (the public https:// URL of the frontend)`);
    const out = values.out as string | undefined;
    if (out !== undefined && existsSync(out)) {
      throw new AppError(
        'ENV_EXISTS',
        `${basename(out)} already exists. Regenerating would break the database login and orphan stored provider keys; rotate single secrets instead. Nothing was written.`,
      );
    }
    const result = await generateNewEnv(crucibleCeProfile, {
      environment: env.data,
      frontendUrl,
      corsOrigins: Array.isArray(values['cors-origin']) ? (values['cors-origin'] as string[]).join(',') : undefined,
      bcryptCost: cost,
    });
    if (out !== undefined) await writeFileAtomic(out, result.text, { expectedSha256: null, mode: 0o600 });
    else io.stdout.write(result.text);
    const bits = result.generated
      .map(
        (g) =>
          `  ${g.name.padEnd(36)} ${String(g.length).padStart(3)} chars  ${g.entropyBits.toFixed(0).padStart(3)} bits`,
      )
      .join('\n');
    io.stderr.write(
      `${out !== undefined ? `Wrote ${out} (mode 0600).\n` : ''}Generated from the OS CSPRNG:\n${bits}\n\n` +
        (result.loginPassword !== null
          ? `Login password (shown once — store it in your password manager now):\n  ${result.loginPassword}\n`
          : '') +
        'Start or apply with `docker compose up -d` (never `restart`).\n',
    );
    return ExitCode.Ok;
  },
};
