import { readFileSync } from 'node:fs';
import * as tfCpu from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import * as augment from '../src/index.js';

const README = new URL('../README.md', import.meta.url);

/** The README's fenced TypeScript blocks, in order. */
function codeBlocks(): string[] {
  return [...readFileSync(README, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Runs a block as written: compiled to CommonJS, its imports served from the workspace's modules. */
async function run(code: string): Promise<void> {
  const modules: Record<string, unknown> = {
    '@simclr/augment': augment,
    '@tensorflow/tfjs-core': tf,
    '@tensorflow/tfjs-backend-cpu': tfCpu,
  };
  const js = ts.transpileModule(code, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  }).outputText;
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`the README imports ${name}, which this test does not provide`);
    return modules[name];
  };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<void>;
  await new AsyncFunction('require', 'exports', js)(require, {});
}

describe('README', () => {
  it('the first example runs as written, prints both views’ shapes and leaks nothing', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const before = tf.memory().numTensors;
    await run(codeBlocks()[0]!);
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.memory().numTensors).toBe(before);
    expect(log).toHaveBeenCalledWith([8, 32, 32, 3], [8, 32, 32, 3]);
    expect(String(log.mock.calls[0]![0])).toMatch(/^compose\(\[\n {2}randomResizedCrop/);
    log.mockRestore();
  });
});
