// Entry point of the Function App bundle: importing a function module registers it with the host.
import { app } from '@azure/functions';
import './auditExport/index.js';
import './auditTimer/index.js';
import './doctor/index.js';
import './grantRequest/index.js';
import './revokeExpired/index.js';
import './webApp/index.js';

// Responses stream from the worker instead of being buffered: auditor exports can be a year of history.
app.setup({ enableHttpStream: true });
