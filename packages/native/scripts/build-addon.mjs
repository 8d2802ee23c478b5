// Builds the Node-API addon against Debian's oneDNN (libdnnl-dev) into prebuilds/linux-x64/, beside the
// shared libraries it links against, so the packed package runs on a machine without a compiler or
// oneDNN. Offline: Node's headers come from the system (/usr/include/node) or beside the node binary.
// Where it cannot build (another platform, no g++, no oneDNN) it says why and exits 0: the package then
// reports itself unavailable and setupBackend falls back to plain wasm.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const skip = (why) => {
  console.log(
    `@simclr/native: the addon is not built here (${why}); @simclr/native reports itself unavailable`,
  );
  process.exit(0);
};

if (process.platform !== 'linux' || process.arch !== 'x64')
  skip(`${process.platform}-${process.arch} is not linux-x64`);
const headers = ['/usr/include/node', join(dirname(dirname(process.execPath)), 'include', 'node')].find((d) =>
  existsSync(join(d, 'node_api.h')),
);
if (headers === undefined) skip("Node's headers (node_api.h) are not installed");
const dnnl = '/usr/include/oneapi/dnnl/dnnl.hpp';
if (!existsSync(dnnl)) skip('oneDNN is not installed: apt-get install libdnnl-dev');
try {
  execFileSync('g++', ['--version'], { stdio: 'ignore' });
} catch {
  skip('g++ is not installed');
}

mkdirSync(out, { recursive: true });
execFileSync(
  'g++',
  [
    '-O3',
    '-std=c++17',
    '-shared',
    '-fPIC',
    '-fopenmp',
    // Each float operation rounds on its own, as the tfjs ops the kernels stand in for.
    '-ffp-contract=off',
    `-I${headers}`,
    join(root, 'native', 'simclr_native.cc'),
    join(root, 'native', 'batch_norm.cc'),
    join(root, 'native', 'color_jitter.cc'),
    join(root, 'native', 'crop_resize.cc'),
    join(root, 'native', 'gaussian_blur.cc'),
    '-o',
    join(out, 'simclr_native.node'),
    '-ldnnl',
    // DT_RPATH (not RUNPATH): it also applies to libdnnl's own dependencies (libOpenCL), copied beside.
    '-Wl,--disable-new-dtags,-rpath,$ORIGIN',
  ],
  { stdio: 'inherit' },
);

// The libraries the addon needs beyond glibc and libstdc++, copied beside it (found through $ORIGIN).
const needed = ['libdnnl.so.2', 'libgomp.so.1', 'libOpenCL.so.1'];
const ldd = execFileSync('ldd', [join(out, 'simclr_native.node')], { encoding: 'utf8' });
for (const name of needed) {
  const line = ldd.split('\n').find((l) => l.trim().startsWith(`${name} `));
  const path = line?.match(/=> (\S+)/)?.[1];
  if (path === undefined || path === 'not')
    throw new Error(`@simclr/native: ldd does not resolve ${name}:\n${ldd}`);
  copyFileSync(realpathSync(path), join(out, name));
}
console.log(`@simclr/native: built ${join(out, 'simclr_native.node')} with ${needed.join(', ')}`);
