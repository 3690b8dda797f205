/** The tenant emulator's public surface. */
export {
  startEmulator,
  EMULATOR_ACCESS_KEY,
  type ChannelEndpoints,
  type EmulatorOptions,
  type RunningEmulator,
} from './server.js';
export type { DataCollectionRule, LogsUpload, TeamsPost, WebhookDelivery } from './channels/channelState.js';
export type { CallRecord, CallFilter, CallLog } from './callLog.js';
export type { Fault, FaultRule, Faults } from './faults.js';
export type { SentEmail } from './email/route.js';
export type { TenantSeed } from './seed.js';
export type { TenantState, ExportPath } from './tenantState.js';
export { SCENARIOS, DEFAULT_SCENARIO } from './scenarios/index.js';
