/**
 * Fix identifiers carried by findings. A fixId names the change, not a path the renderer may choose: the
 * fix engine only applies a fixId that a fresh audit of the same deployment produces again.
 */
export const fixIds = {
  bindLoopback: (file: string, service: string, index: number) => `bind-loopback:${file}:${service}:${index}`,
  envReference: (file: string, service: string, variable: string) => `env-reference:${file}:${service}:${variable}`,
  gitignoreEnv: () => 'gitignore-env',
  chmod600: (file: string) => `chmod-600:${file}`,
};

export type ParsedFixId =
  | { kind: 'bind-loopback'; file: string; service: string; index: number }
  | { kind: 'env-reference'; file: string; service: string; variable: string }
  | { kind: 'gitignore-env' }
  | { kind: 'chmod-600'; file: string };

/** Parses a fixId; null when it is not one the app makes. */
export function parseFixId(id: string): ParsedFixId | null {
  if (id === 'gitignore-env') return { kind: 'gitignore-env' };
  const [kind, ...rest] = id.split(':');
  if (kind === 'chmod-600' && rest.length === 1) return { kind, file: rest[0] ?? '' };
  if (kind === 'bind-loopback' && rest.length === 3) {
    const index = Number(rest[2]);
    if (!Number.isInteger(index) || index < 0) return null;
    return { kind, file: rest[0] ?? '', service: rest[1] ?? '', index };
  }
  if (kind === 'env-reference' && rest.length === 3) return { kind, file: rest[0] ?? '', service: rest[1] ?? '', variable: rest[2] ?? '' };
  return null;
}
