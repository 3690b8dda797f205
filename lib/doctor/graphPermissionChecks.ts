/**
 * One cheap Graph read per application permission the watchdog holds (docs/permissions.md,
 * scripts/permissions/permissions.json): the least-privileged permission for each call, per the Graph API
 * reference of list users, list groups, list unifiedRoleAssignments, list servicePrincipals and list
 * auditLogQueries. A 403 (Authorization_RequestDenied) names the permission.
 */
import { PermissionError, type DoctorProbes } from '../ports/index.js';
import { fail, messageOf, pass, APP_ROLES_FIX, type CheckResult } from './doctorCheck.js';
import type { DoctorSettings } from './doctorSettings.js';

export interface GraphPermissionProbe {
  permission: string;
  path: string;
  version: 'v1.0' | 'beta';
  /** Checked only when the feature that needs it is on. */
  when?: (config: DoctorSettings) => boolean;
}

export const GRAPH_PERMISSION_PROBES: GraphPermissionProbe[] = [
  { permission: 'User.Read.All', path: '/users?$top=1&$select=id', version: 'v1.0' },
  { permission: 'GroupMember.Read.All', path: '/groups?$top=1&$select=id', version: 'v1.0' },
  {
    permission: 'RoleManagement.Read.Directory',
    path: '/roleManagement/directory/roleAssignments?$top=1',
    version: 'v1.0',
  },
  { permission: 'Application.Read.All', path: '/servicePrincipals?$top=1&$select=id', version: 'v1.0' },
  {
    permission: 'AuditLogsQuery-Exchange.Read.All',
    path: '/security/auditLog/queries?$top=1',
    version: 'beta',
    when: (config) => config.auditLogQuery,
  },
];

export function graphFix(permission: string): string {
  return `Grant the watchdog's identity the Microsoft Graph application permission ${permission} (app role assignment, admin consent): ${APP_ROLES_FIX}.`;
}

export async function checkGraphPermissions(config: DoctorSettings, probes: DoctorProbes): Promise<CheckResult[]> {
  const wanted = GRAPH_PERMISSION_PROBES.filter((p) => !p.when || p.when(config));
  return Promise.all(
    wanted.map(async (probe) => {
      const name = `Graph ${probe.permission}`;
      try {
        await probes.graph(probe.path, probe.permission, probe.version);
        return pass(name, `GET ${probe.version === 'beta' ? '/beta' : '/v1.0'}${probe.path.split('?')[0]} answered.`);
      } catch (error) {
        if (error instanceof PermissionError) return fail(name, messageOf(error), graphFix(probe.permission));
        return fail(
          name,
          messageOf(error),
          'Graph could not be read; check WATCHDOG_GRAPH_URL and the credential, then run doctor again.',
        );
      }
    }),
  );
}
