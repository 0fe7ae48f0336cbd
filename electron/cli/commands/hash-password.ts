import { AppError } from '../../common/errors';
import { formatEnvLine } from '../../core/envfile';
import { BCRYPT_DEFAULT_COST, hashPassword } from '../../core/hashing';
import { createStrengthChecker } from '../../core/secrets';
import { ExitCode, UsageError, writeJson, type Command } from '../command';
import { promptHidden, readStdinLine } from './secret-input';

const VARIABLE = 'ROUNDTABLE_COMMUNITY_AUTH_PASSWORD';

export const hashPasswordCommand: Command = {
  name: 'hash-password',
  summary: 'Hash a login password (bcrypt $2b$, cost 12) and print the single-quoted .env line',
  usage: `crucible-secrets hash-password [--cost N] [--json]

Reads the password from a no-echo prompt (asked twice) when stdin is a terminal, otherwise from the first
line of stdin (e.g. \`pass show crucible | crucible-secrets hash-password\`). Never pass the password as an
argument: it would land in the shell history and the process list.

Prints ${VARIABLE}='<bcrypt hash>' — single-quoted, because docker compose would otherwise read the "$"
signs of the hash as variables. Apply it with \`docker compose up -d api\` (restart keeps the old value).

Options:
  --cost N   bcrypt cost, 12 to 16 (default ${BCRYPT_DEFAULT_COST})
  --json     print {"variable", "hash", "line"}`,
  exitCodes: { 0: 'printed', 65: 'the password cannot be used (empty, too short, over 72 bytes, mismatch)' },
  options: { cost: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }, io) {
    const cost = values.cost === undefined ? BCRYPT_DEFAULT_COST : Number(values.cost);
    if (!Number.isInteger(cost)) throw new UsageError('--cost must be an integer from 12 to 16');
    let password: string;
    if (io.stdin.isTTY) {
      password = await promptHidden(io, 'New login password: ');
      const again = await promptHidden(io, 'Repeat it: ');
      if (again !== password) throw new AppError('HASH_MISMATCH', 'The two passwords differ; nothing was hashed.');
    } else {
      password = await readStdinLine(io);
    }
    if (Array.from(password).length < 8)
      throw new AppError(
        'HASH_PASSWORD_TOO_SHORT',
        'The password has fewer than 8 characters, which Crucible refuses for new passwords. Choose a longer one.',
      );
    const hash = await hashPassword(password, cost);
    const checker = createStrengthChecker();
    const strength = await checker.check(password).finally(() => checker.close());
    if (strength.score < 3) {
      io.stderr.write(
        `Warning: this password is guessable (strength ${strength.score}/4${strength.warning ? `: ${strength.warning}` : ''}). Consider a longer, random one.\n`,
      );
    }
    const line = formatEnvLine(VARIABLE, hash);
    if (values.json) writeJson(io, { variable: VARIABLE, hash, line });
    else io.stdout.write(`${line}\n`);
    return ExitCode.Ok;
  },
};
