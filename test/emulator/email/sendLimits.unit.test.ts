import { describe, expect, it } from 'vitest';
import { EMAIL_SEND_LIMITS, EmailSendWindow } from '../../../emulator/email/sendLimits.js';

describe('emulator: ACS Email send limits', () => {
  it('follows the documented limits: a minute window and an hour window, with the wait until a slot frees', () => {
    const window = new EmailSendWindow(EMAIL_SEND_LIMITS.azureManagedDomain);
    const t0 = Date.UTC(2026, 10, 1, 9);
    for (let i = 0; i < 5; i++) {
      expect(window.retryAfterSeconds(t0 + i * 1000)).toBeUndefined();
      window.record(t0 + i * 1000);
    }
    expect(window.retryAfterSeconds(t0 + 5_000)).toBe(55);
    for (let i = 0; i < 5; i++) {
      expect(window.retryAfterSeconds(t0 + 65_000 + i)).toBeUndefined();
      window.record(t0 + 65_000 + i);
    }
    // Ten in the hour: the next slot frees when the first send is an hour old.
    expect(window.retryAfterSeconds(t0 + 200_000)).toBe(3_400);
    expect(window.retryAfterSeconds(t0 + 3_600_000 + 1_000)).toBeUndefined();
  });

  it('custom domains allow 30 a minute and 100 an hour; no limits when turned off', () => {
    expect(EMAIL_SEND_LIMITS.customDomain).toEqual({ perMinute: 30, perHour: 100 });
    const off = new EmailSendWindow(undefined);
    for (let i = 0; i < 1_000; i++) off.record(i);
    expect(off.retryAfterSeconds(1_000)).toBeUndefined();
  });
});
