import { z } from 'zod';
import { ERROR_CODES } from '../error-codes';

/** The error codes as a schema, for payloads that carry one: `z.enum` of the list the `ErrorCode` type is read from. */
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** An `AppError` as it crosses IPC (`AppError.toShape()`): its code and message, never a stack, path or secret. */
export const ErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
});
export type ErrorShape = z.infer<typeof ErrorShape>;
