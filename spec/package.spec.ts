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

  it('loads through an ESM import with named exports', () => {
    const dir = mkdtempSync(join(ROOT, '.esm-check-'));
    try {
      writeFileSync(
        join(dir, 'check.mjs'),
        "import { AlipayStrategy, AlipayMacaoStrategy, AlipayAPIError } from 'passport-alipay';\n" +
          "import { createAlipaySimulator } from 'passport-alipay/testing';\n" +
          'console.log([AlipayStrategy, AlipayMacaoStrategy, AlipayAPIError, createAlipaySimulator].map((x) => typeof x).join());\n',
      );
      const out = execFileSync(process.execPath, [join(dir, 'check.mjs')]).toString().trim();
      expect(out).to.equal('function,function,function,function');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
          "import { AlipayStrategy, AlipayMacaoStrategy, AlipayAPIError, type VerifyWithParams, type VerifyWithRequestAndParams, type AlipayTokenParams, type AlipayProfile, type AlipayMacaoTokenParams, type AlipayMacaoProfile, type VerifiedCallback } from 'passport-alipay';",
          "import { createAlipaySimulator } from 'passport-alipay/testing';",
          "const options = { appId: '1', privateKey: 'k', alipayPublicKey: 'k', callbackURL: '/cb' };",
          '// untyped (profile, done) verify functions get their parameter types from the constructor overloads',
          'const a = new AlipayStrategy(options, (accessToken, refreshToken, profile, done) => done(null, { id: profile.openId ?? profile.id }));',
          'const c = new AlipayStrategy({ ...options, passReqToCallback: true }, (req, accessToken, refreshToken, profile, done) => done(null, { ip: req.ip }));',
          "const macaoOptions = { clientId: 'c', authMerchantId: 'm', privateKey: 'k', alipayPublicKey: 'k' };",
          'const m = new AlipayMacaoStrategy(macaoOptions, (accessToken, refreshToken, profile, done) => done(null, { id: profile.id }));',
          '// the shapes with params are named by their exported types',
          'const verify5: VerifyWithParams<AlipayTokenParams, AlipayProfile> = (at, rt, params, profile, done) => done(null, { e: params.expires_in });',
          'const b = new AlipayStrategy(options, verify5);',
          'const verify6: VerifyWithRequestAndParams<AlipayTokenParams, AlipayProfile> = (req, at, rt, params, profile, done) => done(null, { ip: req.ip });',
          'const d = new AlipayStrategy({ ...options, passReqToCallback: true }, verify6);',
          'const n = new AlipayMacaoStrategy(macaoOptions, (at: string, rt: string, params: AlipayMacaoTokenParams, profile: AlipayMacaoProfile, done: VerifiedCallback) => done(null, { at: params.expires_at }));',
          'const e: AlipayAPIError | undefined = undefined;',
          'export { a, b, c, d, m, n, e, createAlipaySimulator };',
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
