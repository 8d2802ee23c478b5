import { provideNativeKernels, SimclrError, setupBackend } from '@simclr/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';

const inBrowser = typeof (globalThis as { window?: unknown }).window !== 'undefined';

describe('setupBackend', () => {
  it.runIf(!inBrowser)(
    "'auto' picks native in Node when tfjs-node is absent and the addon loads",
    async () => {
      const { nativeStatus } = await import('../../native/src/index.js');
      const info = await setupBackend('auto');
      expect(info).toEqual({
        name: nativeStatus().available ? 'native' : 'wasm',
        accelerated: false,
        skipped: [
          "'tensorflow' is not installed (npm install @tensorflow/tfjs-node@4.22.0 (or @tensorflow/tfjs-node-gpu@4.22.0 for CUDA))",
          ...(nativeStatus().available
            ? []
            : [`'native' is not available: @simclr/native: ${nativeStatus().reason}`]),
        ],
      });
      expect(tf.getBackend()).toBe('wasm');
    },
  );

  it.runIf(!inBrowser)(
    "without the addon, 'auto' falls back to wasm with a one-line notice naming the fix",
    async () => {
      const real = await import('../../native/src/index.js');
      const reason =
        'the addon is not built: install oneDNN and g++ (apt-get install libdnnl-dev g++) and rebuild @simclr/native';
      provideNativeKernels({
        nativeStatus: () => ({ available: false, reason }),
        activateNativeKernels: () => {
          throw new Error('not available');
        },
        deactivateNativeKernels: () => {},
      });
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        const info = await setupBackend('auto');
        expect(info.name).toBe('wasm');
        expect(info.skipped).toContain(`'native' is not available: @simclr/native: ${reason}`);
        expect(warn).toHaveBeenCalledWith(`setupBackend: using wasm, not native: @simclr/native: ${reason}`);
        await expect(setupBackend('native')).rejects.toThrow(
          `backend 'native' is not available: @simclr/native: ${reason}`,
        );
      } finally {
        warn.mockRestore();
        provideNativeKernels(real);
      }
    },
  );

  it.runIf(inBrowser)("'auto' picks webgl in the browser", async () => {
    await import('@tensorflow/tfjs-backend-webgl');
    const info = await setupBackend('auto');
    expect(info).toEqual({ name: 'webgl', accelerated: true, skipped: [] });
  });

  it.runIf(!inBrowser)('a named backend that is absent fails with the npm command', async () => {
    await expect(setupBackend('tensorflow')).rejects.toThrow(SimclrError);
    await expect(setupBackend('tensorflow')).rejects.toThrow(
      "backend 'tensorflow' is not installed; install it with: npm install @tensorflow/tfjs-node@4.22.0",
    );
  });

  it('names the bad argument', async () => {
    await expect(setupBackend('gpu' as never)).rejects.toThrow(
      `backend must be 'auto', one of 'tensorflow', 'webgpu', 'webgl', 'native', 'wasm', 'cpu', or a non-empty array of those, got "gpu"`,
    );
    await expect(setupBackend(42 as never)).rejects.toThrow(/backend must be .* got 42$/);
    await expect(setupBackend([] as never)).rejects.toThrow(/got \[\]$/);
  });

  it('a list tries each in order', async () => {
    const info = await setupBackend(['tensorflow', 'cpu']);
    expect(info).toEqual({
      name: 'cpu',
      accelerated: false,
      skipped: [
        "'tensorflow' is not installed (npm install @tensorflow/tfjs-node@4.22.0 (or @tensorflow/tfjs-node-gpu@4.22.0 for CUDA))",
      ],
    });
  });

  it('registers gradients', async () => {
    await setupBackend('cpu');
    const g = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2, 3]))
        .arraySync(),
    );
    expect(g).toEqual([2, 4, 6]);
  });
});

/** Whether WebGPU gives an adapter here, asked without `setupBackend`: Dawn's `webgpu` package in Node. */
async function webgpuAdapterHere(): Promise<boolean> {
  if (inBrowser) {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return gpu !== undefined && (await gpu.requestAdapter()) !== null;
  }
  const { create } = await import('webgpu');
  return (await create([]).requestAdapter()) !== null;
}

const adapter = await webgpuAdapterHere();

const NO_DAWN_ADAPTER =
  "'webgpu' is not available: no WebGPU adapter (Dawn found none on this machine: it needs a Vulkan " +
  'driver with the features Dawn requires on Linux, Metal on macOS, D3D12 on Windows; Dawn printed what ' +
  'is missing on stderr)';

describe('setupBackend: webgpu', () => {
  // Rows for Node with the `webgpu` package installed and no adapter (Dawn on Mesa's lavapipe here).
  it.runIf(!inBrowser && !adapter).each([
    {
      pref: ['webgpu', 'cpu'] as const,
      info: { name: 'cpu', accelerated: false, skipped: [NO_DAWN_ADAPTER] },
    },
    {
      pref: ['webgpu', 'wasm'] as const,
      info: { name: 'wasm', accelerated: false, skipped: [NO_DAWN_ADAPTER] },
    },
  ])('Node, no adapter: $pref falls back with a one-line reason', async ({ pref, info }) => {
    expect(await setupBackend(pref)).toEqual(info);
  });

  it.runIf(!inBrowser && !adapter)(
    "Node, no adapter: 'webgpu' alone fails with code 'unavailable'",
    async () => {
      const error = await setupBackend('webgpu').catch((e: unknown) => e);
      expect(SimclrError.is(error)).toBe(true);
      expect((error as SimclrError).code).toBe('unavailable');
      expect((error as Error).message).toBe(`backend ${NO_DAWN_ADAPTER}`);
    },
  );

  it.runIf(!inBrowser)("'auto' in Node does not try webgpu", async () => {
    const info = await setupBackend('auto');
    expect(info.skipped.some((s) => s.startsWith("'webgpu'"))).toBe(false);
  });

  it.runIf(inBrowser && adapter)('activates in the browser where an adapter answers', async () => {
    const info = await setupBackend(['webgpu', 'webgl']);
    expect(info).toEqual({ name: 'webgpu', accelerated: true, skipped: [] });
    expect(tf.getBackend()).toBe('webgpu');
    const g = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2, 3]))
        .arraySync(),
    );
    expect(g).toEqual([2, 4, 6]);
  });

  it.runIf(inBrowser)("'auto' keeps webgl ahead of webgpu", async () => {
    expect(await setupBackend('auto')).toEqual({ name: 'webgl', accelerated: true, skipped: [] });
  });
});
