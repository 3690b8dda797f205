// The journal's write-once anchors: a blob container with version-level immutability and a time-based retention
// policy that allows protected append writes, so anchor lines can be added to the append blobs but never changed or
// deleted for the retention period (docs/evidence.md, "Write-once anchors"). The account must have blob versioning
// on (main.bicep sets it). The policy is deployed unlocked: lock it once checked (ARM cannot lock it).
@description('Storage account that holds the journal.')
param storageAccountName string

@description('Container of the anchors (WATCHDOG_ANCHOR_CONTAINER).')
param containerName string

@description('Days each anchor blob version stays immutable after it is written.')
@minValue(1)
@maxValue(146000)
param retentionDays int

@description('Object (principal) id of the watchdog managed identity, which appends the anchors.')
param principalId string

// Storage Blob Data Contributor: read and write blobs of this container only (immutability forbids overwrite and delete).
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: storageAccount
  name: 'default'
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
    immutableStorageWithVersioning: {
      enabled: true
    }
  }
}

// The container's default version-level policy: every blob version written here inherits it.
resource retention 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = {
  parent: container
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: retentionDays
    allowProtectedAppendWrites: true
  }
}

resource anchorWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(container.id, principalId, storageBlobDataContributor)
  scope: container
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'mie-watchdog: append the journal anchors'
  }
}

output containerName string = container.name
