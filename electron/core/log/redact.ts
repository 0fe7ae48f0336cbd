/**
 * Redaction at the sink (Signal Desktop's approach): every line passes through here before it is written,
 * whatever the caller put in it. Two nets: values the app knows are secret (registered when handled), and
 * shapes that are secret whoever wrote them (bcrypt hashes, Fernet tokens, passwords inside URLs).
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}/g, '[REDACTED:bcrypt]'],
  [/gAAAAA[A-Za-z0-9_-]{20,}={0,2}/g, '[REDACTED:fernet]'],
  [/\$argon2(?:id|i|d)\$[^\s"']+/g, '[REDACTED:argon2]'],
  // scheme://user:password@host  →  keep the user, hide the password
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, '$1[REDACTED]@'],
];

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remember a value that must never be written anywhere. Short values are ignored: they would mangle text. */
  register(value: string): void {
    if (value.length < 6) return;
    this.secrets.add(value);
    // Lines are redacted after JSON encoding, which escapes quotes, backslashes and control characters:
    // remember the encoded form too, or a value like `pa"ss\word` would slip through.
    const encoded = JSON.stringify(value).slice(1, -1);
    if (encoded !== value) this.secrets.add(encoded);
  }

  forget(value: string): void {
    this.secrets.delete(value);
    this.secrets.delete(JSON.stringify(value).slice(1, -1));
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
    for (const [re, repl] of PATTERNS) out = out.replace(re, repl);
    return out;
  }
}
