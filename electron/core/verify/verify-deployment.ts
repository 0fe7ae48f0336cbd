import type { DeploymentRef } from '../../common/model/deployment';
import type { DeploymentHost } from '../host/host';
import { parseLocation, type Location } from '../host/location';
import { diagnoseFailure } from '../host/diagnose';
import type { Redactor } from '../log/redact';
import { probeCommand, probeInput, readProbeReport, type CheckName, type CheckResult } from './probe';

export interface VerifyOutcome {
  ok: boolean;
  results: CheckResult[];
  /** When the check could not run at all (docker missing, the api container down), why, in words. */
  problem: { summary: string; hint: string } | null;
}

/**
 * Checks the running service of a deployment where it runs (after `docker compose up -d`, at the end of
 * setup, or whenever the admin asks): the api answers, Redis is connected, and with the admin's login
 * password, the login works and the stored provider keys read back. The password goes on stdin only.
 */
export async function verifyDeployment(
  deps: { openHost(location: Location): DeploymentHost; redactor: Redactor },
  d: DeploymentRef,
  options: { loginPassword?: string; waitSeconds?: number } = {},
): Promise<VerifyOutcome> {
  const checks: CheckName[] = [
    'health',
    'redis',
    ...(options.loginPassword !== undefined ? (['login', 'provider-keys'] as const) : []),
  ];
  if (options.loginPassword !== undefined) deps.redactor.register(options.loginPassword);
  const loc = parseLocation(d.folder, '/');
  const host = deps.openHost(loc);
  try {
    const cmd = probeCommand(d, checks);
    const stdin = probeInput({
      checks,
      waitSeconds: options.waitSeconds ?? 60,
      ...(options.loginPassword !== undefined ? { login: { password: options.loginPassword } } : {}),
    });
    const r = await host.run(cmd.argv, { cwd: loc.path, stdin, timeoutMs: 5 * 60 * 1000 });
    const results = readProbeReport(r.stdout);
    if (results === null) {
      const dg = diagnoseFailure(cmd.argv, r, (t) => deps.redactor.redact(t));
      return { ok: false, results: [], problem: { summary: dg.summary, hint: dg.hint } };
    }
    return { ok: results.every((c) => c.ok), results, problem: null };
  } finally {
    await host.close();
  }
}
