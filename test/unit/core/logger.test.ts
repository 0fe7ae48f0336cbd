import { describe, expect, it } from 'vitest';
import { createLogger, memorySink } from '../../../electron/core/log/logger';

describe('redacting logger', () => {
  it('never writes a registered secret, whatever field it hides in', () => {
    const sink = memorySink();
    const log = createLogger({ sink });
    const secret = 'S3cr3t-Value-xyz-123';
    log.redactor.register(secret);
    log.info('event', { nested: { a: `prefix ${secret} suffix` }, error: new Error(`failed with ${secret}`) });
    expect(sink.lines.join('\n')).not.toContain(secret);
    expect(sink.lines.join('\n')).toContain('[REDACTED]');
  });

  it('hides secret shapes nobody registered: bcrypt hashes, Fernet tokens, URL passwords', () => {
    const sink = memorySink();
    const log = createLogger({ sink });
    const bcrypt = '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW';
    const fernet = 'gAAAAABlbW9ja3Rva2VuLXRoYXQtaXMtbG9uZy1lbm91Z2g=';
    log.warn('x', { a: bcrypt, b: fernet, c: 'redis://:hunter2pass@redis:6379/0' });
    const text = sink.lines.join('\n');
    expect(text).not.toContain('R9h/cIPz');
    expect(text).not.toContain('bW9ja3Rva2Vu');
    expect(text).not.toContain('hunter2pass');
    expect(text).toContain('redis://:[REDACTED]@redis');
  });

  it('redacts values whose JSON encoding differs (quotes, backslashes, control characters)', () => {
    const sink = memorySink();
    const log = createLogger({ sink });
    const secret = 'pa"ss\\word\ttab-x';
    log.redactor.register(secret);
    log.info('typed', { password: secret, msg: `got ${secret}` });
    const text = sink.lines.join('\n');
    expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(text).not.toContain('ss\\\\word');
    expect(text.match(/\[REDACTED\]/g)).toHaveLength(2);
  });

  it('drops stack traces from errors', () => {
    const sink = memorySink();
    createLogger({ sink }).error('x', { error: new Error('boom') });
    expect(sink.lines[0]).toContain('boom');
    expect(sink.lines[0]).not.toContain('logger.test.ts');
  });
});
