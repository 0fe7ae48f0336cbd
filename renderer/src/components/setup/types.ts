export type { ComposeChange, StepIssue } from '../../../../electron/common/ipc/setup.ipc';
export type { Environment } from '../../../../electron/common/model/deployment';
