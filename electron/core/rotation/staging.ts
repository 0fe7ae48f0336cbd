import { serviceFor, type Keychain } from '../keychain/keychain';

/**
 * Where a rotation keeps values in the keychain while it runs: a service of its own per run,
 * `crucible-secrets/<deployment>/rotation/<runId>`, with accounts `<VAR>#next` (the new value),
 * `<VAR>#previous` (the keychain's value before the rotation) and `<VAR>#previous-env` (the `.env` value
 * before the rotation: for the login password, the previous bcrypt hash). A run's entries are dropped only
 * after a confirmation or a completed rollback; a run whose record was lost keeps its entries (never deleted
 * by another run), so no previous value can be overwritten by a second rotation.
 */
export function stagingService(deploymentId: string, runId: string): string {
  return `${serviceFor(deploymentId)}/rotation/${runId}`;
}

export type StagedSlot = 'next' | 'previous' | 'previous-env';

export function slotAccount(variable: string, slot: StagedSlot): string {
  return `${variable}#${slot}`;
}

export class Staging {
  constructor(
    private readonly kc: Keychain,
    readonly service: string,
    private readonly variable: string,
  ) {}

  get(slot: StagedSlot): Promise<string | null> {
    return this.kc.get(this.service, slotAccount(this.variable, slot));
  }

  set(slot: StagedSlot, value: string): Promise<void> {
    return this.kc.set(this.service, slotAccount(this.variable, slot), value);
  }

  async clear(): Promise<void> {
    for (const slot of ['next', 'previous', 'previous-env'] as const)
      await this.kc.delete(this.service, slotAccount(this.variable, slot));
  }
}
