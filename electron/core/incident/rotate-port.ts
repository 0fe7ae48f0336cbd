/**
 * What the incident runbook needs from the rotation feature (issue 7): the secrets of a deployment in
 * dependency order, and rotating one of them completely (staged, written, applied, verified, committed)
 * so the runbook can record progress after each secret and resume after an interruption.
 */
export interface IncidentRotator {
  /**
   * The rotatable secrets of the deployment, in the order they must be rotated; only those in `only` when
   * given. Secrets that cannot be rotated (POSTGRES_USER, unused settings) are left out.
   * @throws AppError DEPLOYMENT_UNKNOWN, ROTATION_* naming the problem
   */
  plan(deploymentId: string, only?: readonly string[]): Promise<string[]>;
  /**
   * Rotates one secret through its playbook and resolves with the generation it reached.
   * @throws AppError ROTATION_* (safe message); the secret is then rolled back or left resumable by the
   *   rotation feature, never half-written.
   */
  rotateOne(deploymentId: string, variable: string): Promise<{ generation: number }>;
}
