#Requires -Version 7.2
<#
.SYNOPSIS
  Removes what Grant-WatchdogPermissions.ps1 created: Exchange delegating assignment, role group, custom
  roles and service principal, and the Graph / Exchange app role assignments of the managed identity.

.DESCRIPTION
  Run it before `azd down` (it reads the identity ids from the azd environment). Deleting the managed
  identity removes its app role assignments with it, but not the Exchange Online objects.

.EXAMPLE
  pwsh scripts/permissions/Remove-WatchdogPermissions.ps1 -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string]$TenantDomain,
    [string]$PrincipalId,
    [ValidateSet('Global', 'USGovHigh', 'USGovDoD', 'China')]
    [string]$Cloud = 'Global',
    [switch]$SkipGraph,
    [switch]$SkipExchange
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'WatchdogPermissions.psm1') -Force

$identity = Resolve-WatchdogIdentity $TenantDomain $PrincipalId (Get-WatchdogAzdValues)
$TenantDomain = $identity.TenantDomain
$PrincipalId = $identity.PrincipalId

$manifest = Get-WatchdogPermissionManifest
$cloudNames = Get-WatchdogCloudNames $Cloud

if (-not $SkipExchange) {
    Invoke-WatchdogExchange $TenantDomain $cloudNames {
        Write-Host 'Exchange Online RBAC'
        Remove-WatchdogExchangeRole -ObjectId $PrincipalId
    }
}

if (-not $SkipGraph) {
    Connect-WatchdogGraph $TenantDomain $cloudNames -DirectoryRoles
    Write-Host 'Directory role assignments'
    Revoke-WatchdogDirectoryRoles -PrincipalId $PrincipalId -Roles @($manifest.directoryRoles.optional)
    Write-Host 'App role assignments'
    $graphRoles = @($manifest.graph.appRoles | ForEach-Object value) + @($manifest.graph.optionalAppRoles | ForEach-Object value)
    Revoke-WatchdogAppRoles -PrincipalId $PrincipalId -ResourceAppId $manifest.graph.resourceAppId -Values $graphRoles
    Revoke-WatchdogAppRoles -PrincipalId $PrincipalId -ResourceAppId $manifest.exchange.resourceAppId -Values @($manifest.exchange.appRole)
}
