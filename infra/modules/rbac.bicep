// Azure RBAC for the watchdog's managed identity: data-plane roles only, each on the one resource
// that needs it. Microsoft Graph and Exchange Online permissions are granted by scripts/permissions.
@description('Object (principal) id of the user-assigned managed identity.')
param principalId string

param storageAccountName string
param appInsightsName string
param communicationServiceName string

@description('Makes the custom role name unique in the tenant (role names are tenant-wide).')
param roleNameSuffix string

var roles = {
  // Functions host: deployment package container, timer schedule monitors and host locks (blobs).
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Grants, snapshots, findings and the hash-chained journal (tables, created on first use).
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Telemetry ingestion with Entra ID (App Insights local auth is disabled).
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource communicationService 'Microsoft.Communication/communicationServices@2025-05-01' existing = {
  name: communicationServiceName
}

resource blobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, principalId, roles.storageBlobDataOwner)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'mie-watchdog: Functions host storage and deployment package'
  }
}

resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, principalId, roles.storageTableDataContributor)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'mie-watchdog: grants, snapshots and evidence journal'
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'mie-watchdog: telemetry with Entra ID authentication'
  }
}

// Sending email with Entra ID needs only these actions on the communication service; the built-in
// alternatives (Contributor, Communication and Email Service Owner) could also read keys or delete it.
resource emailSenderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'mie-watchdog-email-sender')
  properties: {
    roleName: 'mie-watchdog email sender (${roleNameSuffix})'
    description: 'Send email through Azure Communication Services with Microsoft Entra ID.'
    type: 'CustomRole'
    assignableScopes: [
      resourceGroup().id
    ]
    permissions: [
      {
        actions: [
          'Microsoft.Communication/CommunicationServices/Read'
          'Microsoft.Communication/CommunicationServices/Write'
          'Microsoft.Communication/EmailServices/write'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

resource emailSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communicationService.id, principalId, emailSenderRole.id)
  scope: communicationService
  properties: {
    roleDefinitionId: emailSenderRole.id
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'mie-watchdog: send alert and notification email'
  }
}
