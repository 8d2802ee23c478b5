// Packs every public package, lints the tarballs (publint --strict, are-the-types-wrong), then installs
// each one alone (with only the @simclr packages it depends on) into a fresh project with plain npm and
// runs the first example of its README there, as a user would meet it.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'simclr-pack-'));
const packs = join(work, 'packs');
mkdirSync(packs);
const run = (cmd, args, cwd, env = {}) =>
  execFileSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  }).toString();

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({
    dir: join(root, 'packages', dir),
    json: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
  }))
  .filter((p) => !p.json.private);
const byName = new Map(packages.map((p) => [p.json.name, p]));
const only = process.argv.slice(2);
const selected = only.length > 0 ? packages.filter((p) => only.includes(p.json.name)) : packages;

const tarballOf = new Map();
for (const p of packages) {
  const out = run('pnpm', ['pack', '--pack-destination', packs], p.dir);
  tarballOf.set(
    p.json.name,
    out
      .trim()
      .split('\n')
      .filter((l) => l.endsWith('.tgz'))
      .at(-1),
  );
}

/** What every test project installs next to the tarballs, as a user of tfjs would. */
const userInstallVersions = {
  '@tensorflow/tfjs-core': '4.22.0',
  '@tensorflow/tfjs-layers': '4.22.0',
  '@tensorflow/tfjs-backend-cpu': '4.22.0',
  '@tensorflow/tfjs-backend-wasm': '4.22.0',
  tsx: '4',
};
const userInstalls = Object.keys(userInstallVersions);

/** The @simclr packages `name` needs at run time, itself included. */
function closure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of Object.keys(byName.get(name).json.dependencies ?? {}))
    if (byName.has(dep)) closure(dep, seen);
  return seen;
}

function firstExample(readme) {
  const m = /```(ts|js|sh)\n([\s\S]*?)```/.exec(readme);
  if (m === null) throw new Error('README has no ts, js or sh example');
  return { lang: m[1], code: m[2] };
}

const results = [];
let failed = false;
for (const p of selected) {
  const name = p.json.name;
  const tgz = tarballOf.get(name);
  const row = {
    name,
    publint: 'ok',
    attw: 'ok',
    install: 'ok',
    example: 'ok',
    optional: 'ok',
    installed: [],
    without: [],
  };
  try {
    run('npx', ['publint', '--strict', tgz], root);
  } catch (e) {
    row.publint = 'FAIL';
    console.error(e.stdout?.toString(), e.stderr?.toString());
  }
  try {
    run('npx', ['attw', tgz, '--profile', 'esm-only', '--format', 'table-flipped'], root);
  } catch (e) {
    row.attw = 'FAIL';
    console.error(e.stdout?.toString(), e.stderr?.toString());
  }
  const project = join(work, name.replace('/', '__'));
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'user-project', private: true, type: 'module' }),
  );
  const tarballs = [...closure(name)].map((n) => tarballOf.get(n));
  row.installed = [...closure(name)];
  try {
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...tarballs,
        ...userInstalls.map((dep) => `${dep}@${userInstallVersions[dep]}`),
      ],
      project,
      { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
    );
    // Optional peers (sharp, the report's vega stack, …) must stay out of a plain install: a user who
    // does not import the feature does not download it.
    const optionalPeers = Object.entries(p.json.peerDependenciesMeta ?? {})
      .filter(([dep, meta]) => meta.optional && !userInstalls.includes(dep))
      .map(([dep]) => dep);
    for (const dep of optionalPeers) {
      if (existsSync(join(project, 'node_modules', dep))) {
        row.optional = 'FAIL';
        console.error(`${name}: optional peer dependency ${dep} was installed`);
      } else row.without.push(dep);
    }
    const { lang, code } = firstExample(readFileSync(join(p.dir, 'README.md'), 'utf8'));
    if (lang === 'sh') {
      writeFileSync(join(project, 'example.sh'), code);
      run('bash', ['-euo', 'pipefail', 'example.sh'], project, {
        PATH: `${join(project, 'node_modules', '.bin')}:${process.env.PATH}`,
      });
    } else {
      writeFileSync(join(project, `example.${lang}`), code);
      run(join(project, 'node_modules', '.bin', 'tsx'), [`example.${lang}`], project);
    }
  } catch (e) {
    row[row.install === 'ok' && e.cmd?.includes('install') ? 'install' : 'example'] = 'FAIL';
    console.error(`${name}:`, e.stdout?.toString() ?? '', e.stderr?.toString() ?? e.message);
  }
  failed ||= Object.values(row).includes('FAIL');
  results.push(row);
  console.log(
    `${name.padEnd(18)} publint ${row.publint}  attw ${row.attw}  npm install ${row.install}  README example ${row.example}  optional peers ${row.optional}  (installed alone with: ${row.installed.join(', ')}${row.without.length > 0 ? `; without: ${row.without.join(', ')}` : ''})`,
  );
}
rmSync(work, { recursive: true, force: true });
console.log(
  `${results.length - results.filter((r) => Object.values(r).includes('FAIL')).length} passed, ${results.filter((r) => Object.values(r).includes('FAIL')).length} failed`,
);
process.exit(failed ? 1 : 0);
