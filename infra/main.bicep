// mie-watchdog: everything the Function App needs, in one resource group.
// Deployed by `azd up` (azure.yaml); every WATCHDOG_* app setting is set in `watchdogSettings` below
// and test/infra checks that list against lib/config.ts SETTING_NAMES.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; used for the resource group name and a unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Region of the Function App and its resources. It must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Name of the resource group; empty: rg-<environmentName>.')
param resourceGroupName string = ''

// ---- Watchdog settings (docs/settings.md explains each; defaults equal the lib/config.ts table, checked by test/infra) ----

@minLength(4)
@description('WATCHDOG_TENANT: the Microsoft 365 tenant\'s initial domain, for example contoso.onmicrosoft.com.')
param tenantDomain string

@minLength(3)
@description('WATCHDOG_ALERT_RECIPIENTS: security team addresses, comma-separated. They also receive the Azure Monitor alert when the watchdog itself stops working.')
param alertRecipients string

@description('WATCHDOG_APPROVER_RECIPIENTS: who is told about new grant requests; empty: the alert recipients.')
param approverRecipients string = ''

@description('WATCHDOG_EMAIL_SENDER: sender address; empty: DoNotReply@ the Azure-managed email domain created here.')
param emailSender string = ''

@description('Where Communication Services keeps email data at rest (for example United States, Europe, UK, Australia).')
param emailDataLocation string = 'United States'

@description('WATCHDOG_WEB_URL: the web app\'s URL that notices link to; empty: the Function App\'s default host name (https://<app>.azurewebsites.net). Give the custom domain or the national cloud\'s host here.')
param webUrl string = ''

@secure()
@description('WATCHDOG_TEAMS_WEBHOOK_URL: Teams Workflows webhook URL for notices; empty: no Teams.')
param teamsWebhookUrl string = ''

@description('WATCHDOG_WEBHOOK_URL: generic webhook for signed notice events; empty: none.')
param webhookUrl string = ''

@secure()
@description('WATCHDOG_WEBHOOK_SECRET: HMAC-SHA256 key of the webhook events (at least 32 characters); set with WATCHDOG_WEBHOOK_URL.')
param webhookSecret string = ''

@description('Create the custom table MieWatchdog_CL in the workspace, a data collection endpoint and rule, and Monitoring Metrics Publisher on the rule for the identity (modules/logsIngestion.bicep), and send every notice there (WATCHDOG_LOGS_*). Microsoft Sentinel on the workspace reads the table.')
param enableLogsIngestion bool = false

@description('WATCHDOG_LOGS_ENDPOINT: Logs Ingestion URL of a data collection endpoint of your own for notice rows; empty: none, or the one enableLogsIngestion creates.')
param logsEndpoint string = ''

@description('WATCHDOG_LOGS_RULE_ID: immutable id of that endpoint\'s data collection rule (dcr-...); set with logsEndpoint.')
param logsRuleId string = ''

@description('WATCHDOG_ROUTES: which notices each channel takes (docs/notifications.md); empty: every channel every notice.')
param routes string = ''

@description('WATCHDOG_EXCHANGE_URL: Exchange Online endpoint of the tenant\'s cloud (docs/deployment.md "National clouds").')
param exchangeUrl string = 'https://outlook.office365.com'

@description('WATCHDOG_GRAPH_URL: Microsoft Graph endpoint of the tenant\'s cloud (docs/deployment.md "National clouds").')
param graphUrl string = 'https://graph.microsoft.com'

@description('WATCHDOG_COMPLIANCE_URL: Security & Compliance PowerShell endpoint of the tenant\'s cloud, read with ediscoveryAudit.')
param complianceUrl string = 'https://ps.compliance.protection.outlook.com'

@description('WATCHDOG_GRANT_MIN_DURATION: shortest grant (ISO 8601 duration).')
param grantMinDuration string = 'PT1H'

@description('WATCHDOG_GRANT_MAX_DURATION: longest grant (ISO 8601 duration).')
param grantMaxDuration string = 'P30D'

@description('WATCHDOG_GRANT_ROLE_GROUP: grant through membership of this dedicated Exchange role group; empty: direct assignments.')
param grantRoleGroup string = ''

@allowed([
  'alert'
  'revoke'
])
@description('WATCHDOG_UNAPPROVED_ACTION: what happens to a holder without an approved grant.')
param unapprovedAction string = 'alert'

@description('WATCHDOG_UNAPPROVED_GRACE: how long an unapproved holder is left alone before revoke removes it.')
param unapprovedGrace string = 'PT1H'

@description('WATCHDOG_BREAK_GLASS: UPNs or object ids that are never revoked and always reported, comma-separated.')
param breakGlass string = ''

// Log alert windows accept only some sizes; two intervals of 5, 15 or 30 minutes all fit.
@allowed([
  5
  15
  30
])
@description('Minutes between audits: sets WATCHDOG_AUDIT_SCHEDULE and the window of the "audit has not succeeded" alert (two intervals).')
param auditIntervalMinutes int = 15

@allowed([
  5
  15
  30
])
@description('Minutes between revocation runs: sets WATCHDOG_REVOKE_SCHEDULE and the window of its health alert (two intervals).')
param revokeIntervalMinutes int = 5

@description('WATCHDOG_REVOKE_MAX_SHARE: a run that would remove more than this share of holders (0 to 1) removes nothing and alerts.')
param revokeMaxShare string = '0.5'

@minValue(0)
@description('WATCHDOG_REVOKE_MAX_COUNT: the same guard as an absolute number of removals.')
param revokeMaxCount int = 10

@description('WATCHDOG_DRY_RUN: report what revocation would do without doing it.')
param dryRun bool = false

@description('WATCHDOG_ANCHOR_CONTAINER: blob container of the write-once anchors of the journal (created with its immutability policy by modules/anchors.bicep).')
param anchorContainerName string = 'journal-anchors'

@description('Days each anchor of the journal stays immutable (version-level WORM on the anchor container); default seven years.')
@minValue(1)
param anchorRetentionDays int = 2555

@description('WATCHDOG_CLI_DECISIONS: deny (recommended) accepts approvals only through the HTTP API with a verified token; allow also accepts the command line, whose approver is operator-asserted.')
@allowed([
  'allow'
  'deny'
])
param cliDecisions string = 'deny'

@description('WATCHDOG_REMINDERS: reminders before a grant expires (comma-separated ISO 8601 durations).')
param reminders string = 'PT24H,PT1H'

@description('WATCHDOG_REQUEST_TTL: how long a request or an extension request waits for a decision before it lapses (ISO 8601 duration).')
param requestTtl string = 'P3D'

@minValue(0)
@maxValue(23)
@description('WATCHDOG_DIGEST_HOUR: UTC hour of the daily digest.')
param digestHour int = 8

@description('WATCHDOG_AUDIT_LOG_QUERY: name who made new findings from the Purview audit log (needs AuditLogsQuery-Exchange.Read.All: Grant-WatchdogPermissions.ps1 -IncludeAuditLogQuery).')
param auditLogQuery bool = false

@description('WATCHDOG_USAGE_LEDGER: what the power was used for, from the Purview audit log (docs/evidence.md). exchange needs AuditLogsQuery-Exchange.Read.All (granted here); all adds eDiscovery exports and needs AuditLogsQuery.Read.All (docs/permissions.md).')
@allowed([
  'off'
  'exchange'
  'all'
])
param usageLedger string = 'off'

@description('WATCHDOG_USAGE_LOOKBACK: how far each usage ledger search overlaps the last one (ISO 8601).')
param usageLookback string = 'PT24H'

@description('WATCHDOG_EDISCOVERY_AUDIT: also report Purview eDiscovery Export holders (needs the Entra role Global Reader for the identity, which Bicep cannot assign: Grant-WatchdogPermissions.ps1 -IncludeEdiscovery).')
param ediscoveryAudit bool = false

// 'easyauth' is not offered: Flex Consumption does not enforce App Service Authentication (the app refuses it there too).
@allowed([
  'token'
])
@description('WATCHDOG_AUTH_MODE: how HTTP callers are authenticated (bearer tokens verified in code).')
param authMode string = 'token'

@description('WATCHDOG_AUTH_AUDIENCE: client id and/or application ID URI of the watchdog API app registration, comma-separated (api://{client id} and the client id imply each other); empty: the registration created here (modules/apiRegistration.bicep).')
param authAudience string = ''

@description('SPA redirect URIs of the web app, on the API app registration (https, comma-separated); empty: the web app\'s own, {WATCHDOG_WEB_URL}/redirect (where MSAL finishes a sign-in) and {WATCHDOG_WEB_URL}/ (where a sign-out returns).')
param webRedirectUris string = ''

@description('Object id of the Entra group given the app role Grant.Request; empty: assign users or groups later.')
param grantRequestGroupId string = ''

@description('Object id of the Entra group given the app role Grant.Approve; empty: assign later.')
param grantApproveGroupId string = ''

@description('Object id of the Entra group given the app role Audit.Read; empty: assign later.')
param auditReadGroupId string = ''

@description('WATCHDOG_AUTH_ISSUER: the API tenant\'s token issuer in either form (v1.0 and v2.0 tokens of that tenant are both accepted); empty: the v2.0 issuer of this subscription\'s tenant in this cloud.')
param authIssuer string = ''

@description('WATCHDOG_AUTH_AUTHORITY: login endpoint whose OpenID configuration gives the issuers and signing keys; empty: derived from the issuer.')
param authAuthority string = ''

@description('WATCHDOG_AUTH_JWKS_URL: signing keys instead of the OpenID configuration\'s jwks_uri; empty: from the OpenID configuration.')
param authJwksUrl string = ''

// ---- Hosting ----

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
])
@description('Redundancy of the storage account that holds grants, snapshots and the evidence journal.')
param storageSku string = 'Standard_LRS'

@allowed([
  512
  2048
  4096
])
@description('Flex Consumption instance memory.')
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
@description('Flex Consumption scale-out limit (the plan\'s minimum is 40).')
param maximumInstanceCount int = 40

var abbrs = {
  actionGroup: 'ag-'
  appInsights: 'appi-'
  communication: 'acs-'
  dataCollectionEndpoint: 'dce-'
  dataCollectionRule: 'dcr-'
  emailService: 'ecs-'
  functionApp: 'func-'
  identity: 'id-'
  logAnalytics: 'log-'
  plan: 'plan-'
  resourceGroup: 'rg-'
  storage: 'st'
}
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'mie-watchdog'
}
var functionAppName = '${abbrs.functionApp}mie-watchdog-${resourceToken}'
// Where people open the web app (WATCHDOG_WEB_URL) and so where its sign-in comes back to.
var webAppUrl = !empty(webUrl) ? webUrl : 'https://${functionAppName}.azurewebsites.net'
var webAppBase = endsWith(webAppUrl, '/') ? substring(webAppUrl, 0, length(webAppUrl) - 1) : webAppUrl
// MSAL finishes a sign-in on /redirect (web/src/auth.ts) and a sign-out returns to /.
var defaultSpaRedirectUris = [
  '${webAppBase}/redirect'
  '${webAppBase}/'
]
var storageAccountName = '${abbrs.storage}${resourceToken}'
var deploymentContainerName = 'app-package-${take(resourceToken, 7)}'
// Endpoints are built from the cloud's own suffixes so the template also works in national Azure clouds.
var blobEndpoint = 'https://${storageAccountName}.blob.${environment().suffixes.storage}'
var tableEndpoint = 'https://${storageAccountName}.table.${environment().suffixes.storage}'
var defaultIssuer = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourceGroup}${environmentName}'
  location: location
  tags: tags
}

// The watchdog's one identity: storage, App Insights, ACS Email, Microsoft Graph and Exchange Online
// (the last two are granted by scripts/permissions, outside Azure Resource Manager).
module identity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.identity}mie-watchdog-${resourceToken}'
    location: location
    tags: tags
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
  name: 'logAnalytics'
  scope: rg
  params: {
    name: '${abbrs.logAnalytics}${resourceToken}'
    location: location
    tags: tags
    dataRetention: 90
  }
}

// Local (key) authentication is off: the app sends telemetry with its identity (Monitoring Metrics Publisher).
module appInsights 'br/public:avm/res/insights/component:0.6.0' = {
  name: 'appInsights'
  scope: rg
  params: {
    name: '${abbrs.appInsights}${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: true
  }
}

// Shared keys are off: the Functions host and the watchdog reach blobs and tables with the identity.
module storage 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    skuName: storageSku
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    blobServices: {
      // Version-level immutability of the anchor container (modules/anchors.bicep) needs blob versioning.
      isVersioningEnabled: true
      containers: [
        {
          name: deploymentContainerName
        }
      ]
    }
  }
}

module email 'modules/email.bicep' = {
  name: 'email'
  scope: rg
  params: {
    communicationServiceName: '${abbrs.communication}${resourceToken}'
    emailServiceName: '${abbrs.emailService}${resourceToken}'
    dataLocation: emailDataLocation
    tags: tags
  }
}

module plan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'plan'
  scope: rg
  params: {
    name: '${abbrs.plan}${resourceToken}'
    location: location
    tags: tags
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true
  }
}

// Exactly the settings lib/config.ts reads (SETTING_NAMES), no more, no fewer: test/infra enforces it.
// Connection strings stay empty on purpose: storage and ACS have key access disabled, the identity is used.
var watchdogSettings = {
  WATCHDOG_TENANT: toLower(tenantDomain)
  WATCHDOG_EXCHANGE_URL: exchangeUrl
  WATCHDOG_EXCHANGE_BATCH: 'true'
  WATCHDOG_GRAPH_URL: graphUrl
  WATCHDOG_COMPLIANCE_URL: complianceUrl
  WATCHDOG_CREDENTIAL: 'managed-identity'
  WATCHDOG_IDENTITY_CLIENT_ID: identity.outputs.clientId
  WATCHDOG_EMAIL_CONNECTION_STRING: ''
  WATCHDOG_EMAIL_ENDPOINT: email.outputs.endpoint
  WATCHDOG_EMAIL_SENDER: empty(emailSender) ? email.outputs.defaultSender : emailSender
  WATCHDOG_ALERT_RECIPIENTS: alertRecipients
  WATCHDOG_APPROVER_RECIPIENTS: approverRecipients
  WATCHDOG_WEB_URL: webAppUrl
  WATCHDOG_TEAMS_WEBHOOK_URL: teamsWebhookUrl
  WATCHDOG_WEBHOOK_URL: webhookUrl
  WATCHDOG_WEBHOOK_SECRET: webhookSecret
  WATCHDOG_LOGS_ENDPOINT: enableLogsIngestion ? logsIngestion.outputs.logsEndpoint : logsEndpoint
  WATCHDOG_LOGS_RULE_ID: enableLogsIngestion ? logsIngestion.outputs.ruleId : logsRuleId
  WATCHDOG_LOGS_STREAM: 'Custom-MieWatchdog_CL'
  WATCHDOG_ROUTES: routes
  WATCHDOG_STORAGE_CONNECTION_STRING: ''
  WATCHDOG_STORAGE_ACCOUNT: tableEndpoint
  WATCHDOG_TABLE_PREFIX: 'mie'
  WATCHDOG_ANCHOR_CONTAINER: anchorContainerName
  WATCHDOG_GRANT_MIN_DURATION: grantMinDuration
  WATCHDOG_GRANT_MAX_DURATION: grantMaxDuration
  WATCHDOG_GRANT_ROLE_GROUP: grantRoleGroup
  WATCHDOG_UNAPPROVED_ACTION: unapprovedAction
  WATCHDOG_UNAPPROVED_GRACE: unapprovedGrace
  WATCHDOG_BREAK_GLASS: breakGlass
  WATCHDOG_AUDIT_SCHEDULE: '0 */${auditIntervalMinutes} * * * *'
  WATCHDOG_REVOKE_SCHEDULE: '0 */${revokeIntervalMinutes} * * * *'
  WATCHDOG_REVOKE_MAX_SHARE: revokeMaxShare
  WATCHDOG_REVOKE_MAX_COUNT: string(revokeMaxCount)
  WATCHDOG_DRY_RUN: dryRun ? 'true' : 'false'
  WATCHDOG_CLI_DECISIONS: cliDecisions
  WATCHDOG_REMINDERS: reminders
  WATCHDOG_REQUEST_TTL: requestTtl
  WATCHDOG_DIGEST_HOUR: string(digestHour)
  WATCHDOG_AUDIT_LOG_QUERY: auditLogQuery ? 'true' : 'false'
  WATCHDOG_USAGE_LEDGER: usageLedger
  WATCHDOG_USAGE_LOOKBACK: usageLookback
  WATCHDOG_EDISCOVERY_AUDIT: ediscoveryAudit ? 'true' : 'false'
  WATCHDOG_AUTH_MODE: authMode
  WATCHDOG_AUTH_AUDIENCE: !empty(authAudience) ? authAudience : apiRegistration.outputs.appId
  WATCHDOG_AUTH_ISSUER: !empty(authIssuer) ? authIssuer : defaultIssuer
  WATCHDOG_AUTH_AUTHORITY: authAuthority
  WATCHDOG_AUTH_JWKS_URL: authJwksUrl
}

// Host settings: identity-based AzureWebJobsStorage and Entra ID authenticated telemetry.
var hostSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  AzureWebJobsStorage__blobServiceUri: blobEndpoint
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
}

module functionApp 'br/public:avm/res/web/site:0.15.1' = {
  name: 'functionApp'
  scope: rg
  params: {
    kind: 'functionapp,linux'
    name: functionAppName
    location: location
    tags: union(tags, {
      'azd-service-name': 'watchdog'
    })
    serverFarmResourceId: plan.outputs.resourceId
    httpsOnly: true
    managedIdentities: {
      userAssignedResourceIds: [
        identity.outputs.resourceId
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}/${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.outputs.resourceId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
    siteConfig: {
      alwaysOn: false
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    appSettingsKeyValuePairs: union(hostSettings, watchdogSettings)
  }
  dependsOn: [
    rbac
    anchors
  ]
}

module anchors 'modules/anchors.bicep' = {
  name: 'anchors'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    containerName: anchorContainerName
    retentionDays: anchorRetentionDays
    principalId: identity.outputs.principalId
  }
}

module logsIngestion 'modules/logsIngestion.bicep' = if (enableLogsIngestion) {
  name: 'logsIngestion'
  scope: rg
  params: {
    location: location
    tags: tags
    workspaceName: logAnalytics.outputs.name
    endpointName: '${abbrs.dataCollectionEndpoint}mie-watchdog-${resourceToken}'
    ruleName: '${abbrs.dataCollectionRule}mie-watchdog-${resourceToken}'
    principalId: identity.outputs.principalId
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    appInsightsName: appInsights.outputs.name
    communicationServiceName: email.outputs.communicationServiceName
    roleNameSuffix: resourceToken
  }
}

module apiRegistration 'modules/apiRegistration.bicep' = {
  name: 'apiRegistration'
  scope: rg
  params: {
    uniqueName: 'mie-watchdog-api-${resourceToken}'
    displayName: 'MIE Watchdog API (${environmentName})'
    identifierUri: 'api://${tenant().tenantId}/mie-watchdog-${resourceToken}'
    spaRedirectUris: empty(webRedirectUris) ? defaultSpaRedirectUris : map(split(webRedirectUris, ','), u => trim(u))
    grantRequestGroupId: grantRequestGroupId
    grantApproveGroupId: grantApproveGroupId
    auditReadGroupId: auditReadGroupId
  }
}

module graphPermissions 'modules/graphPermissions.bicep' = {
  name: 'graphPermissions'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    includeAuditLogQuery: auditLogQuery || usageLedger != 'off'
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    appInsightsId: appInsights.outputs.resourceId
    location: location
    tags: tags
    actionGroupName: '${abbrs.actionGroup}mie-watchdog-${resourceToken}'
    alertRecipients: alertRecipients
    jobs: [
      {
        functionName: 'auditTimer'
        intervalMinutes: auditIntervalMinutes
        what: 'audit'
      }
      {
        functionName: 'revokeExpired'
        intervalMinutes: revokeIntervalMinutes
        what: 'revocation of expired grants'
      }
    ]
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output WATCHDOG_FUNCTION_URL string = 'https://${functionApp.outputs.defaultHostname}'
output WATCHDOG_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output WATCHDOG_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output WATCHDOG_TENANT string = toLower(tenantDomain)
output WATCHDOG_EMAIL_SENDER string = watchdogSettings.WATCHDOG_EMAIL_SENDER
output WATCHDOG_AUTH_AUDIENCE string = watchdogSettings.WATCHDOG_AUTH_AUDIENCE
output WATCHDOG_AUTH_ISSUER string = watchdogSettings.WATCHDOG_AUTH_ISSUER
output WATCHDOG_API_SCOPE string = '${apiRegistration.outputs.identifierUri}/access_as_user'
