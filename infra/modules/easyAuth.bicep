// App Service Authentication in front of the Function App, deployed only with authMode 'easyauth'.
// It requires a signed-in Entra ID user on every request and strips any X-MS-CLIENT-PRINCIPAL a caller
// sends, which is what lets the app trust that header (the app also checks WEBSITE_AUTH_ENABLED).

@description('Name of the Function App.')
param functionAppName string

@description('Client id of the watchdog API app registration (WATCHDOG_AUTH_AUDIENCE in easyauth mode).')
param clientId string

@description('Entra ID v2.0 issuer of the tenant.')
param issuer string

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: clientId
          openIdIssuer: issuer
        }
        validation: {
          allowedAudiences: [
            clientId
            'api://${clientId}'
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}
