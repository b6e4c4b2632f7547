/**
 * The built package as a user gets it: `npm test` builds dist/ before running the specs.
 * Requires resolve `passport-alipay` through the package's own `exports` map (self-reference).
 */
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

const ROOT = resolve(__dirname, '..');

describe('the published package', () => {
  it("exports the strategies and errors through require('passport-alipay')", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('passport-alipay');
    for (const name of ['AlipayStrategy', 'Strategy', 'AlipayAPIError', 'AlipaySignatureError', 'AlipayTransportError', 'AlipayConfigError', 'AlipayError']) {
      expect(pkg[name], name).to.be.a('function');
    }
    expect(require.resolve('passport-alipay')).to.equal(join(ROOT, 'dist', 'index.js'));
  });

  it('compiles a TypeScript consumer that imports { AlipayStrategy }', function () {
    this.timeout(60000);
    const dir = mkdtempSync(join(tmpdir(), 'passport-alipay-consumer-'));
    try {
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(ROOT, join(dir, 'node_modules', 'passport-alipay'), 'dir');
      writeFileSync(
        join(dir, 'consumer.ts'),
        [
          "import { AlipayStrategy, AlipayAPIError, type AlipayProfile, type VerifiedCallback } from 'passport-alipay';",
          "const s = new AlipayStrategy({ appId: '1', privateKey: 'k', alipayPublicKey: 'k', callbackURL: '/cb' },",
          '  (accessToken: string, refreshToken: string | undefined, profile: AlipayProfile, done: VerifiedCallback) => done(null, { id: profile.id }));',
          'const e: AlipayAPIError | undefined = undefined;',
          'export { s, e };',
        ].join('\n'),
      );
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16',
          '--skipLibCheck', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types'), join(dir, 'consumer.ts')],
        { cwd: dir, stdio: 'pipe' },
      );
    } catch (e) {
      const out = e as { stdout?: Buffer; message: string };
      throw new Error(`tsc failed: ${out.stdout?.toString() ?? out.message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
