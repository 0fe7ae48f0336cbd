import { z } from 'zod';

/**
 * Errors are values with a code and a message that tells the admin what to do next.
 * Messages never contain secret values, file contents or stack traces (ARCHITECTURE.md §3).
 */
export const ErrorShape = z.object({
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  message: z.string(),
});
export type ErrorShape = z.infer<typeof ErrorShape>;

/** Codes every layer may raise. Domains add their own codes (e.g. `ENV_UNSAFE_VALUE`) next to their logic. */
export const BaseErrorCode = {
  IpcUnknownChannel: 'IPC_UNKNOWN_CHANNEL',
  IpcForbiddenSender: 'IPC_FORBIDDEN_SENDER',
  IpcBadRequest: 'IPC_BAD_REQUEST',
  IpcBadResponse: 'IPC_BAD_RESPONSE',
  Internal: 'INTERNAL',
} as const;

/** An error meant to reach the admin: its message is safe to show and to log. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: string,
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
