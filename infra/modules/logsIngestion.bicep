// Azure Monitor Logs for the watchdog's notices (and Microsoft Sentinel when it runs on the workspace): the custom
// table MieWatchdog_CL, a data collection endpoint, a data collection rule whose stream Custom-MieWatchdog_CL has the
// table's columns and lands in it unchanged, and "Monitoring Metrics Publisher" on that rule for the watchdog's
// identity, which is what the Logs Ingestion API checks (docs/notifications.md). The rows are lib/notify/logRows.ts;
// test/infra checks that its columns are these.
@description('Region of the endpoint and the rule: the workspace\'s.')
param location string

param tags object

@description('Log Analytics workspace that holds the table.')
param workspaceName string

param endpointName string

param ruleName string

@description('Object (principal) id of the watchdog managed identity, which sends the rows.')
param principalId string

var tableName = 'MieWatchdog_CL'
var streamName = 'Custom-${tableName}'
// Monitoring Metrics Publisher: the role the Logs Ingestion API requires on the rule.
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
var columns = [
  { name: 'TimeGenerated', type: 'datetime', description: 'When it happened' }
  { name: 'EventId', type: 'string', description: 'The notice key (the webhook event id)' }
  { name: 'RowType', type: 'string', description: 'notice (one per notice) or item (one per row of its tables)' }
  { name: 'Kind', type: 'string', description: 'The notice kind (docs/notifications.md)' }
  { name: 'Severity', type: 'string', description: 'critical, high, medium, low or info' }
  { name: 'Tenant', type: 'string', description: 'The Microsoft 365 tenant' }
  { name: 'Subject', type: 'string', description: 'The notice subject' }
  { name: 'Summary', type: 'string', description: 'The summary line, or the item\'s finding' }
  { name: 'GrantId', type: 'string', description: 'The grant it is about' }
  { name: 'Principal', type: 'string', description: 'The holder or grantee' }
  { name: 'AssignmentGuid', type: 'string', description: 'The Exchange role assignment' }
  { name: 'Url', type: 'string', description: 'The page of the web app' }
  { name: 'Section', type: 'string', description: 'The table an item comes from' }
  { name: 'Details', type: 'dynamic', description: 'The facts, or the item\'s cells by column name' }
]

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource table 'Microsoft.OperationalInsights/workspaces/tables@2022-10-01' = {
  parent: workspace
  name: tableName
  properties: {
    plan: 'Analytics'
    schema: {
      name: tableName
      description: 'mie-watchdog notices: findings, holder changes, grant decisions and revocations'
      columns: columns
    }
  }
}

resource endpoint 'Microsoft.Insights/dataCollectionEndpoints@2023-03-11' = {
  name: endpointName
  location: location
  tags: tags
  properties: {
    networkAcls: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource rule 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
  name: ruleName
  location: location
  tags: tags
  properties: {
    dataCollectionEndpointId: endpoint.id
    streamDeclarations: {
      '${streamName}': {
        columns: map(columns, c => { name: c.name, type: c.type })
      }
    }
    destinations: {
      logAnalytics: [
        {
          name: 'watchdogWorkspace'
          workspaceResourceId: workspace.id
        }
      ]
    }
    dataFlows: [
      {
        streams: [
          streamName
        ]
        destinations: [
          'watchdogWorkspace'
        ]
        transformKql: 'source'
        outputStream: streamName
      }
    ]
  }
  dependsOn: [
    table
  ]
}

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(rule.id, principalId, monitoringMetricsPublisher)
  scope: rule
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'mie-watchdog: send notice rows through the Logs Ingestion API'
  }
}

@description('WATCHDOG_LOGS_ENDPOINT: the endpoint\'s logs ingestion URL.')
output logsEndpoint string = endpoint.properties.logsIngestion.endpoint

@description('WATCHDOG_LOGS_RULE_ID: the rule\'s immutable id.')
output ruleId string = rule.properties.immutableId

@description('WATCHDOG_LOGS_STREAM.')
output stream string = streamName
