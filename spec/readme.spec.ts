/**
 * The documentation's claims that can drift from the code: code blocks marked with a file are that
 * file (which a test runs or compiles), every TypeScript block is checked, links and anchors resolve,
 * user-facing pages point at nothing the package does not ship, and the README stays short.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'fs';
import { dirname, join, normalize } from 'path';

const ROOT = join(__dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const DOCS = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
/** What users read (README and docs/ ship in the package). */
const USER_PAGES = ['README.md', ...DOCS];
/** Everything with links to check. */
const ALL_PAGES = [...USER_PAGES, 'SECURITY.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'bench/README.md', 'examples/express/README.md'];

/** GitHub's anchor for a heading. */
function slug(heading: string): string {
  return heading.toLowerCase().replace(/<[^>]+>/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = read(file).replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
}

/** Blocks marked `<!-- file: path -->`: each shows that file of the repository, which a test runs or compiles. */
const shownFiles = USER_PAGES.flatMap((page) =>
  [...read(page).matchAll(/<!-- file: ([^ ]+) -->\n```\w+\n([\s\S]*?)```\n/g)].map((m) => ({ page, path: m[1], shown: m[2] })),
);

describe('documentation', () => {
  it('keeps the README under 15 KB', () => {
    expect(Buffer.byteLength(read('README.md'))).to.be.below(15 * 1024);
  });

  it('shows the three quick starts in the README, from their files', () => {
    const inReadme = shownFiles.filter((f) => f.page === 'README.md').map((f) => f.path);
    expect(inReadme).to.include.members(['examples/quickstart/web-login.ts', 'examples/quickstart/mini-program.ts', 'examples/quickstart/macao.ts']);
  });

  it('shows the framework apps and test recipes from their files', () => {
    expect(shownFiles.map((f) => f.path)).to.include.members([
      'examples/frameworks/koa.ts',
      'examples/frameworks/fastify.ts',
      'examples/frameworks/nest.ts',
      'examples/testing/alipay-login.spec.ts',
      'examples/testing/alipay-login.jest.ts',
      'examples/testing/alipay-login.vitest.ts',
      'examples/testing/simulator-login.spec.ts',
    ]);
  });

  it('shows each of those files exactly as it is', () => {
    const drifted = shownFiles.filter(({ path, shown }) => read(path) !== shown).map((f) => `${f.page}: ${f.path}`);
    expect(drifted, 'run `node tools/sync-readme-files.js`').to.deep.equal([]);
  });

  it('has every TypeScript block either from a file (run or compiled by npm test) or type-checked (package test)', () => {
    const unchecked = USER_PAGES.flatMap((page) =>
      [...read(page).matchAll(/(^.*\n)?```ts\n/gm)].filter((m) => !/<!-- (typecheck|file: [^ ]+) -->/.test(m[1] ?? '')).map(() => page),
    );
    expect(unchecked).to.deep.equal([]);
  });

  it('has every shown file run or compiled by npm test', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(scripts.test).to.include('npm run typecheck').and.include('npm run test:system');
    expect(scripts['test:system']).to.include("'examples/**/*.spec.ts'");
    const tsconfig = JSON.parse(read('tsconfig.json')) as { include: string[] };
    expect(tsconfig.include).to.include('examples/**/*.ts');
  });

  it('resolves every relative link and anchor', () => {
    const broken: string[] = [];
    for (const page of ALL_PAGES) {
      const text = read(page).replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:)/.test(target)) continue;
        const [path, anchor] = target.split('#');
        const file = path === '' ? page : normalize(join(dirname(page), path));
        if (!existsSync(join(ROOT, file))) {
          broken.push(`${page}: ${target} (no file)`);
          continue;
        }
        if (anchor && file.endsWith('.md') && !anchorsOf(file).has(anchor)) broken.push(`${page}: ${target} (no anchor)`);
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it('links user pages only to files the package ships', () => {
    const { files } = JSON.parse(read('package.json')) as { files: string[] };
    const shipped = (file: string) =>
      files.some((pattern) => (pattern.includes('*') ? new RegExp(`^${pattern.replace('.', '\\.').replace('*', '[^/]+')}$`).test(file) : file === pattern || file.startsWith(`${pattern}/`)));
    const unshipped: string[] = [];
    for (const page of USER_PAGES) {
      for (const [, target] of read(page).replace(/```[\s\S]*?```/g, '').matchAll(/\]\(([^)\s#]+)(#[^)\s]*)?\)/g)) {
        if (/^(https?:|mailto:)/.test(target)) continue;
        const file = normalize(join(dirname(page), target));
        if (!shipped(file)) unshipped.push(`${page}: ${target}`);
      }
    }
    expect(unshipped).to.deep.equal([]);
  });

  it('points users at nothing the package does not ship (no spec/, e2e/ or examples/ paths)', () => {
    const leaks = USER_PAGES.flatMap((page) =>
      read(page)
        .replace(/<!-- file: [^ ]+ -->/g, '')
        .split('\n')
        .filter((line) => /(^|[\s`(/])(spec|e2e|examples)\//.test(line))
        .map((line) => `${page}: ${line.trim().slice(0, 100)}`),
    );
    expect(leaks).to.deep.equal([]);
  });

  it("shows Alipay's refusals exactly as the table the error messages come from (lib/alipay/refusals.ts)", async () => {
    const { REFUSALS } = await import('../lib/alipay/refusals');
    const rows = REFUSALS.map((r) => `| \`${r.key}\` | ${r.meaning} | ${r.status} | ${r.advice.replace(/\|/g, '\\|')} |`);
    const table = ['| subCode (or code) | meaning | `status` | advice (in the message) |', '|---|---|---|---|', ...rows].join('\n');
    expect(read('docs/errors.md')).to.include(`<!-- refusals -->\n${table}\n<!-- /refusals -->`);
  });

  it('mentions every public name (README, docs/) so that none is exported for nobody', () => {
    const text = USER_PAGES.map(read).join('\n');
    const exported = ['lib/index.ts', 'lib/testing/index.ts'].flatMap((entry) =>
      [...read(entry).matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((p) => p.trim().split(/\s+as\s+/).pop() as string)),
    ).filter((name) => name !== '');
    expect(exported.length).to.be.at.least(40);
    expect(exported.filter((name) => !new RegExp(`\\b${name}\\b`).test(text))).to.deep.equal([]);
  });

  it("lists in its supported-versions table exactly the majors the tests install", () => {
    const major = (pkg: string) => (JSON.parse(read(`node_modules/${pkg}/package.json`)) as { version: string }).version.split('.')[0];
    const row = (name: string) => new RegExp(`^\\| ${name.replace(/[()/.]/g, (c) => `\\${c}`)} \\| ([^|]+) \\|$`, 'm').exec(read('README.md'))?.[1] ?? '';
    expect(row('passport')).to.equal(`0.${(JSON.parse(read('node_modules/passport/package.json')) as { version: string }).version.split('.')[1]}`);
    expect(row('Express')).to.equal(`${major('express4')} and ${major('express')}`);
    expect(row('Koa')).to.equal(`${major('koa')}, with koa-passport ${major('koa-passport')}`);
    expect(row('Fastify')).to.equal(`${major('fastify')}, with @fastify/passport ${major('@fastify/passport')}`);
    expect(row('NestJS')).to.equal(`${major('@nestjs/core')} (run), ${(JSON.parse(read('spec/fixtures/nest10/package.json')) as { dependencies: Record<string, string> }).dependencies['@nestjs/passport'].split('.')[0]} and ${major('@nestjs/passport')} (compiled with \`declaration: true\`)`);
    expect(row('node-redis / ioredis (`RedisStateStore`)')).to.equal(`${major('redis')} / ${major('ioredis')}`);
    expect(row('TypeScript (your app)')).to.equal(`${major('typescript')}.${(JSON.parse(read('node_modules/typescript/package.json')) as { version: string }).version.split('.')[1]}`);
    expect(row('nock (your tests)')).to.match(new RegExp(`^${major('nock')} `));
    expect(row('Jest / Vitest (your tests)')).to.equal(`${major('jest')} / ${major('vitest')}`);
    expect(row('Node.js')).to.include(process.versions.node.split('.')[0]);
  });

  it('names the diagnostics channel the code publishes on', async () => {
    const { CALL_CHANNEL } = await import('../lib');
    expect(read('docs/production.md')).to.include(`**\`${CALL_CHANNEL}\`**`);
  });
});
