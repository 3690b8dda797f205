/** What the Exchange-shaped client tests share: the tenant, and the cmdlet an InvokeCommand request carries. */
import type { RecordedRequest } from '../../support/fakeServer.js';

export const TENANT = 'contoso.onmicrosoft.com';

export function cmdletOf(r: RecordedRequest): { CmdletName: string; Parameters: Record<string, unknown> } {
  return (JSON.parse(r.body) as { CmdletInput: { CmdletName: string; Parameters: Record<string, unknown> } })
    .CmdletInput;
}
