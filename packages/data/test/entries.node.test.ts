import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Every module specifier reachable from `entry` through relative imports. */
function importGraph(entry: string): { files: string[]; specifiers: Set<string> } {
  const files: string[] = [];
  const specifiers = new Set<string>();
  const visit = (file: string) => {
    if (files.includes(file)) return;
    files.push(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else specifiers.add(spec);
    }
  };
  visit(entry);
  return { files, specifiers };
}

describe('package entries', () => {
  it('the browser entry reaches no Node built-in and no Node-only package', () => {
    const { files, specifiers } = importGraph(join(src, 'index.ts'));
    expect(files.length).toBeGreaterThan(10);
    expect(files.some((f) => f.includes(`${join(src, 'node')}`))).toBe(false);
    expect([...specifiers].sort()).toEqual(['@simclr/core', '@tensorflow/tfjs-core']);
  });

  it('the node entry adds the Node-only loaders on top of everything in the browser entry', async () => {
    const browser = await import('../src/index.js');
    const node = await import('../src/node.js');
    for (const name of Object.keys(browser)) expect(node, name).toHaveProperty(name);
    for (const name of ['cifar10', 'cifar100', 'stl10', 'imageFolder', 'download', 'fashionMnist', 'mnist']) {
      expect(typeof (node as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(node.fashionMnist).not.toBe(browser.fashionMnist);
    const { specifiers } = importGraph(join(src, 'node.ts'));
    expect([...specifiers].filter((s) => !s.startsWith('node:')).sort()).toEqual([
      '@simclr/core',
      '@simclr/core/node',
      '@tensorflow/tfjs-core',
      'sharp',
      'tar-stream',
    ]);
  });
});
