/**
 * The emulator's sign-in page: the tenant's people as buttons, one form carrying the authorization request.
 * There is no password: it is a local development tenant. No script; every value is HTML-escaped.
 */
import type { Person } from './people.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f3f4f6;color:#111827}
main{max-width:34rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 3px #0003}
h1{font-size:1.4rem;margin:0 0 .25rem}p{margin:.25rem 0 1rem;color:#374151}
ul{list-style:none;padding:0;margin:0}li{margin:.5rem 0}
button{width:100%;text-align:left;padding:.6rem .8rem;border:1px solid #9ca3af;border-radius:.375rem;background:#fff;font:inherit;cursor:pointer}
button:hover{background:#eef2ff}button:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.who{display:block;font-weight:600}.upn{display:block;color:#374151;font-size:.9rem}.roles{color:#1e3a8a;font-size:.85rem}`;

export function signInPage(input: {
  tenant: string;
  appName: string;
  action: string;
  fields: Record<string, string>;
  people: Person[];
}): string {
  const hidden = Object.entries(input.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const people = input.people
    .map(
      ({ user, roles }) =>
        `<li><button type="submit" name="person" value="${escapeHtml(user.id)}"><span class="who">${escapeHtml(user.displayName)}</span><span class="upn">${escapeHtml(user.userPrincipalName)}</span><span class="roles">${escapeHtml(roles.length ? roles.join(', ') : 'no app roles')}</span></button></li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Sign in: ${escapeHtml(input.tenant)}</title><style>${STYLE}</style></head><body><main><h1>Sign in to ${escapeHtml(input.appName)}</h1><p>Tenant emulator for ${escapeHtml(input.tenant)}: choose who you are. There is no password; this tenant exists only on this machine.</p><form method="post" action="${escapeHtml(input.action)}">${hidden}<ul>${people}</ul></form></main></body></html>`;
}

export function errorPage(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>`;
}
