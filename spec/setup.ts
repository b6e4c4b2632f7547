/**
 * Test setup for every mocha run: no network but loopback, and one copy of the library per process.
 *
 * Unit tests import the sources (`lib/`); system tests import the package by its name, which Node
 * resolves to the build (`dist/`). A process that loads both has two copies of every class
 * (`instanceof` lies across them), and a system run on a build older than the sources silently
 * tests old code: both fail the run here.
 */
import nock from 'nock';
import { readdirSync, statSync } from 'fs';
import { join } from 'path';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);

const ROOT = join(__dirname, '..');
const LIB = join(ROOT, 'lib') + '/';
const DIST = join(ROOT, 'dist') + '/';

function loaded(prefix: string): string[] {
  return Object.keys(require.cache).filter((file) => file.startsWith(prefix));
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Throws when this process has loaded both lib/ and dist/, or a dist/ older than lib/. */
export function checkOneLibrary(): void {
  const fromLib = loaded(LIB);
  const fromDist = loaded(DIST);
  if (fromLib.length && fromDist.length) {
    throw new Error(
      `This test process loaded the library twice: ${fromLib[0].slice(ROOT.length + 1)} (sources) and ` +
        `${fromDist[0].slice(ROOT.length + 1)} (build). Unit tests import lib/, system tests import 'passport-alipay'; run them apart.`,
    );
  }
  if (fromDist.length && newestSource(LIB) > statSync(join(DIST, 'index.js')).mtimeMs) {
    throw new Error('dist/ is older than lib/: run `npm run build` before the system tests (npm test does).');
  }
}

export const mochaHooks = {
  beforeAll(): void {
    checkOneLibrary();
  },
  afterEach(): void {
    nock.cleanAll();
  },
  afterAll(): void {
    checkOneLibrary();
  },
};
