import { AppError } from '../../common/errors';
import type { CliIO } from '../command';

/** The most we read from stdin for a password (a password is a line, not a file). */
const MAX_STDIN = 64 * 1024;

/**
 * Reads one line from a TTY without echoing it (raw mode; backspace edits, Ctrl-C cancels).
 * @throws AppError CLI_ABORTED on Ctrl-C.
 */
export function promptHidden(io: CliIO, label: string): Promise<string> {
  const { stdin, stderr } = io;
  stderr.write(label);
  return new Promise((resolve, reject) => {
    let buf = '';
    const cleanup = () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onEnd = () => {
      cleanup();
      resolve(buf);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          cleanup();
          resolve(buf);
          return;
        }
        if (ch === '\u0003') {
          cleanup();
          reject(new AppError('CLI_ABORTED', 'Cancelled; nothing was hashed.'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') {
          buf = Array.from(buf).slice(0, -1).join('');
          continue;
        }
        buf += ch;
      }
    };
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}

/**
 * Reads the first line of a piped stdin (without its line ending).
 * @throws AppError CLI_INPUT_TOO_LARGE beyond 64 KiB.
 */
export async function readStdinLine(io: CliIO): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > MAX_STDIN)
      throw new AppError('CLI_INPUT_TOO_LARGE', 'stdin holds more than 64 KiB; pipe only the password.');
    chunks.push(b);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const nl = text.search(/\r?\n/);
  return nl < 0 ? text : text.slice(0, nl);
}
