#Requires -Version 7.2
<#
  Functions shared by Grant-WatchdogPermissions.ps1 and Remove-WatchdogPermissions.ps1.
  What is granted is defined once, in permissions.json next to this file (docs/permissions.md
  explains each entry). Every function is idempotent: running it twice changes nothing the second time.
#>
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Get-WatchdogPermissionManifest {
    Get-Content -Raw -Path (Join-Path $PSScriptRoot 'permissions.json') | ConvertFrom-Json
}

function Get-WatchdogAzdValues {
    # azd exports its environment to hooks; run standalone, ask azd for the values of the current environment.
    if (-not (Get-Command azd -ErrorAction SilentlyContinue)) { return @{} }
    $json = azd env get-values --output json 2>$null
    if ($LASTEXITCODE -ne 0 -or -not $json) { return @{} }
    $values = @{}
    ($json | ConvertFrom-Json).PSObject.Properties | ForEach-Object { $values[$_.Name] = [string]$_.Value }
    $values
}

function Resolve-WatchdogValue {
    <# A value passed as a parameter, else the environment variable $Name, else the azd environment's; $null if none. #>
    param([string]$Given, [Parameter(Mandatory)] [string]$Name, [hashtable]$Azd = @{}, [switch]$Required)
    $value = if ($Given) { $Given } elseif ([Environment]::GetEnvironmentVariable($Name)) { [Environment]::GetEnvironmentVariable($Name) } else { $Azd[$Name] }
    if ($Required -and -not $value) { throw "$Name is unknown: pass it as a parameter or run from the folder of the azd environment that deployed the watchdog." }
    $value
}

function Resolve-WatchdogIdentity {
    <#
      The tenant and the managed identity's object id both scripts act on: each from its parameter, else
      WATCHDOG_TENANT / WATCHDOG_IDENTITY_PRINCIPAL_ID from the environment or the azd environment; both required.
    #>
    param([string]$TenantDomain, [string]$PrincipalId, [hashtable]$Azd = @{})
    @{
        TenantDomain = Resolve-WatchdogValue $TenantDomain 'WATCHDOG_TENANT' $Azd -Required
        PrincipalId  = Resolve-WatchdogValue $PrincipalId 'WATCHDOG_IDENTITY_PRINCIPAL_ID' $Azd -Required
    }
}

function Connect-WatchdogGraph([string]$TenantDomain, [hashtable]$CloudNames, [switch]$DirectoryRoles) {
    <# Signs in to Microsoft Graph with the scopes that reading and changing app role (and directory role) assignments need. #>
    Import-Module Microsoft.Graph.Applications -Global
    $scopes = @('Application.Read.All', 'AppRoleAssignment.ReadWrite.All')
    if ($DirectoryRoles) {
        Import-Module Microsoft.Graph.Identity.Governance -Global
        $scopes += 'RoleManagement.ReadWrite.Directory'
    }
    Connect-MgGraph -TenantId $TenantDomain -Environment $CloudNames.Graph -NoWelcome -Scopes $scopes
}

function Get-WatchdogDirectoryRoleAssignments([string]$PrincipalId, $Role) {
    <# The managed identity's assignments of one directory role (by its template id). #>
    Get-MgRoleManagementDirectoryRoleAssignment -Filter "principalId eq '$PrincipalId' and roleDefinitionId eq '$($Role.roleTemplateId)'" -All
}

function Grant-WatchdogDirectoryRoles {
    <# Assigns Microsoft Entra directory roles (tenant-wide) to the watchdog's managed identity. #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] [string]$PrincipalId,
        [Parameter(Mandatory)] [object[]]$Roles
    )
    foreach ($role in $Roles) {
        $existing = Get-WatchdogDirectoryRoleAssignments $PrincipalId $role
        if ($existing) {
            Write-Host "  = directory role $($role.displayName) (already assigned)"
            continue
        }
        if ($PSCmdlet.ShouldProcess("managed identity $PrincipalId", "assign directory role $($role.displayName)")) {
            New-MgRoleManagementDirectoryRoleAssignment -PrincipalId $PrincipalId -RoleDefinitionId $role.roleTemplateId -DirectoryScopeId '/' | Out-Null
            Write-Host "  + directory role $($role.displayName)"
        }
    }
}

function Revoke-WatchdogDirectoryRoles {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] [string]$PrincipalId,
        [Parameter(Mandatory)] [object[]]$Roles
    )
    foreach ($role in $Roles) {
        Get-WatchdogDirectoryRoleAssignments $PrincipalId $role |
            ForEach-Object {
                if ($PSCmdlet.ShouldProcess("managed identity $PrincipalId", "remove directory role $($role.displayName)")) {
                    Remove-MgRoleManagementDirectoryRoleAssignment -UnifiedRoleAssignmentId $_.Id
                    Write-Host "  - directory role $($role.displayName)"
                }
            }
    }
}

function Invoke-WatchdogExchange([string]$TenantDomain, [hashtable]$CloudNames, [scriptblock]$Action) {
    <# Runs $Action connected to Exchange Online and disconnects however it ends. #>
    Import-Module ExchangeOnlineManagement -Global
    Connect-ExchangeOnline -Organization $TenantDomain -ExchangeEnvironmentName $CloudNames.Exchange -ShowBanner:$false
    try {
        & $Action
    }
    finally {
        Disconnect-ExchangeOnline -Confirm:$false
    }
}

function Get-ResourceServicePrincipal([string]$AppId) {
    $sp = Get-MgServicePrincipal -Filter "appId eq '$AppId'" -ErrorAction Stop
    if (-not $sp) { throw "The tenant has no service principal for appId $AppId; it is a Microsoft first-party app, check the tenant and cloud you connected to." }
    $sp
}

function Get-WatchdogAppRoleAssignments([string]$PrincipalId, $Resource) {
    <# The app role assignments the managed identity holds on one resource app's service principal. #>
    Get-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $PrincipalId -All |
        Where-Object { $_.ResourceId -eq $Resource.Id }
}

function Grant-WatchdogAppRoles {
    <# Assigns app roles (application permissions) of one resource app to the watchdog's managed identity. #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] [string]$PrincipalId,
        [Parameter(Mandatory)] [string]$ResourceAppId,
        [Parameter(Mandatory)] [string[]]$Values
    )
    $resource = Get-ResourceServicePrincipal $ResourceAppId
    $assigned = @(Get-WatchdogAppRoleAssignments $PrincipalId $resource | ForEach-Object { $_.AppRoleId })
    foreach ($value in $Values) {
        $role = $resource.AppRoles | Where-Object { $_.Value -eq $value -and $_.AllowedMemberTypes -contains 'Application' }
        if (-not $role) { throw "$($resource.DisplayName) has no application permission '$value'." }
        if ($assigned -contains $role.Id) {
            Write-Host "  = $($resource.DisplayName) / $value (already assigned)"
            continue
        }
        if ($PSCmdlet.ShouldProcess("managed identity $PrincipalId", "assign $($resource.DisplayName) / $value")) {
            New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $PrincipalId -PrincipalId $PrincipalId `
                -ResourceId $resource.Id -AppRoleId $role.Id | Out-Null
            Write-Host "  + $($resource.DisplayName) / $value"
        }
    }
}

function Revoke-WatchdogAppRoles {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] [string]$PrincipalId,
        [Parameter(Mandatory)] [string]$ResourceAppId,
        [Parameter(Mandatory)] [string[]]$Values
    )
    $resource = Get-ResourceServicePrincipal $ResourceAppId
    $roleIds = @($resource.AppRoles | Where-Object { $Values -contains $_.Value } | ForEach-Object { $_.Id })
    Get-WatchdogAppRoleAssignments $PrincipalId $resource |
        Where-Object { $roleIds -contains $_.AppRoleId } |
        ForEach-Object {
            if ($PSCmdlet.ShouldProcess("managed identity $PrincipalId", "remove app role $($_.AppRoleId) of $($resource.DisplayName)")) {
                Remove-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $PrincipalId -AppRoleAssignmentId $_.Id
                Write-Host "  - $($resource.DisplayName) app role $($_.AppRoleId)"
            }
        }
}

function Resolve-WatchdogRoleEntries {
    <#
      For each cmdlet the watchdog runs, the first built-in parent role (in manifest order) that has an
      entry for it. Returns @{ parent = @(cmdlets) }. Read-only parents come first, so only the write
      cmdlets are taken from Role Management.
    #>
    param([Parameter(Mandatory)] $Manifest)
    $plan = [ordered]@{}
    foreach ($cmdlet in $Manifest.exchange.cmdlets) {
        $parent = $Manifest.exchange.parentRoles |
            Where-Object { Get-ManagementRoleEntry -Identity "$_\$cmdlet" -ErrorAction SilentlyContinue } |
            Select-Object -First 1
        if (-not $parent) {
            $holders = (Get-ManagementRole -Cmdlet $cmdlet | ForEach-Object Name) -join ', '
            throw "No role in ($($Manifest.exchange.parentRoles -join ', ')) has an entry for $cmdlet; roles that do: $holders. Add one of them to parentRoles in permissions.json."
        }
        if (-not $plan.Contains($parent)) { $plan[$parent] = [System.Collections.Generic.List[string]]::new() }
        $plan[$parent].Add($cmdlet)
    }
    $plan
}

function Grant-WatchdogExchangeRole {
    <#
      Registers the managed identity in Exchange Online, gives it custom child roles that keep only the
      role entries of the cmdlets it runs (through a dedicated role group), and a delegating assignment of
      Mailbox Import Export so that it may assign that role (grants). Needs an Exchange Online session
      (Connect-ExchangeOnline) as Organization Management.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] [string]$AppId,
        [Parameter(Mandatory)] [string]$ObjectId,
        [Parameter(Mandatory)] [string]$DisplayName,
        [string]$GrantRoleGroup
    )
    $m = Get-WatchdogPermissionManifest
    $group = $m.exchange.roleGroup

    # Matched from the listing: Get-ServicePrincipal -Identity answers an unknown identity with every pointer.
    $sp = Get-ServicePrincipal | Where-Object { "$($_.ObjectId)" -eq $ObjectId -or "$($_.AppId)" -eq $AppId } | Select-Object -First 1
    if (-not $sp -and $PSCmdlet.ShouldProcess($DisplayName, 'New-ServicePrincipal')) {
        $sp = New-ServicePrincipal -AppId $AppId -ObjectId $ObjectId -DisplayName $DisplayName
        Write-Host "  + Exchange service principal $DisplayName"
    }

    $childRoles = @()
    foreach ($entry in (Resolve-WatchdogRoleEntries $m).GetEnumerator()) {
        $parent = $entry.Key
        $keep = @($entry.Value)
        $child = "$($m.exchange.customRolePrefix)$parent"
        $childRoles += $child
        if (-not (Get-ManagementRole -Identity $child -ErrorAction SilentlyContinue)) {
            if ($PSCmdlet.ShouldProcess($child, "New-ManagementRole -Parent '$parent'")) {
                New-ManagementRole -Name $child -Parent $parent -Description "mie-watchdog: only $($keep -join ', ')" | Out-Null
                Write-Host "  + role $child (child of $parent)"
            }
        }
        # A child role starts with every entry of its parent: remove all but the ones the watchdog runs.
        Get-ManagementRoleEntry -Identity "$child\*" -ErrorAction SilentlyContinue |
            Where-Object { $keep -notcontains $_.Name } |
            ForEach-Object {
                if ($PSCmdlet.ShouldProcess("$child\$($_.Name)", 'Remove-ManagementRoleEntry')) {
                    Remove-ManagementRoleEntry -Identity "$child\$($_.Name)" -Confirm:$false
                }
            }
        if (-not $WhatIfPreference) {
            $left = @(Get-ManagementRoleEntry -Identity "$child\*" | ForEach-Object Name)
            $missing = $keep | Where-Object { $left -notcontains $_ }
            if ($missing) { throw "Role $child lacks $($missing -join ', ') after trimming; remove the role and run again." }
            Write-Host "  = role $child keeps $($left -join ', ')"
        }
    }

    if (-not (Get-RoleGroup -Identity $group -ErrorAction SilentlyContinue)) {
        if ($PSCmdlet.ShouldProcess($group, 'New-RoleGroup')) {
            New-RoleGroup -Name $group -Roles $childRoles -Description 'mie-watchdog managed identity: least-privilege Exchange RBAC for auditing and time-boxed Mailbox Import Export grants.' | Out-Null
            Write-Host "  + role group $group"
        }
    }
    else {
        foreach ($child in $childRoles) {
            if (-not (Get-ManagementRoleAssignment -Role $child -RoleAssignee $group -ErrorAction SilentlyContinue) -and
                $PSCmdlet.ShouldProcess($group, "assign $child")) {
                New-ManagementRoleAssignment -Role $child -SecurityGroup $group | Out-Null
            }
        }
        $extra = Get-ManagementRoleAssignment -RoleAssignee $group -Delegating $false |
            Where-Object { $childRoles -notcontains $_.Role }
        foreach ($a in $extra) { Write-Warning "Role group $group also holds $($a.Role) ($($a.Name)); the watchdog does not need it." }
    }

    $members = @(Get-RoleGroupMember -Identity $group -ErrorAction SilentlyContinue)
    $isMember = $members | Where-Object { $_.ExternalDirectoryObjectId -eq $ObjectId -or $_.Name -eq $sp.Name -or $_.Identity -eq $sp.Identity }
    if (-not $isMember -and $PSCmdlet.ShouldProcess($group, "Add-RoleGroupMember $DisplayName")) {
        Add-RoleGroupMember -Identity $group -Member $sp.Identity
        Write-Host "  + $DisplayName is a member of $group"
    }

    # Assigning a role needs a delegating assignment of that role; it grants no mailbox access itself.
    $role = $m.exchange.delegatedRole
    $delegating = Get-ManagementRoleAssignment -Role $role -Delegating $true |
        Where-Object { $_.RoleAssigneeName -eq $group }
    if (-not $delegating -and $PSCmdlet.ShouldProcess($group, "delegating assignment of $role")) {
        New-ManagementRoleAssignment -Name "$role-$group-Delegating" -Role $role -SecurityGroup $group -Delegating | Out-Null
        Write-Host "  + delegating assignment $role-$group-Delegating"
    }

    if ($GrantRoleGroup) {
        if (-not (Get-RoleGroup -Identity $GrantRoleGroup -ErrorAction SilentlyContinue)) {
            throw "WATCHDOG_GRANT_ROLE_GROUP is '$GrantRoleGroup' but no such role group exists. Create it with a regular assignment of $role first."
        }
        $regular = Get-ManagementRoleAssignment -Role $role -RoleAssignee $GrantRoleGroup -Delegating $false -ErrorAction SilentlyContinue
        if (-not $regular) { Write-Warning "Role group $GrantRoleGroup has no regular assignment of ${role}: adding members to it grants nothing." }
    }
}

function Remove-WatchdogExchangeRole {
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)] [string]$ObjectId)
    $m = Get-WatchdogPermissionManifest
    $group = $m.exchange.roleGroup
    $role = $m.exchange.delegatedRole
    Get-ManagementRoleAssignment -Role $role -Delegating $true |
        Where-Object { $_.RoleAssigneeName -eq $group } |
        ForEach-Object {
            if ($PSCmdlet.ShouldProcess($_.Name, 'Remove-ManagementRoleAssignment')) {
                Remove-ManagementRoleAssignment -Identity $_.Guid.ToString() -Confirm:$false
                Write-Host "  - $($_.Name)"
            }
        }
    if ((Get-RoleGroup -Identity $group -ErrorAction SilentlyContinue) -and $PSCmdlet.ShouldProcess($group, 'Remove-RoleGroup')) {
        Remove-RoleGroup -Identity $group -Confirm:$false
        Write-Host "  - role group $group"
    }
    foreach ($parent in $m.exchange.parentRoles) {
        $child = "$($m.exchange.customRolePrefix)$parent"
        if ((Get-ManagementRole -Identity $child -ErrorAction SilentlyContinue) -and $PSCmdlet.ShouldProcess($child, 'Remove-ManagementRole')) {
            Remove-ManagementRole -Identity $child -Confirm:$false
            Write-Host "  - role $child"
        }
    }
    if ((Get-ServicePrincipal | Where-Object { "$($_.ObjectId)" -eq $ObjectId }) -and $PSCmdlet.ShouldProcess($ObjectId, 'Remove-ServicePrincipal')) {
        Remove-ServicePrincipal -Identity $ObjectId -Confirm:$false
        Write-Host "  - Exchange service principal $ObjectId"
    }
}

function Get-WatchdogCloudNames([string]$Cloud) {
    # Microsoft Graph PowerShell environment and Exchange Online environment for each Microsoft 365 cloud.
    switch ($Cloud) {
        'Global' { @{ Graph = 'Global'; Exchange = 'O365Default' } }
        'USGovHigh' { @{ Graph = 'USGov'; Exchange = 'O365USGovGCCHigh' } }
        'USGovDoD' { @{ Graph = 'USGovDoD'; Exchange = 'O365USGovDoD' } }
        'China' { @{ Graph = 'China'; Exchange = 'O365China' } }
        default { throw "Unknown cloud '$Cloud'." }
    }
}

Export-ModuleMember -Function Get-WatchdogPermissionManifest, Get-WatchdogAzdValues, Resolve-WatchdogValue, Resolve-WatchdogIdentity, Connect-WatchdogGraph,
    Invoke-WatchdogExchange, Grant-WatchdogAppRoles, Revoke-WatchdogAppRoles, Resolve-WatchdogRoleEntries, Grant-WatchdogExchangeRole,
    Remove-WatchdogExchangeRole, Get-WatchdogCloudNames, Grant-WatchdogDirectoryRoles, Revoke-WatchdogDirectoryRoles
