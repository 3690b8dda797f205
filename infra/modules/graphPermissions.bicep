// The watchdog identity's tenant permissions that Bicep can grant, as app role assignments (Microsoft Graph
// Bicep extension): the Graph application permissions and Exchange.ManageAsApp, read from the one manifest
// the PowerShell scripts also read (scripts/permissions/permissions.json). The Exchange RBAC part (the
// service principal pointer, role group and delegating assignment) stays in scripts/permissions/Grant-WatchdogPermissions.ps1.
extension microsoftGraphV1

@description('Object id of the watchdog\'s user-assigned managed identity.')
param principalId string

@description('Also grant the optional AuditLogsQuery-Exchange.Read.All (WATCHDOG_AUDIT_LOG_QUERY=true, WATCHDOG_USAGE_LEDGER other than off).')
param includeAuditLogQuery bool = false

var manifest = loadJsonContent('../../scripts/permissions/permissions.json')
var graphRoleValues = concat(map(manifest.graph.appRoles, r => r.value), includeAuditLogQuery ? map(manifest.graph.optionalAppRoles, r => r.value) : [])

resource graph 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: manifest.graph.resourceAppId
}

resource exchangeOnline 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: manifest.exchange.resourceAppId
}

resource graphAppRoles 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [for value in graphRoleValues: {
  appRoleId: filter(graph.appRoles, r => r.value == value)[0].id
  principalId: principalId
  resourceId: graph.id
}]

resource manageAsApp 'Microsoft.Graph/appRoleAssignedTo@v1.0' = {
  appRoleId: filter(exchangeOnline.appRoles, r => r.value == manifest.exchange.appRole)[0].id
  principalId: principalId
  resourceId: exchangeOnline.id
}
