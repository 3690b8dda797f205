import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../../lib/config.js';

const repo = resolve(import.meta.dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(repo, 'scripts/permissions/permissions.json'), 'utf8')) as {
  graph: { appRoles: { value: string }[]; optionalAppRoles: { value: string; setting?: string }[] };
  exchange: { appRole: string; cmdlets: string[]; parentRoles: string[]; delegatedRole: string; roleGroup: string };
};
// New-ServicePrincipal is named only in advice to the operator (the script registers the identity), never run.
const CMDLET =
  /\b(?:(?:Get|New|Remove|Add|Set)-(?:ManagementRole(?:Assignment|Entry)?|RoleGroup(?:Member)?|User|Recipient)|Get-ServicePrincipal)\b/g;

function tsFiles(folder: string): string[] {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) =>
    e.isDirectory() ? tsFiles(join(folder, e.name)) : e.name.endsWith('.ts') ? [join(folder, e.name)] : [],
  );
}

function doc(name: string): string {
  return readFileSync(join(repo, 'docs', name), 'utf8');
}

describe('Exchange role of the watchdog (scripts/permissions/permissions.json)', () => {
  it('covers every cmdlet the ExchangeRbac port and the Exchange adapter name', () => {
    const ports = readFileSync(join(repo, 'lib/ports/exchange.ts'), 'utf8');
    const block = /export interface ExchangeRbac \{[\s\S]*?\n\}/.exec(ports)?.[0] ?? '';
    const used = new Set(block.match(CMDLET) ?? []);
    for (const file of tsFiles(join(repo, 'lib/exchange')))
      for (const c of readFileSync(file, 'utf8').match(CMDLET) ?? []) used.add(c);
    expect(used.size).toBeGreaterThanOrEqual(8);
    expect([...used].filter((c) => !manifest.exchange.cmdlets.includes(c))).toEqual([]);
  });

  it('ties every optional Graph app role to the setting that uses it', () => {
    expect(manifest.graph.optionalAppRoles.map((r) => [r.value, r.setting])).toEqual([
      ['AuditLogsQuery-Exchange.Read.All', 'WATCHDOG_AUDIT_LOG_QUERY'],
    ]);
    expect(SETTING_NAMES as readonly string[]).toContain('WATCHDOG_AUDIT_LOG_QUERY');
  });

  it('keeps reads in read-only parent roles ahead of Role Management', () => {
    expect(manifest.exchange.parentRoles.at(-1)).toBe('Role Management');
    expect(manifest.exchange.parentRoles.slice(0, -1).every((r) => r.startsWith('View-Only'))).toBe(true);
    expect(manifest.exchange.delegatedRole).toBe('Mailbox Import Export');
  });
});

describe('docs/permissions.md and docs/deployment.md', () => {
  it('explains every Graph app role, Exchange.ManageAsApp, every cmdlet and the delegating assignment', () => {
    const section = doc('permissions.md');
    const names = [
      ...manifest.graph.appRoles.map((r) => r.value),
      ...manifest.graph.optionalAppRoles.map((r) => r.value),
      manifest.exchange.appRole,
      ...manifest.exchange.cmdlets,
      ...manifest.exchange.parentRoles,
      manifest.exchange.roleGroup,
      'Storage Blob Data Owner',
      'Storage Table Data Contributor',
      'Monitoring Metrics Publisher',
    ];
    expect(names.filter((n) => !section.includes(n))).toEqual([]);
    expect(section).toMatch(/delegating/i);
  });

  it('documents deploy, configure, first run, upgrade, uninstall and national clouds', () => {
    const deployment = doc('deployment.md');
    for (const step of [
      'azd up',
      'First run',
      'Upgrade',
      'Uninstall',
      'National clouds',
      'Grant-WatchdogPermissions.ps1',
      'Remove-WatchdogPermissions.ps1',
    ]) {
      expect(deployment, step).toContain(step);
    }
    expect(doc('operations.md')).toContain('checkBicep.ts');
  });
});
