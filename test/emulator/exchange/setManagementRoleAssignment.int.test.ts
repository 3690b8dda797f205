/** Set-ManagementRoleAssignment over real HTTP: scope and enabled changes, parameter sets, not-found, its audit record. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.js';
import { WATCHDOG_APP } from '../../../emulator/scenarios/baseTenant.js';
import { ASSIGNMENTS } from '../../../emulator/scenarios/forgottenMigrations.js';
import { useEmulator } from '../../support/emulator.js';
import { cmdletFailure, invoke } from '../../support/emulatorHttp.js';

const clock = new ManualClock('2026-11-02T10:00:00.000Z');
const emulator = useEmulator({ clock });
const BINDING = 'System.Management.Automation.ParameterBindingException';

async function assignment(identity: string) {
  const res = await invoke(emulator(), 'Get-ManagementRoleAssignment', { Identity: identity });
  expect(res.status).toBe(200);
  return res.body.value[0];
}

const setRecords = () => emulator().state.auditRecords.filter((r) => r.operation === 'Set-ManagementRoleAssignment');

describe('Set-ManagementRoleAssignment', () => {
  it('scopes a role group assignment by name, answers with no value, and writes its audit record', async () => {
    const before = await assignment(ASSIGNMENTS.pstMigrationOperators.guid);
    clock.advance(60_000);
    const res = await invoke(emulator(), 'Set-ManagementRoleAssignment', {
      Identity: ASSIGNMENTS.pstMigrationOperators.name,
      CustomRecipientWriteScope: 'Migration Custodians',
    });
    expect(res.status).toBe(200);
    expect(res.body.value).toBeUndefined();
    const after = await assignment(ASSIGNMENTS.pstMigrationOperators.guid);
    expect(after).toMatchObject({
      CustomRecipientWriteScope: 'Migration Custodians',
      RecipientWriteScope: 'CustomRecipientScope',
      Enabled: true,
    });
    expect(Date.parse(after.WhenChangedUTC)).toBeGreaterThan(Date.parse(before.WhenChangedUTC));
    expect(setRecords()).toEqual([
      expect.objectContaining({
        recordType: 'exchangeAdmin',
        userPrincipalName: WATCHDOG_APP.appId,
        objectId: ASSIGNMENTS.pstMigrationOperators.name,
        parameters: [
          { Name: 'Identity', Value: ASSIGNMENTS.pstMigrationOperators.name },
          { Name: 'CustomRecipientWriteScope', Value: 'Migration Custodians' },
        ],
      }),
    ]);
  });

  it('disables by guid, and a predefined Organization scope or $null overwrites a custom one', async () => {
    const { guid } = ASSIGNMENTS.alexw;
    expect((await invoke(emulator(), 'Set-ManagementRoleAssignment', { Identity: guid, Enabled: false })).status).toBe(
      200,
    );
    expect(await assignment(guid)).toMatchObject({ Enabled: false });
    await invoke(emulator(), 'Set-ManagementRoleAssignment', {
      Identity: guid,
      RecipientAdministrativeUnitScope: 'EU',
    });
    expect(await assignment(guid)).toMatchObject({
      RecipientAdministrativeUnitScope: 'EU',
      RecipientWriteScope: 'AdministrativeUnit',
    });
    await invoke(emulator(), 'Set-ManagementRoleAssignment', { Identity: guid, CustomRecipientWriteScope: 'Sales' });
    expect(await assignment(guid)).toMatchObject({
      CustomRecipientWriteScope: 'Sales',
      RecipientAdministrativeUnitScope: null,
    });
    await invoke(emulator(), 'Set-ManagementRoleAssignment', {
      Identity: guid,
      RecipientRelativeWriteScope: 'Organization',
    });
    expect(await assignment(guid)).toMatchObject({
      CustomRecipientWriteScope: null,
      RecipientWriteScope: 'Organization',
    });
    await invoke(emulator(), 'Set-ManagementRoleAssignment', { Identity: guid, CustomRecipientWriteScope: 'Sales' });
    await invoke(emulator(), 'Set-ManagementRoleAssignment', { Identity: guid, CustomRecipientWriteScope: null });
    expect(await assignment(guid)).toMatchObject({
      CustomRecipientWriteScope: null,
      RecipientWriteScope: 'Organization',
    });
    expect(setRecords().map((r) => r.parameters.at(-1))).toEqual([
      { Name: 'Enabled', Value: 'False' },
      { Name: 'RecipientAdministrativeUnitScope', Value: 'EU' },
      { Name: 'CustomRecipientWriteScope', Value: 'Sales' },
      { Name: 'RecipientRelativeWriteScope', Value: 'Organization' },
      { Name: 'CustomRecipientWriteScope', Value: 'Sales' },
      { Name: 'CustomRecipientWriteScope', Value: '' },
    ]);
  });

  it('scopes an app assignment with -CustomResourceScope only', async () => {
    const app = ASSIGNMENTS.archiveExporter.name;
    const res = await invoke(emulator(), 'Set-ManagementRoleAssignment', {
      Identity: app,
      CustomResourceScope: 'Finance',
    });
    expect(res.status).toBe(200);
    expect(await assignment(app)).toMatchObject({ CustomResourceScope: 'Finance' });
    const recipientScope = await invoke(emulator(), 'Set-ManagementRoleAssignment', {
      Identity: app,
      CustomRecipientWriteScope: 'Finance',
    });
    expect(recipientScope.status).toBe(400);
    const resourceScope = await invoke(emulator(), 'Set-ManagementRoleAssignment', {
      Identity: ASSIGNMENTS.alexw.name,
      CustomResourceScope: 'Finance',
    });
    expect(resourceScope.status).toBe(400);
    expect(cmdletFailure(resourceScope.body).Message).toContain('app assignments only');
  });

  it('refuses scope parameters of two parameter sets, bad values and an unknown identity, and changes nothing', async () => {
    const { guid } = ASSIGNMENTS.alexw;
    const refused = [
      { Identity: guid, CustomRecipientWriteScope: 'Sales', RecipientAdministrativeUnitScope: 'EU' },
      { Identity: guid, RecipientRelativeWriteScope: 'Organization', CustomRecipientWriteScope: 'Sales' },
      { Identity: guid, RecipientRelativeWriteScope: 'Everyone' },
      { Identity: guid, RecipientAdministrativeUnitScope: null },
      { Identity: guid, Enabled: 'false' },
    ];
    for (const params of refused) {
      const res = await invoke(emulator(), 'Set-ManagementRoleAssignment', params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(cmdletFailure(res.body).TypeName, JSON.stringify(params)).toBe(BINDING);
    }
    const twoSets = await invoke(emulator(), 'Set-ManagementRoleAssignment', refused[0]);
    expect(cmdletFailure(twoSets.body).Message).toContain('Parameter set cannot be resolved');
    // Parameters the cmdlet has but the emulator's assignments cannot hold are refused as such, not as unknown.
    for (const name of ['RecipientOrganizationalUnitScope', 'ExclusiveRecipientWriteScope']) {
      const res = await invoke(emulator(), 'Set-ManagementRoleAssignment', { Identity: guid, [name]: 'x' });
      expect(res.status, name).toBe(400);
      expect(cmdletFailure(res.body), name).toMatchObject({
        TypeName: 'System.NotSupportedException',
        Message: `The emulator does not model -${name}.`,
      });
    }

    const missing = await invoke(emulator(), 'Set-ManagementRoleAssignment', {
      Identity: 'c0ffee00-0000-4000-8000-000000000000',
      Enabled: false,
    });
    expect(missing.status).toBe(404);
    expect(cmdletFailure(missing.body)).toMatchObject({
      Id: 'Ex6F9304',
      TypeName: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
    });
    expect(await assignment(guid)).toMatchObject({ Enabled: true, CustomRecipientWriteScope: null });
    expect(setRecords()).toEqual([]);
  });

  it('sets nothing and records nothing without a value to set', async () => {
    const res = await invoke(emulator(), 'Set-ManagementRoleAssignment', { Identity: ASSIGNMENTS.alexw.guid });
    expect(res.status).toBe(200);
    expect(setRecords()).toEqual([]);
  });
});
