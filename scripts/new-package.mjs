// Scaffolds packages/<name> with the workspace's package conventions.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';

const [name, description] = process.argv.slice(2);
const dir = `packages/${name}`;
if (existsSync(dir)) throw new Error(`${dir} exists`);
mkdirSync(`${dir}/src`, { recursive: true });
mkdirSync(`${dir}/test`, { recursive: true });
const pkg = {
  name: `@simclr/${name}`,
  version: '0.1.0',
  description,
  license: 'Apache-2.0',
  type: 'module',
  sideEffects: false,
  exports: {
    '.': { types: './dist/index.d.ts', source: './src/index.ts', default: './dist/index.js' },
    './package.json': './package.json',
  },
  files: ['dist', 'src', 'README.md', 'LICENSE'],
  scripts: { build: 'tsc -p tsconfig.build.json', typecheck: 'tsc -p tsconfig.json --noEmit' },
  engines: { node: '>=20.19' },
  publishConfig: { access: 'public' },
  peerDependencies: { '@tensorflow/tfjs-core': '^4.22.0' },
  devDependencies: {},
};
writeFileSync(`${dir}/package.json`, JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(
  `${dir}/tsconfig.json`,
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { noEmit: true, types: ['node'] },
      include: ['src', 'test'],
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  `${dir}/tsconfig.build.json`,
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { rootDir: 'src', outDir: 'dist', types: [] },
      include: ['src'],
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(`${dir}/src/index.ts`, '');
