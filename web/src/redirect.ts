// The sign-in redirect page (MSAL v5 "redirect bridge"): hands the authorization response back to the app page.
import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';

broadcastResponseToMainFrame().catch((error: unknown) => {
  document.body.textContent = `Sign-in could not finish: ${error instanceof Error ? error.message : String(error)}`;
});
