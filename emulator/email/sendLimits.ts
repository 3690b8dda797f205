/**
 * ACS Email's send rate limits, per subscription, over sliding windows of the emulator clock. Defaults follow
 * "Service limits for Azure Communication Services" (Email, Rate Limits): a custom domain may send 30 emails a
 * minute and 100 an hour, an Azure-managed domain 5 a minute and 10 an hour. A request over a limit is rejected
 * with 429 and a Retry-After (nothing is queued: "You can attempt these requests again, when the Retry-After
 * time has passed").
 */
export interface EmailSendLimits {
  perMinute: number;
  perHour: number;
}

export const EMAIL_SEND_LIMITS = {
  customDomain: { perMinute: 30, perHour: 100 },
  azureManagedDomain: { perMinute: 5, perHour: 10 },
} as const satisfies Record<string, EmailSendLimits>;

const MINUTE = 60_000;
const HOUR = 3_600_000;

export class EmailSendWindow {
  private readonly accepted: number[] = [];

  constructor(public limits: EmailSendLimits | undefined) {}

  /** Seconds to wait before another send is accepted at `now`; undefined when one may be sent now. */
  retryAfterSeconds(now: number): number | undefined {
    if (!this.limits) return undefined;
    while (this.accepted.length && (this.accepted[0] as number) <= now - HOUR) this.accepted.shift();
    const waits: number[] = [];
    const lastMinute = this.accepted.filter((t) => t > now - MINUTE);
    if (lastMinute.length >= this.limits.perMinute)
      waits.push((lastMinute[lastMinute.length - this.limits.perMinute] as number) + MINUTE - now);
    if (this.accepted.length >= this.limits.perHour)
      waits.push((this.accepted[this.accepted.length - this.limits.perHour] as number) + HOUR - now);
    return waits.length ? Math.max(1, Math.ceil(Math.max(...waits) / 1000)) : undefined;
  }

  record(now: number): void {
    this.accepted.push(now);
  }

  clear(): void {
    this.accepted.length = 0;
  }
}
