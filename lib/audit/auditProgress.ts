/**
 * What an audit run has stored so far and what it still meant to store, in words: a run that fails
 * half-way says exactly which of its writes landed (the snapshot, journal entries, the alert) and which
 * did not, instead of claiming nothing moved. A listener (the CLI's progress on stderr) hears each step as it happens.
 */
export type AuditStep =
  'snapshot' | 'holder-events' | 'drift-alert' | 'finding-events' | 'findings' | 'digest' | 'digest-day';

export class AuditProgress {
  private readonly stored = new Map<AuditStep, string>();
  private readonly planned = new Map<AuditStep, string>();
  private currentVersion = 0;

  constructor(private readonly listener?: (step: string) => void) {}

  /** A step that stores nothing (reading, comparing): only the listener hears it. */
  phase(what: string): void {
    this.listener?.(what);
  }

  /** The snapshot version that was current when the run started. */
  startedAt(version: number): void {
    this.currentVersion = version;
  }

  /** The run means to store this. */
  plan(step: AuditStep, what: string): void {
    if (!this.stored.has(step)) this.planned.set(step, what);
  }

  /** Stored (or sent) for good. */
  done(step: AuditStep, what: string): void {
    this.planned.delete(step);
    this.stored.set(step, what);
    this.listener?.(`stored ${what}`);
  }

  describe(): string {
    const current = this.currentVersion
      ? `snapshot version ${this.currentVersion}`
      : 'no snapshot (none was stored yet)';
    const stored = [...this.stored.values()];
    const notStored = [...this.planned.entries()].map(([step, what]) =>
      step === 'snapshot' ? `${what}, so ${current} stays current` : what,
    );
    if (!stored.length && !notStored.length) return `Nothing was stored; ${current} stays current.`;
    const parts = [stored.length ? `Stored: ${stored.join('; ')}.` : 'Nothing was stored.'];
    if (notStored.length) parts.push(`Not stored: ${notStored.join('; ')}; the next run completes this.`);
    return parts.join(' ');
  }
}

export const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
