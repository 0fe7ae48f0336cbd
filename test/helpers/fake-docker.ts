import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fake `docker` to put first on PATH where no Docker engine exists: logs its argv, swallows stdin, answers
 * the provider-key export (a query on user_settings) with an empty JSON array, and succeeds otherwise.
 */
export function fakeDocker(): { bin: string; log: string } {
  const bin = mkdtempSync(join(tmpdir(), 'cs-incident-docker-'));
  const log = join(bin, 'docker.log');
  writeFileSync(
    join(bin, 'docker'),
    `#!/bin/sh\nprintf 'ARGV %s\\n' "$*" >> "${log}"\ncat > /dev/null\ncase "$*" in *user_settings*|*provider_api_keys*) printf '[]' ;; *"exec -T api python"*) printf '{"results":[{"check":"health","ok":true,"detail":"GET /api/health answered 200"}]}\\n' ;; *pg_dump*) printf -- '-- PostgreSQL database dump\\n' ;; esac\nexit 0\n`,
  );
  chmodSync(join(bin, 'docker'), 0o755);
  return { bin, log };
}
