// Watchdog health: an Azure Monitor log alert per timer job that fires when the job has not
// succeeded for two of its intervals. It mails the security team through an action group, so it
// still works when the watchdog's own email path (ACS) is what broke.
param appInsightsId string
param location string
param tags object = {}
param actionGroupName string

@description('Comma- or semicolon-separated email addresses (same value as WATCHDOG_ALERT_RECIPIENTS).')
param alertRecipients string

@description('Timer functions to watch: functionName (as registered with app.timer), intervalMinutes (5, 15 or 30), what (for the alert text).')
param jobs array

var recipients = filter(map(split(replace(replace(alertRecipients, ';', ','), ' ', ','), ','), r => trim(r)), r => !empty(r))

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'Global'
  tags: tags
  properties: {
    groupShortName: 'miewatchdog'
    enabled: true
    emailReceivers: [
      for (address, i) in recipients: {
        name: 'security-team-${i}'
        emailAddress: address
        useCommonAlertSchema: true
      }
    ]
  }
}

// The Functions host records every invocation as a request named after the function; a run that
// throws is recorded with success == false, so only completed runs count.
resource notSucceeding 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for job in jobs: {
    name: 'mie-watchdog-${job.functionName}-not-succeeding'
    location: location
    tags: tags
    properties: {
      displayName: 'mie-watchdog: ${job.what} has not succeeded for two intervals'
      description: 'No successful ${job.functionName} run in the last ${job.intervalMinutes * 2} minutes. Drift is not being detected or acted on. Check the Function App logs (exceptions, permission errors) in Application Insights.'
      severity: 1
      enabled: true
      scopes: [
        appInsightsId
      ]
      evaluationFrequency: 'PT${job.intervalMinutes}M'
      windowSize: 'PT${job.intervalMinutes * 2}M'
      criteria: {
        allOf: [
          {
            query: 'requests | where name == "${job.functionName}" and success == true'
            timeAggregation: 'Count'
            operator: 'LessThan'
            threshold: 1
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]
