// The watchdog API's app registration and its service principal (Microsoft Graph Bicep extension, v1.0 types):
// the delegated scope access_as_user, the app roles the code enforces (lib/auth/identity.ts APP_ROLES; the ids
// are fixed so that a re-deployment updates the roles instead of replacing them), v2.0 access tokens, the web
// app's SPA redirect URIs, and optionally an Entra group for each app role.
extension microsoftGraphV1

@description('Stable key of the app registration (uniqueName): a re-deployment updates the same registration.')
param uniqueName string

param displayName string

@description('Application ID URI, api://{tenant id}/{name}: known before the app exists, so no deployment cycle.')
param identifierUri string

@description('SPA redirect URIs of the web app that signs users in (https); empty: none yet.')
param spaRedirectUris array = []

@description('Object id of the Entra group whose members may request grants (Grant.Request); empty: assign later.')
param grantRequestGroupId string = ''

@description('Object id of the Entra group whose members approve grants (Grant.Approve); empty: assign later.')
param grantApproveGroupId string = ''

@description('Object id of the Entra group of auditors (Audit.Read); empty: assign later.')
param auditReadGroupId string = ''

var appRoles = [
  {
    id: 'a6b69e44-19d1-47dd-9d7b-885d1e8696d3'
    value: 'Grant.Request'
    displayName: 'Request Mailbox Import Export grants'
    description: 'Request a time-boxed grant of the Mailbox Import Export role, and see and release your own.'
    groupId: grantRequestGroupId
  }
  {
    id: '612dc0c1-75b8-45fa-8752-4a82425fc71c'
    value: 'Grant.Approve'
    displayName: 'Approve Mailbox Import Export grants'
    description: 'Approve or deny grant requests of others, and adopt existing holders.'
    groupId: grantApproveGroupId
  }
  {
    id: '7b008404-6686-4b8c-b734-e8a6ba6cf961'
    value: 'Audit.Read'
    displayName: 'Read the watchdog evidence'
    description: 'Read grants, holders at any time, the evidence exports and the doctor report.'
    groupId: auditReadGroupId
  }
]

resource api 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  signInAudience: 'AzureADMyOrg'
  identifierUris: [
    identifierUri
  ]
  api: {
    requestedAccessTokenVersion: 2
    oauth2PermissionScopes: [
      {
        id: 'd3402264-772a-4559-b70d-9fc9ee43b765'
        value: 'access_as_user'
        type: 'User'
        isEnabled: true
        adminConsentDisplayName: 'Use the MIE watchdog API as the signed-in user'
        adminConsentDescription: 'Call the MIE watchdog API with the app roles the signed-in user holds.'
        userConsentDisplayName: 'Use the MIE watchdog API as you'
        userConsentDescription: 'Call the MIE watchdog API with the app roles you hold.'
      }
    ]
  }
  appRoles: [for role in appRoles: {
    id: role.id
    value: role.value
    displayName: role.displayName
    description: role.description
    allowedMemberTypes: [
      'User'
    ]
    isEnabled: true
  }]
  spa: {
    redirectUris: spaRedirectUris
  }
}

resource apiServicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: api.appId
  // Every route needs an app role: nobody without one gets a token for the API at all.
  appRoleAssignmentRequired: true
}

resource groupAssignments 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [for role in filter(appRoles, r => !empty(r.groupId)): {
  appRoleId: role.id
  principalId: role.groupId
  resourceId: apiServicePrincipal.id
}]

output appId string = api.appId
output identifierUri string = identifierUri
output servicePrincipalId string = apiServicePrincipal.id
