/**
 * Sign-in with @azure/msal-browser: authorization code flow with PKCE against the tenant (Entra ID, or the
 * tenant emulator locally), asking for the API's access_as_user scope. The session lives in sessionStorage
 * (closing the tab signs out); a token the API refuses ends it (endSession), back to the sign-in page.
 */
import { InteractionRequiredAuthError, PublicClientApplication, type AccountInfo } from '@azure/msal-browser';

export interface AppConfig {
  clientId: string;
  authority: string;
  knownAuthorities: string[];
  scopes: string[];
}

export interface SignedIn {
  name: string;
  upn: string;
  oid: string;
  roles: string[];
}

export class SessionEndedError extends Error {}

export interface Auth {
  user(): SignedIn | undefined;
  signIn(): Promise<void>;
  signOut(): Promise<void>;
  /** A bearer token for the API, or SessionEndedError when only a new sign-in can give one. */
  token(): Promise<string>;
  /** Forgets the session (the API refused its token); the reason is shown on the sign-in page. */
  endSession(reason: string): Promise<void>;
  endedBecause(): string | undefined;
}

const ENDED_KEY = 'mie-watchdog.session-ended';

function toUser(account: AccountInfo): SignedIn {
  const claims = account.idTokenClaims ?? {};
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  return {
    name: account.name ?? account.username,
    upn: account.username.toLowerCase(),
    oid: String(claims.oid ?? account.localAccountId),
    roles,
  };
}

export async function startAuth(config: AppConfig): Promise<Auth> {
  const msal = new PublicClientApplication({
    auth: {
      clientId: config.clientId,
      authority: config.authority,
      knownAuthorities: config.knownAuthorities,
      redirectUri: `${location.origin}/redirect`,
      postLogoutRedirectUri: `${location.origin}/`,
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await msal.initialize();
  const result = await msal.handleRedirectPromise();
  if (result?.account) {
    msal.setActiveAccount(result.account);
    sessionStorage.removeItem(ENDED_KEY);
  }
  const account = () => msal.getActiveAccount() ?? msal.getAllAccounts()[0];
  const endSession = async (reason: string) => {
    sessionStorage.setItem(ENDED_KEY, reason);
    await msal.clearCache();
    msal.setActiveAccount(null);
  };

  return {
    user: () => {
      const a = account();
      return a ? toUser(a) : undefined;
    },
    signIn: () => msal.loginRedirect({ scopes: config.scopes, redirectStartPage: location.href }),
    signOut: async () => {
      const a = account();
      await msal.logoutRedirect(a ? { account: a } : {});
    },
    async token() {
      const a = account();
      if (!a) throw new SessionEndedError('You are not signed in.');
      try {
        return (await msal.acquireTokenSilent({ scopes: config.scopes, account: a })).accessToken;
      } catch (error) {
        if (error instanceof InteractionRequiredAuthError) {
          await endSession('Your session has expired: sign in again.');
          throw new SessionEndedError('Your session has expired: sign in again.');
        }
        throw error;
      }
    },
    endSession,
    endedBecause: () => sessionStorage.getItem(ENDED_KEY) ?? undefined,
  };
}
