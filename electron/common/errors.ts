import type { ErrorCode } from './error-codes';
import type { ErrorShape } from './ipc/error-shape';

export { ERROR_CODES, type ErrorCode } from './error-codes';
export type { ErrorShape } from './ipc/error-shape';

/**
 * Errors are values with a code and a message that tells the admin what to do next.
 * Messages never contain secret values, file contents or stack traces (ARCHITECTURE.md §3).
 * No zod here: every command of the CLI loads this file (issue 20); the schema of an error as it crosses
 * IPC is `ErrorShape` in ipc/error-shape.ts.
 */

/** Codes every layer may raise. Every other code is listed by area in `error-codes.ts`. */
export const BaseErrorCode = {
  IpcUnknownChannel: 'IPC_UNKNOWN_CHANNEL',
  IpcForbiddenSender: 'IPC_FORBIDDEN_SENDER',
  IpcBadRequest: 'IPC_BAD_REQUEST',
  IpcBadResponse: 'IPC_BAD_RESPONSE',
  Internal: 'INTERNAL',
} as const satisfies Record<string, ErrorCode>;

/** An error meant to reach the admin: its message is safe to show and to log. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  toShape(): ErrorShape {
    return { code: this.code, message: this.message };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
