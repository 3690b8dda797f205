#Requires -Version 7.2
<#
.SYNOPSIS
  Grants the mie-watchdog managed identity its Microsoft Graph and Exchange Online permissions.

.DESCRIPTION
  `azd up` grants the Microsoft Graph part and Exchange.ManageAsApp itself (infra/modules/graphPermissions.bicep,
  from the same permissions.json), so after it only the Exchange RBAC part is left: run with -SkipGraph
  (the azd postprovision hook does, when PowerShell 7 with ExchangeOnlineManagement is present), as a member of
  Exchange Organization Management. Without -SkipGraph it also grants the Graph part, for teams that do not
  deploy the Microsoft Graph Bicep extension (Privileged Role Administrator or Global Administrator). Values left
  out are read from the current azd environment (outputs of infra/main.bicep). Safe to run again.

  Microsoft Graph (app role assignments to the managed identity):
    User.Read.All, GroupMember.Read.All, RoleManagement.Read.Directory, Application.Read.All
    (+ AuditLogsQuery-Exchange.Read.All with -IncludeAuditLogQuery, for WATCHDOG_AUDIT_LOG_QUERY=true)
  Microsoft Entra directory role, with -IncludeEdiscovery (WATCHDOG_EDISCOVERY_AUDIT=true): Global Reader, which
    lets Security & Compliance PowerShell read the Purview eDiscovery role groups (Bicep cannot assign it)
  Office 365 Exchange Online: Exchange.ManageAsApp
  Exchange Online RBAC: service principal, custom child roles that keep only the cmdlets the watchdog
  runs, role group "MIE Watchdog", delegating assignment of Mailbox Import Export.

.EXAMPLE
  pwsh scripts/permissions/Grant-WatchdogPermissions.ps1 -SkipGraph
.EXAMPLE
  pwsh scripts/permissions/Grant-WatchdogPermissions.ps1
.EXAMPLE
  pwsh scripts/permissions/Grant-WatchdogPermissions.ps1 -Cloud USGovHigh -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    # The tenant's initial domain (WATCHDOG_TENANT).
    [string]$TenantDomain,
    # Object (principal) id of the user-assigned managed identity (output WATCHDOG_IDENTITY_PRINCIPAL_ID).
    [string]$PrincipalId,
    # Client id of the managed identity (output WATCHDOG_IDENTITY_CLIENT_ID).
    [string]$ClientId,
    # Dedicated grant role group, if WATCHDOG_GRANT_ROLE_GROUP is used.
    [string]$GrantRoleGroup,
    [ValidateSet('Global', 'USGovHigh', 'USGovDoD', 'China')]
    [string]$Cloud = 'Global',
    [switch]$IncludeAuditLogQuery,
    [switch]$IncludeEdiscovery,
    [switch]$SkipGraph,
    [switch]$SkipExchange
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'WatchdogPermissions.psm1') -Force

$azd = Get-WatchdogAzdValues
$identity = Resolve-WatchdogIdentity $TenantDomain $PrincipalId $azd
$TenantDomain = $identity.TenantDomain
$PrincipalId = $identity.PrincipalId
$ClientId = Resolve-WatchdogValue $ClientId 'WATCHDOG_IDENTITY_CLIENT_ID' $azd -Required
$GrantRoleGroup = Resolve-WatchdogValue $GrantRoleGroup 'WATCHDOG_GRANT_ROLE_GROUP' $azd

$manifest = Get-WatchdogPermissionManifest
$cloudNames = Get-WatchdogCloudNames $Cloud
$displayName = "mie-watchdog ($ClientId)"

if (-not $SkipGraph -or $IncludeEdiscovery) {
    Connect-WatchdogGraph $TenantDomain $cloudNames -DirectoryRoles:$IncludeEdiscovery
}
if ($IncludeEdiscovery) {
    Write-Host 'Microsoft Entra directory roles'
    Grant-WatchdogDirectoryRoles -PrincipalId $PrincipalId -Roles @($manifest.directoryRoles.optional)
}
if (-not $SkipGraph) {
    $mi = Get-MgServicePrincipal -ServicePrincipalId $PrincipalId
    if ($mi.AppId -ne $ClientId) { throw "Service principal $PrincipalId has appId $($mi.AppId), not ${ClientId}: the ids belong to different identities." }
    $displayName = $mi.DisplayName

    Write-Host "Microsoft Graph application permissions for $displayName"
    $graphRoles = @($manifest.graph.appRoles | ForEach-Object value)
    if ($IncludeAuditLogQuery) { $graphRoles += @($manifest.graph.optionalAppRoles | ForEach-Object value) }
    Grant-WatchdogAppRoles -PrincipalId $PrincipalId -ResourceAppId $manifest.graph.resourceAppId -Values $graphRoles

    Write-Host 'Office 365 Exchange Online application permission'
    Grant-WatchdogAppRoles -PrincipalId $PrincipalId -ResourceAppId $manifest.exchange.resourceAppId -Values @($manifest.exchange.appRole)
}

if (-not $SkipExchange) {
    Invoke-WatchdogExchange $TenantDomain $cloudNames {
        Write-Host "Exchange Online RBAC for $displayName"
        Grant-WatchdogExchangeRole -AppId $ClientId -ObjectId $PrincipalId -DisplayName $displayName -GrantRoleGroup $GrantRoleGroup
    }
}

Write-Host 'Done. Exchange applies RBAC changes within 1 to 60 minutes; the first audits may fail with 401 until then.'
