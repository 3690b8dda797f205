/**
 * The Microsoft Graph extension part of infra/: the offline check covers its declarations and resource types,
 * the API registration declares exactly the app roles the code enforces (and the scope the doctor and the
 * token check expect), and the identity's app role assignments come from the one permissions manifest.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_ROLES } from '../../lib/caller.js';
import { API_SCOPE } from '../../lib/doctor/apiChecks.js';
import { WATCHDOG_API } from '../../emulator/scenarios/baseTenant.js';
import {
  configuredGraphAliases,
  graphExtensionProblems,
  loadBicepParser,
  syntaxProblems,
} from '../../scripts/checkBicep.js';
import { BicepFile, INFRA as infra, loadInfra } from './bicepModel.js';

let api: BicepFile;
let main: BicepFile;

const literal = (file: BicepFile, node: Parameters<BicepFile['evaluate']>[0] | undefined) =>
  node ? file.evaluate(node, new Map()) : undefined;

beforeAll(async () => {
  [api, main] = (await loadInfra('modules/apiRegistration.bicep', 'main.bicep')) as [BicepFile, BicepFile];
});

describe('Microsoft Graph Bicep extension in the offline check', () => {
  const resource = "resource app 'Microsoft.Graph/applications@v1.0' = {\n  uniqueName: 'x'\n  displayName: 'x'\n}\n";

  it('bicepconfig.json maps microsoftGraphV1 to the v1.0 extension', () => {
    expect(configuredGraphAliases(infra)).toEqual(['microsoftGraphV1']);
  });

  it('accepts the documented declaration and v1.0 types, and refuses a Graph resource without the extension', async () => {
    const parser = await loadBicepParser();
    expect(syntaxProblems(parser, `extension microsoftGraphV1\n\n${resource}`)).toEqual([]);
    expect(graphExtensionProblems(`extension microsoftGraphV1\n\n${resource}`, ['microsoftGraphV1'])).toEqual([]);
    expect(graphExtensionProblems(resource, ['microsoftGraphV1'])).toEqual([
      expect.objectContaining({
        kind: 'ERROR',
        line: 1,
        message: expect.stringMatching(/without 'extension microsoftGraphV1'/),
      }),
    ]);
    expect(graphExtensionProblems(`extension microsoftGraphV1\n${resource}`, [])).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringMatching(/bicepconfig\.json/) }),
    ]);
  });

  it('reports a type the extension does not have, a beta version, and a malformed declaration', async () => {
    const parser = await loadBicepParser();
    const wrong =
      "extension microsoftGraphV1\nresource a 'Microsoft.Graph/applicationz@v1.0' = {}\nresource b 'Microsoft.Graph/groups@beta' = {}\n";
    expect(graphExtensionProblems(wrong, ['microsoftGraphV1']).map((p) => p.line)).toEqual([2, 3]);
    expect(syntaxProblems(parser, "extension microsoft graph v1\nparam a string = 'x'\n")).toEqual([
      expect.objectContaining({ kind: 'ERROR', line: 1 }),
    ]);
  });
});

describe('the API app registration (infra/modules/apiRegistration.bicep)', () => {
  function roles() {
    const array = api.variables.get('appRoles');
    if (array?.type !== 'array') throw new Error('apiRegistration.bicep has no `var appRoles = [ ... ]`');
    return array.namedChildren
      .filter((n) => n?.type === 'object')
      .map((o) => ({
        id: literal(api, BicepFile.property(o, ['id'])),
        value: literal(api, BicepFile.property(o, ['value'])),
      }));
  }

  it('declares exactly the app roles the code enforces, each with its own fixed id', () => {
    const declared = roles();
    expect(declared.map((r) => r.value)).toEqual([...APP_ROLES]);
    expect(new Set(declared.map((r) => String(r.id).toLowerCase())).size).toBe(APP_ROLES.length);
    for (const r of declared)
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The emulated tenant's registration (what the local doctor checks) has the same roles.
    expect(WATCHDOG_API.appRoles.map((r) => r.value)).toEqual([...APP_ROLES]);
  });

  it('exposes the access_as_user scope, asks for v2.0 tokens, and requires an app role for a token', () => {
    const source = readFileSync(join(infra, 'modules/apiRegistration.bicep'), 'utf8');
    expect(source).toMatch(new RegExp(`value: '${API_SCOPE}'`));
    expect(source).toMatch(/requestedAccessTokenVersion: 2\b/);
    expect(source).toMatch(/appRoleAssignmentRequired: true/);
    expect(source).toMatch(/allowedMemberTypes: \[\s*'User'\s*\]/);
  });

  it('main.bicep sets WATCHDOG_AUTH_AUDIENCE from it unless given, and gives the identity its tenant permissions', () => {
    const settings = main.variables.get('watchdogSettings');
    expect(settings && BicepFile.property(settings, ['WATCHDOG_AUTH_AUDIENCE'])?.text).toBe(
      '!empty(authAudience) ? authAudience : apiRegistration.outputs.appId',
    );
    const permissions = main.modules.get('graphPermissions');
    expect(permissions && BicepFile.property(permissions, ['params', 'principalId'])?.text).toBe(
      'identity.outputs.principalId',
    );
  });
});

describe('the identity permissions (infra/modules/graphPermissions.bicep)', () => {
  it('reads the Graph app roles and Exchange.ManageAsApp from the manifest the scripts read', () => {
    const source = readFileSync(join(infra, 'modules/graphPermissions.bicep'), 'utf8');
    const path = /loadJsonContent\('([^']+)'\)/.exec(source)?.[1];
    expect(path).toBeDefined();
    const manifest = JSON.parse(readFileSync(resolve(infra, 'modules', path ?? ''), 'utf8')) as {
      graph: { resourceAppId: string };
      exchange: { resourceAppId: string; appRole: string };
    };
    expect(manifest.graph.resourceAppId).toBe('00000003-0000-0000-c000-000000000000');
    expect(manifest.exchange).toMatchObject({
      resourceAppId: '00000002-0000-0ff1-ce00-000000000000',
      appRole: 'Exchange.ManageAsApp',
    });
    for (const field of ['manifest.graph.appRoles', 'manifest.graph.optionalAppRoles', 'manifest.exchange.appRole'])
      expect(source).toContain(field);
  });
});
