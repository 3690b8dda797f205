/** Fault rules that pick requests inside or outside a $batch, and latency with seeded jitter. */
import { describe, expect, it } from 'vitest';
import { Faults, validateFaultRule } from '../../emulator/faults.js';

describe('fault rules: inBatch and jitter', () => {
  it('refuses a negative jitter and an inBatch that is not true or false', () => {
    expect(validateFaultRule({ route: '*', fault: { kind: 'latency', ms: 5, jitterMs: -1 } })).toContain('jitterMs');
    expect(validateFaultRule({ route: '*', inBatch: 'yes', fault: { kind: 'latency', ms: 5 } })).toContain('inBatch');
  });

  it('slows by ms plus a seeded share of jitterMs, the same on every run of the same seed', () => {
    const draw = () => {
      const faults = new Faults(9);
      faults.add({ route: 'exchange:*', fault: { kind: 'latency', ms: 100, jitterMs: 50 } });
      return Array.from({ length: 20 }, () => faults.decide({ api: 'exchange', name: 'Get-User' }).latencyMs);
    };
    const first = draw();
    expect(draw()).toEqual(first);
    for (const ms of first) expect(ms >= 100 && ms < 150).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('picks only requests inside a $batch, or only calls of their own', () => {
    const faults = new Faults();
    faults.add({ route: 'exchange:*', inBatch: true, fault: { kind: 'error', status: 503 } });
    faults.add({ route: 'graph:/**', inBatch: false, fault: { kind: 'error', status: 502 } });
    expect(faults.decide({ api: 'exchange', name: 'Get-User', inBatch: true }).failure).toEqual({
      kind: 'error',
      status: 503,
    });
    expect(faults.decide({ api: 'exchange', name: '$batch' }).failure).toBeUndefined();
    expect(faults.decide({ api: 'graph', name: '/$batch' }).failure).toEqual({ kind: 'error', status: 502 });
    expect(faults.decide({ api: 'graph', name: '/users/x', inBatch: true }).failure).toBeUndefined();
  });
});
