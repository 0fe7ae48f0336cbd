import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { audit, FIXTURES, materialise, target } from './helpers';

interface Expected {
  environment: 'production' | 'staging' | 'development';
  composeFiles: string[];
  findings: Array<{ code: string; severity: string; service?: string; file?: string; line?: number }>;
}

const cases = readdirSync(FIXTURES).filter((d) => statSync(join(FIXTURES, d)).isDirectory());

describe('the audit over the compose fixture corpus', () => {
  it('has the expected cases', () => {
    expect(cases).toEqual(
      expect.arrayContaining([
        'stock-dev',
        'stock-prod',
        'ports-all-syntaxes',
        'override',
        'broken-yaml',
        'hardcoded-secrets',
      ]),
    );
  });

  it.each(cases)('%s: reports exactly the expected findings', async (name) => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected;
    const result = await audit(target(materialise(name), expected.environment, expected.composeFiles));
    const got = result.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      service: f.service,
      file: f.file,
      line: f.line,
    }));
    const key = (f: Expected['findings'][number]) =>
      `${f.code}|${f.severity}|${f.service ?? ''}|${f.file ?? ''}|${f.line ?? ''}`;
    // Expected entries without file/line match any file/line.
    const remaining = [...got];
    for (const want of expected.findings) {
      const i = remaining.findIndex(
        (g) =>
          g.code === want.code &&
          g.severity === want.severity &&
          g.service === want.service &&
          (want.file === undefined || g.file === want.file) &&
          (want.line === undefined || g.line === want.line),
      );
      expect(i, `missing ${key(want)}; got:\n${got.map(key).join('\n')}`).toBeGreaterThanOrEqual(0);
      remaining.splice(i, 1);
    }
    expect(remaining.map(key), 'unexpected findings').toEqual([]);
  });

  it.each(cases)('%s: no finding quotes a value from .env', async (name) => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected;
    const dir = materialise(name);
    const result = await audit(target(dir, expected.environment, expected.composeFiles));
    const text = JSON.stringify(result);
    expect(text).not.toContain('CANARY');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('literal-redis-pass');
  });

  it('reports broken YAML with the file and line, and skips the compose checks', async () => {
    const result = await audit(target(materialise('broken-yaml')));
    const f = result.findings.find((x) => x.code === 'COMPOSE_YAML_INVALID');
    expect(f?.message).toMatch(
      /docker-compose\.yml is not valid YAML \(line 6, column \d+\): the indentation is wrong/,
    );
  });

  it('merges docker-compose.override.yml: !reset removes the frontend port, the override adds the postgres port', async () => {
    const result = await audit(target(materialise('override')));
    expect(result.files).toEqual(['.env', 'docker-compose.yml', 'docker-compose.override.yml']);
    expect(result.findings.some((f) => f.service === 'frontend')).toBe(false);
  });

  it('an explicit -f list skips the override file', async () => {
    const result = await audit(target(materialise('override'), 'development', ['docker-compose.yml']));
    expect(result.findings.map((f) => f.code)).not.toContain('COMPOSE_DATASTORE_PORT_PUBLISHED');
  });
});
