import { z } from 'zod';
import { SEVERITIES } from './severity';

/**
 * A finding from check-env, the audit or any other check. Its text and evidence never contain a secret
 * value (ARCHITECTURE.md §3): evidence names files, lines, keys, lengths and fingerprints only.
 */
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export const Finding = z.object({
  /** Stable, e.g. `ENV_WEAK_VALUE`, `COMPOSE_DB_PORT_PUBLISHED`. */
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  severity: Severity,
  /** One line, shown as the finding's heading. */
  title: z.string(),
  /** What is wrong and why it matters. */
  message: z.string(),
  /** How to fix it, in plain words. */
  howToFix: z.string(),
  variable: z.string().optional(),
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
  service: z.string().optional(),
  /** Concrete evidence without values (e.g. `ports: "5432:5432" in docker-compose.yml:41`). */
  evidence: z.string().optional(),
  /** Set when the app can fix this itself (previewed as a diff first). */
  fixId: z.string().optional(),
  /**
   * For `.env` findings: true when the value stops Crucible from starting (compose, validate_env.py or
   * Settings() refuses it); false when Crucible would start and the finding is the app's stricter advice.
   * Absent where nobody has judged it (most audit rules).
   */
  blocksStart: z.boolean().optional(),
  /** Set on a summary standing for this many more findings of the same code (audit/cap-findings.ts). */
  more: z.number().int().positive().optional(),
});
export type Finding = z.infer<typeof Finding>;
