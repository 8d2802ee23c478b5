import { startWorker } from '@simclr/core/node';
import {
  abortSharedMemory,
  createSharedMemory,
  type SharedMemory,
  SharedMemoryCollective,
} from '@simclr/train';
import { describe, expect, it } from 'vitest';

type Reply = { ok: true; result: unknown } | { ok: false; message: string };

const SCRIPT = new URL('./fixtures/collective-worker.js', import.meta.url);

/** Runs `task` on `size` worker threads sharing one memory; resolves with each rank's reply. */
function team(size: number, task: string, onStarted?: (memory: SharedMemory) => void): Promise<Reply[]> {
  const memory = createSharedMemory(size, 16);
  const replies = Array.from(
    { length: size },
    (_, rank) =>
      new Promise<Reply>((resolve, reject) => {
        const worker = startWorker(SCRIPT, { memory, rank, task });
        worker.once('message', (m: Reply) => {
          resolve(m);
          void worker.terminate();
        });
        worker.once('error', reject);
      }),
  );
  onStarted?.(memory);
  return Promise.all(replies);
}

describe('SharedMemoryCollective', () => {
  it('all-gathers in rank order, sums identically on every rank, broadcasts from the root', async () => {
    const replies = await team(3, 'ops');
    const mine = (r: number) => Array.from({ length: 5 }, (_, i) => r * 10 + i + 0.25);
    const sum = mine(0).map((x, i) => x + mine(1)[i]! + mine(2)[i]!);
    for (const reply of replies) {
      expect(reply.ok).toBe(true);
      const r = (reply as { result: Record<string, number[]> }).result;
      expect(r['gathered']).toEqual([...mine(0), ...mine(1), ...mine(2)]);
      expect(r['summed']).toEqual(sum);
      expect(r['broadcast']).toEqual([7, 8, 9]);
      expect(r['rounds']).toEqual(Array.from({ length: 200 }, (_, k) => 3 + 3 * k));
    }
  });

  it('the drift check names the replica whose weights differ, on every replica', async () => {
    const replies = await team(3, 'drift');
    for (const reply of replies) {
      expect(reply).toMatchObject({ ok: false });
      expect((reply as { message: string }).message).toMatch(
        /^the weights of worker\(s\) 2 drifted from worker 0's at step 10 /,
      );
    }
  });

  it('replicas waiting for one that never arrives throw once the team is aborted', async () => {
    const replies = await team(3, 'wait', (memory) => setTimeout(() => abortSharedMemory(memory), 500));
    expect(replies[0]).toEqual({ ok: true });
    for (const reply of replies.slice(1)) {
      expect(reply).toEqual({
        ok: false,
        message: 'the collective was aborted because another replica failed',
      });
    }
  });

  it('rejects bad arguments naming them', () => {
    expect(() => createSharedMemory(0, 4)).toThrow('createSharedMemory: size must be an integer >= 1, got 0');
    expect(() => createSharedMemory(2, 1.5)).toThrow(
      'createSharedMemory: capacity must be an integer >= 1, got 1.5',
    );
    const memory = createSharedMemory(2, 4);
    expect(() => new SharedMemoryCollective(memory, 2)).toThrow(
      'SharedMemoryCollective: rank must be an integer in [0, 1], got 2',
    );
    expect(() => new SharedMemoryCollective(memory, 0).allGather(new Float32Array(5))).toThrow(
      'allGather: data must be a Float32Array of at most 4 values',
    );
  });
});
