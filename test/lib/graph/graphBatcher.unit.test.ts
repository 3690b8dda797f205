/**
 * The batcher's schedule, with the envelope's POST in the test's hands: a turn's requests go in one envelope, later
 * ones wait while a round trip is out (a full envelope does not), and a lone plain-able request is handed back.
 */
import { describe, expect, it } from 'vitest';
import { GraphBatcher, MAX_BATCH, type PostBatch } from '../../../lib/graph/graphBatcher.js';
import { createLimiter } from '../../../lib/limiter.js';

/** Lets the event loop run a few turns (setImmediate callbacks), no time passing. */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

function recordingPost() {
  const sent: { urls: string[]; answer(): void }[] = [];
  const post: PostBatch = (requests) =>
    new Promise((resolve) =>
      sent.push({
        urls: requests.map((r) => r.url),
        answer: () => resolve({ responses: requests.map((r) => ({ id: r.id, status: 200, body: r.url })) }),
      }),
    );
  return { sent, post };
}

describe('GraphBatcher', () => {
  it('sends one turn together and holds the next turn until the round trip out is answered', async () => {
    const { sent, post } = recordingPost();
    const batcher = new GraphBatcher(post, createLimiter(4));
    const first = batcher.get(['/a', '/b']);
    await turns();
    expect(sent.map((s) => s.urls)).toEqual([['/a', '/b']]);
    const later = [...batcher.get(['/c']), ...batcher.get(['/d'], true)];
    await turns();
    expect(sent).toHaveLength(1);
    sent[0]!.answer();
    expect((await Promise.all(first)).map((a) => a?.body)).toEqual(['/a', '/b']);
    await turns();
    expect(sent.map((s) => s.urls)).toEqual([
      ['/a', '/b'],
      ['/c', '/d'],
    ]);
    sent[1]!.answer();
    expect((await Promise.all(later)).map((a) => a?.body)).toEqual(['/c', '/d']);
  });

  it('does not hold a full envelope, and counts a plainly sent request as out', async () => {
    const { sent, post } = recordingPost();
    const batcher = new GraphBatcher(post, createLimiter(4));
    let answerPlain: () => void = () => undefined;
    const [alone] = batcher.get(['/lone'], true);
    expect(await alone).toBeUndefined();
    const plain = batcher.track(new Promise<void>((resolve) => (answerPlain = resolve)));
    const urls = Array.from({ length: MAX_BATCH + 1 }, (_, i) => `/u${i}`);
    const all = Promise.all(batcher.get(urls));
    await turns();
    // The plain request is out: the full envelope goes, the one left over waits.
    expect(sent.map((s) => s.urls.length)).toEqual([MAX_BATCH]);
    answerPlain();
    await plain;
    await turns();
    // The full envelope is still out: the rest waits for it.
    expect(sent.map((s) => s.urls.length)).toEqual([MAX_BATCH]);
    sent[0]!.answer();
    await turns();
    expect(sent.map((s) => s.urls.length)).toEqual([MAX_BATCH, 1]);
    sent[1]!.answer();
    expect((await all).map((a) => a?.body)).toEqual(urls);
  });

  it('rejects every request of an envelope whose POST failed, or whose answer is missing', async () => {
    const failing = new GraphBatcher(async () => Promise.reject(new Error('connection reset')), createLimiter(1));
    await expect(Promise.all(failing.get(['/a', '/b']))).rejects.toThrow('connection reset');
    const partial = new GraphBatcher(async () => ({ responses: [{ id: '0', status: 200 }] }), createLimiter(1));
    const [a, b] = partial.get(['/a', '/b']);
    expect((await a)?.status).toBe(200);
    await expect(b).rejects.toThrow('no answer for request 1 (/b)');
  });
});
