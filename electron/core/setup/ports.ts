import type { Environment } from '../../common/model/deployment';
import type { Finding } from '../../common/model/finding';

/**
 * What the setup wizard needs from the `.env` engine (core/envfile) and the validation engine
 * (core/validation). Kept as two small interfaces so the draft logic reads the same whatever their internal
 * shape; setup/wiring.ts adapts the real modules to them.
 */
export interface EnvReadResult {
  /** The value compose hands on for each key (the last occurrence wins, as in compose). */
  values: Map<string, string>;
  /** Every key in file order, once. */
  keys: string[];
  problems: Array<{ line: number; message: string; fatal: boolean }>;
}

export interface EnvEngine {
  /** Parses a `.env` text the way docker compose v2 does. Never throws for bad input: problems say what is wrong. */
  read(text: string): EnvReadResult;
  /**
   * Sets `changes` (key → value) in `text`, keeping every byte it does not manage; managed values are
   * single-quoted; keys not yet present are appended.
   * @throws AppError ENV_UNSAFE_VALUE naming the variable and the character when a value cannot be written safely.
   */
  apply(text: string, changes: Record<string, string>): string;
  /** Why `value` cannot be written to a `.env` safely (a message without the value), or null. */
  unsafeReason(value: string): string | null;
}

/** check-env: findings for a `.env` text in an environment; findings never contain values. */
export type CheckEnv = (text: string, environment: Environment) => Finding[];
