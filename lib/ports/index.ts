/**
 * The ports: the small interfaces the use cases depend on, and (lib/ports/errors.ts) the errors they throw.
 * Adapters implement them: lib/exchange (Exchange admin API), lib/graph (Microsoft Graph), lib/tableStorage (Table
 * Storage), lib/blob (journal anchors), lib/mail (ACS Email), lib/channels (Teams, webhook, Logs Ingestion),
 * lib/clock.ts. Ports import the domain and nothing else of the project.
 */
export type * from './anchors.js';
export type * from './apiAuth.js';
export type * from './auditState.js';
export type * from './basics.js';
export type * from './compliance.js';
export * from './channel.js';
export type * from './directory.js';
export type * from './doctorProbes.js';
export type * from './exchange.js';
export type * from './journalEvents.js';
export type * from './mail.js';
export type * from './store.js';
export type * from './usage.js';
export * from './errors.js';
