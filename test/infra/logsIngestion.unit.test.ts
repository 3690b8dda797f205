/**
 * infra/modules/logsIngestion.bicep against the code that sends to it: the custom table's and the stream's columns
 * are the keys of the rows lib/notify/logRows.ts renders, the stream is WATCHDOG_LOGS_STREAM's default, the
 * identity holds Monitoring Metrics Publisher on the rule, and main.bicep sets WATCHDOG_LOGS_* from the module
 * only when enableLogsIngestion is on.
 */
import type { Node } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../lib/config.js';
import { logRows } from '../../lib/notify/logRows.js';
import { sampleNotices } from '../lib/notify/sampleNotices.js';
import { BicepFile, loadInfra } from './bicepModel.js';

let module: BicepFile;
let main: BicepFile;

beforeAll(async () => {
  [module, main] = (await loadInfra('modules/logsIngestion.bicep', 'main.bicep')) as [BicepFile, BicepFile];
});

const text = (file: BicepFile, name: string) => {
  const node = file.variables.get(name);
  return node ? file.evaluate(node, file.defaults()) : undefined;
};

/** A resource declaration's body, by its symbolic name. */
function resource(file: BicepFile, name: string): Node | undefined {
  const declaration = file.root
    .descendantsOfType('resource_declaration')
    .find((d) => d?.namedChildren.find((c) => c?.type === 'identifier')?.text === name);
  return declaration?.namedChildren.find((c) => c?.type === 'object') ?? undefined;
}

describe('the Logs Ingestion resources', () => {
  it('declares the columns the rows carry, with their types', () => {
    const columns = module.variables.get('columns');
    const declared = (columns?.descendantsOfType('object') ?? []).map((o) => {
      const field = (key: string) => {
        const value = o && BicepFile.property(o, [key]);
        return value ? module.evaluate(value, new Map()) : undefined;
      };
      return [field('name'), field('type')];
    });
    const row = logRows(sampleNotices().drift, 'https://mie.contoso.example')[0] ?? {};
    expect(declared.map(([name]) => String(name)).sort()).toEqual(Object.keys(row).sort());
    const types = Object.fromEntries(declared);
    expect(types).toMatchObject({ TimeGenerated: 'datetime', Details: 'dynamic', EventId: 'string' });
    expect(Object.values(types).every((t) => ['string', 'datetime', 'dynamic'].includes(String(t)))).toBe(true);
  });

  it('names the table, the stream the watchdog posts to, and passes the rows through unchanged', () => {
    expect(text(module, 'tableName')).toBe('MieWatchdog_CL');
    const stream = module.variables.get('streamName') as Node;
    expect(module.evaluate(stream, new Map([['tableName', 'MieWatchdog_CL']]))).toBe('Custom-MieWatchdog_CL');
    expect(SETTINGS.WATCHDOG_LOGS_STREAM.default).toBe('Custom-MieWatchdog_CL');
    const rule = resource(module, 'rule');
    const flow = rule && BicepFile.property(rule, ['properties', 'dataFlows']);
    expect(flow?.text).toContain("transformKql: 'source'");
    expect(flow?.text).toContain('outputStream: streamName');
    expect(rule && BicepFile.property(rule, ['properties', 'streamDeclarations'])?.text).toContain("'${streamName}'");
  });

  it('gives the identity Monitoring Metrics Publisher on the rule, nothing wider', () => {
    expect(text(module, 'monitoringMetricsPublisher')).toBe('3913510d-42f4-4e42-8a64-420c390055eb');
    const assignment = resource(module, 'publisher');
    expect(assignment && BicepFile.property(assignment, ['scope'])?.text).toBe('rule');
    expect(assignment && BicepFile.property(assignment, ['properties', 'principalId'])?.text).toBe('principalId');
  });

  it('is opt-in: main.bicep deploys it and sets WATCHDOG_LOGS_* from it only with enableLogsIngestion', () => {
    expect(main.params.get('enableLogsIngestion')?.type).toBe('bool');
    expect(main.defaults().get('enableLogsIngestion')).toBe(false);
    expect(main.root.text).toMatch(/module logsIngestion 'modules\/logsIngestion\.bicep' = if \(enableLogsIngestion\)/);
    const settings = main.variables.get('watchdogSettings');
    const setting = (name: string) => (settings ? BicepFile.property(settings, [name]) : undefined);
    const endpoint = setting('WATCHDOG_LOGS_ENDPOINT');
    const rule = setting('WATCHDOG_LOGS_RULE_ID');
    expect(endpoint?.text).toBe('enableLogsIngestion ? logsIngestion.outputs.logsEndpoint : logsEndpoint');
    expect(rule?.text).toBe('enableLogsIngestion ? logsIngestion.outputs.ruleId : logsRuleId');
    const own = main.defaults({ logsEndpoint: 'https://dce.example.ingest.monitor.azure.com' });
    expect(endpoint && main.evaluate(endpoint, own)).toBe('https://dce.example.ingest.monitor.azure.com');
  });
});
