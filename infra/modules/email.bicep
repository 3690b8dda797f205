// Azure Communication Services Email: an email service with an Azure-managed domain, linked to a
// communication service that the watchdog calls with its managed identity (keys are disabled).
@description('Name of the communication service (the resource the app sends through).')
param communicationServiceName string

@description('Name of the email communication service (owns the domain).')
param emailServiceName string

@description('Where email data is kept at rest, for example United States or Europe.')
param dataLocation string

param tags object = {}

resource emailService 'Microsoft.Communication/emailServices@2025-05-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

// Azure-managed domain (<guid>.azurecomm.net): verified at creation, no DNS work. Replace it with a
// verified custom domain for production mail (docs/deployment.md).
resource managedDomain 'Microsoft.Communication/emailServices/domains@2025-05-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2025-05-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    disableLocalAuth: true
    linkedDomains: [
      managedDomain.id
    ]
  }
}

output communicationServiceName string = communicationService.name
output endpoint string = 'https://${communicationService.properties.hostName}'
// The Azure-managed domain comes with the DoNotReply sender username.
output defaultSender string = 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
