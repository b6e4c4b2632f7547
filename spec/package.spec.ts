/**
 * The package as a user gets it: `npm pack`, the tarball unpacked into a fresh project, both entry
 * points loaded through CommonJS and ESM, the shipped files checked, and strict TypeScript projects
 * on Express 4 types and on Express 5 types (with and without esModuleInterop, skipLibCheck off)
 * compiling the README's quick starts and TypeScript snippets and a consumer of every public type.
 * Nothing is installed from the network: the project links the dev install's own packages.
 */
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

const ROOT = resolve(__dirname, '..');
const MODULES = join(ROOT, 'node_modules');
const TSC = join(MODULES, 'typescript', 'bin', 'tsc');

/** Code blocks of README.md and docs/*.md marked `<!-- typecheck -->`, each a self-contained TypeScript module. */
export function readmeTypeScriptSnippets(): string[] {
  const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
  return pages.flatMap((page) => [...readFileSync(join(ROOT, page), 'utf8').matchAll(/<!-- typecheck -->\s*```ts\n([\s\S]*?)```/g)].map((m) => m[1]));
}

/** What the snippets assume the app has: its own user store. */
const APP_PRELUDE = `
interface AppUser { id: string }
declare function findOrCreateUser(query: Record<string, unknown>): Promise<AppUser>;
declare function findUserById(id: string): Promise<AppUser>;
`;

function link(project: string, name: string, target = join(MODULES, name)): void {
  const at = join(project, 'node_modules', name);
  mkdirSync(join(at, '..'), { recursive: true });
  symlinkSync(target, at, 'dir');
}

describe('the published package (npm pack, installed into a fresh project)', function () {
  this.timeout(180_000);
  let work: string;
  let project: string;
  let files: string[];
  let unpackedSize: number;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'passport-alipay-pack-'));
    // dist/ was built by `npm test`; --ignore-scripts skips the prepack build.
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
    const packed = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[]; unpackedSize: number }[];
    files = packed[0].files.map((f) => f.path);
    unpackedSize = packed[0].unpackedSize;
    project = join(work, 'app');
    const installed = join(project, 'node_modules', 'passport-alipay');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['xzf', join(work, packed[0].filename), '-C', installed, '--strip-components=1']);
    writeFileSync(join(project, 'package.json'), '{"name":"app","private":true}\n');
    // The app's own packages; `redis` for the README's RedisStateStore snippet.
    for (const dep of ['passport-oauth2', 'passport', 'express', 'express-session', 'redis']) link(project, dep);
    link(project, '@types/node');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('ships the build, the declarations and the docs, and no screenshots, sources or tests', () => {
    expect(files).to.include.members(['dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'dist/testing/index.d.ts', 'README.md', 'LICENSE', 'CHANGELOG.md', 'SECURITY.md', 'docs/web-login.md', 'docs/errors.md']);
    expect(files.filter((f) => /^(lib|spec|e2e|bench|examples)\//.test(f) || f.endsWith('.png'))).to.deep.equal([]);
  });

  // 500 KB before service providers, notifications, the open_id client and the command (685 KB
  // with them, 40 KB of it their docs); the budget keeps the next regression visible.
  it('stays under 720 KB unpacked (maps carry comment-free sources; unreachable declarations are pruned)', () => {
    expect(unpackedSize).to.be.below(720_000);
  });


  it('ships one bundled file per entry point: the main one with a source map carrying its sources, the testing one readable', () => {
    expect(files.filter((f) => f.endsWith('.js')).sort()).to.deep.equal(['dist/cli.js', 'dist/index.js', 'dist/testing/index.js']);
    expect(files.filter((f) => f.endsWith('.js.map'))).to.deep.equal(['dist/index.js.map']);
    const map = JSON.parse(readFileSync(join(project, 'node_modules', 'passport-alipay', 'dist/index.js.map'), 'utf8'));
    expect(map.sourcesContent).to.have.length(map.sources.length);
    expect(map.sourcesContent.every((s: unknown) => typeof s === 'string' && s.length > 0)).to.equal(true);
    // No map for the testing entry: its code is left readable, one statement a line, for stack traces in users' tests.
    const testing = readFileSync(join(project, 'node_modules', 'passport-alipay', 'dist/testing/index.js'), 'utf8');
    expect(testing.split('\n').length).to.be.above(1000);
    expect(testing).not.to.include('sourceMappingURL');
  });

  it('maps code in the main bundle back to the line of the source that holds it', () => {
    const { SourceMap } = require('module') as { SourceMap: new (payload: object) => { findEntry(line: number, column: number): { originalSource: string; originalLine: number } } };
    for (const [bundle, token] of [['dist/index.js', 'function checkTokenFreshness('], ['dist/index.js', 'function verifiedSpan(']] as const) {
      const code = readFileSync(join(project, 'node_modules', 'passport-alipay', bundle), 'utf8');
      const map = JSON.parse(readFileSync(join(project, 'node_modules', 'passport-alipay', `${bundle}.map`), 'utf8'));
      const at = code.indexOf(token);
      const line = code.slice(0, at).split('\n').length - 1;
      const column = at - (code.lastIndexOf('\n', at) + 1);
      const entry = new SourceMap(map).findEntry(line, column);
      const source = map.sourcesContent[map.sources.indexOf(entry.originalSource)] ?? map.sourcesContent[map.sources.findIndex((s: string) => entry.originalSource.endsWith(s.replace(/^(\.\.\/)+/, '')))];
      expect(source.split('\n')[entry.originalLine], `${bundle} ${token}`).to.include(token.replace('function ', ''));
    }
  });

  it('depends at run time on passport-oauth2 alone, with passport as a peer and no @types', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'passport-alipay', 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).to.deep.equal(['passport-oauth2']);
    expect(manifest.peerDependencies).to.have.property('passport');
    expect(manifest.scripts).not.to.have.property('prepare');
    expect(manifest).to.include.keys('repository', 'homepage', 'bugs');
  });

  it('loads both entry points with require()', () => {
    const out = execFileSync(
      process.execPath,
      ['-e', "const p=require('passport-alipay');const t=require('passport-alipay/testing');" +
        "console.log([p.AlipayStrategy,p.AlipayInAppStrategy,p.AlipayMacaoStrategy,p.RedisStateStore,p.Strategy,t.createAlipaySimulator,t.generateTestKeys].map((x)=>typeof x).join())"],
      { cwd: project, encoding: 'utf8' },
    );
    expect(out.trim()).to.equal('function,function,function,function,function,function,function');
  });

  it('installs the passport-alipay command (npx passport-alipay openid-backfill), which runs on the installed library', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'passport-alipay', 'package.json'), 'utf8'));
    expect(manifest.bin).to.deep.equal({ 'passport-alipay': 'dist/cli.js' });
    const cli = join(project, 'node_modules', 'passport-alipay', 'dist', 'cli.js');
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).to.equal(true);
    // Without credentials it names them and exits 2: the library loaded, the arguments were read.
    let failure: { status: number; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, [cli, 'openid-backfill'], { cwd: project, encoding: 'utf8', env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      failure = err as { status: number; stderr: string };
    }
    expect(failure?.status).to.equal(2);
    expect(failure?.stderr).to.include('Set ALIPAY_APP_ID');
  });

  it('shares the error classes between the two entry points (instanceof holds)', () => {
    const out = execFileSync(
      process.execPath,
      ['-e', "const p=require('passport-alipay');const t=require('passport-alipay/testing');" +
        "try{t.signedGatewayResponse('m',{},'not a key')}catch(e){console.log(e instanceof p.AlipayConfigError, e instanceof p.AlipayError)}"],
      { cwd: project, encoding: 'utf8' },
    );
    expect(out.trim()).to.equal('true true');
  });

  it('loads both entry points through an ESM import with named exports', () => {
    writeFileSync(
      join(project, 'check.mjs'),
      "import { AlipayStrategy, AlipayInAppStrategy, AlipayMacaoStrategy, AlipayAPIError } from 'passport-alipay';\n" +
        "import { createAlipaySimulator, signedGatewayResponse } from 'passport-alipay/testing';\n" +
        'console.log([AlipayStrategy, AlipayInAppStrategy, AlipayMacaoStrategy, AlipayAPIError, createAlipaySimulator, signedGatewayResponse].map((x) => typeof x).join());\n',
    );
    const out = execFileSync(process.execPath, ['check.mjs'], { cwd: project, encoding: 'utf8' });
    expect(out.trim()).to.equal('function,function,function,function,function,function');
  });

  it('has README TypeScript snippets to compile', () => {
    expect(readmeTypeScriptSnippets().length).to.be.at.least(3);
  });

  /**
   * NestJS majors supported: 10, 11 and 12; the oldest and the newest are compiled here. Nest 10
   * lives in a fixture project of its own (tools/install-fixtures.js): its peer ranges cannot
   * share node_modules with the dev install's Nest 12.
   */
  const NEST = [
    [10, join(ROOT, 'spec', 'fixtures', 'nest10', 'node_modules')],
    [12, MODULES],
  ] as const;
  for (const [major, modules] of NEST) {
    it(`compiles a NestJS ${major} app's three strategies with declaration: true (as nest new sets it up)`, () => {
      const dir = join(work, `nest${major}`);
      mkdirSync(dir);
      cpSync(join(project, 'node_modules', 'passport-alipay'), join(dir, 'node_modules', 'passport-alipay'), { recursive: true });
      for (const dep of ['@nestjs/common', '@nestjs/passport', 'rxjs', 'reflect-metadata', 'passport']) link(dir, dep, join(modules, dep));
      link(dir, '@types/node');
      cpSync(join(ROOT, 'spec', 'fixtures', 'consumers', 'nest-declaration.ts'), join(dir, 'strategies.ts'));
      // The compiler options `nest new` writes into tsconfig.json.
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'commonjs', declaration: true, removeComments: true, emitDecoratorMetadata: true, experimentalDecorators: true,
            allowSyntheticDefaultImports: true, target: 'ES2021', sourceMap: true, outDir: './dist', baseUrl: './', incremental: true,
            skipLibCheck: true, strictNullChecks: true, noImplicitAny: false, strictBindCallApply: false, forceConsistentCasingInFileNames: true,
            noFallthroughCasesInSwitch: false, types: ['node'],
          },
          files: ['strategies.ts'],
        }),
      );
      const installed = JSON.parse(readFileSync(join(dir, 'node_modules', '@nestjs', 'passport', 'package.json'), 'utf8')) as { version: string };
      expect(installed.version.split('.')[0]).to.equal(String(major));
      try {
        execFileSync(process.execPath, [TSC, '-p', dir], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
      } catch (e) {
        throw new Error(`tsc failed:\n${(e as { stdout?: string }).stdout || (e as Error).message}`);
      }
      const declared = readFileSync(join(dir, 'dist', 'strategies.d.ts'), 'utf8');
      for (const name of ['AlipayAuthStrategy', 'AlipayInAppAuthStrategy', 'AlipayMacaoAuthStrategy']) expect(declared).to.include(`export declare class ${name}`);
      // The mixins' instance types are the package's public strategy types, named, not inlined classes.
      for (const name of ['AlipayStrategy', 'AlipayInAppStrategy', 'AlipayMacaoStrategy']) expect(declared).to.match(new RegExp(`=> ${name}( & \\{|;)`));
    });
  }

  for (const express of [4, 5] as const) {
    for (const esModuleInterop of [true, false]) {
      it(`compiles strictly against Express ${express} types${esModuleInterop ? ' with esModuleInterop (and the README snippets)' : ' without esModuleInterop'}`, () => {
        const dir = join(work, `ts-express${express}-${esModuleInterop ? 'interop' : 'plain'}`);
        mkdirSync(dir);
        cpSync(join(project, 'node_modules'), join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
        // The app's own type packages, copied (not linked) so that they resolve the app's Express types.
        for (const types of ['passport', 'express-session']) cpSync(join(MODULES, '@types', types), join(dir, 'node_modules', '@types', types), { recursive: true });
        link(dir, '@types/express', join(MODULES, '@types', express === 4 ? 'express4' : 'express'));
        const sources: string[] = [];
        const consumer = esModuleInterop ? 'consumer-interop.ts' : 'consumer-plain.ts';
        cpSync(join(ROOT, 'spec', 'fixtures', 'consumers', consumer), join(dir, consumer));
        sources.push(consumer);
        if (esModuleInterop) {
          // The README's quick starts, as a user copies them into an app of their own.
          for (const file of readdirSync(join(ROOT, 'examples', 'quickstart'))) {
            cpSync(join(ROOT, 'examples', 'quickstart', file), join(dir, 'quickstart', file), { recursive: true });
            sources.push(`quickstart/${file}`);
          }
          readmeTypeScriptSnippets().forEach((snippet, i) => {
            writeFileSync(join(dir, `readme-${i}.ts`), `${APP_PRELUDE}\n${snippet}\nexport {};\n`);
            sources.push(`readme-${i}.ts`);
          });
        }
        writeFileSync(
          join(dir, 'tsconfig.json'),
          JSON.stringify({
            compilerOptions: {
              strict: true, noEmit: true, skipLibCheck: false, esModuleInterop, target: 'ES2022',
              module: 'commonjs', moduleResolution: 'node', types: ['node'], lib: ['ES2022'],
            },
            files: sources,
          }),
        );
        let compiled: string;
        try {
          compiled = execFileSync(process.execPath, [TSC, '-p', dir, '--listFiles'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
        } catch (e) {
          const out = e as { stdout?: string; message: string };
          throw new Error(`tsc failed:\n${out.stdout || out.message}\n${sources.map((f) => `--- ${f}\n${readFileSync(join(dir, f), 'utf8')}`).join('\n')}`);
        }
        // The types came from the installed tarball and the intended Express major, not from anywhere else.
        const files = compiled.split('\n').map((f) => f.trim());
        expect(files.some((f) => f.endsWith('node_modules/passport-alipay/dist/index.d.ts'))).to.equal(true);
        if (esModuleInterop) expect(files.some((f) => f.endsWith('node_modules/passport-alipay/dist/testing/index.d.ts'))).to.equal(true);
        const expressTypes = JSON.parse(readFileSync(join(dir, 'node_modules', '@types', 'express', 'package.json'), 'utf8')) as { version: string };
        expect(expressTypes.version.split('.')[0]).to.equal(String(express));
        expect(files.filter((f) => sources.some((s) => f.endsWith(`/${s}`)))).to.have.length(sources.length);
      });
    }
  }
});
