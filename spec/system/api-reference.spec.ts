/**
 * docs/api is generated from the TSDoc comments of the public entry points (`npm run docs:api`,
 * TypeDoc with typedoc-plugin-markdown). It fails here when it is stale, and TypeDoc itself fails
 * when a public name has no documentation (treatValidationWarningsAsErrors).
 */
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';

const ROOT = join(__dirname, '..', '..');
const TYPEDOC = join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
}

describe('system: the generated API reference (docs/api)', function () {
  this.timeout(120_000);
  let fresh: string;
  before(() => {
    fresh = mkdtempSync(join(tmpdir(), 'passport-alipay-api-'));
    execFileSync(process.execPath, [TYPEDOC, '--out', fresh], { cwd: ROOT, stdio: 'pipe' });
  });
  after(() => rmSync(fresh, { recursive: true, force: true }));

  it('is up to date with the TSDoc comments (run `npm run docs:api`)', () => {
    const committed = files(join(ROOT, 'docs', 'api')).map((f) => relative(join(ROOT, 'docs', 'api'), f)).sort();
    const generated = files(fresh).map((f) => relative(fresh, f)).sort();
    expect(committed).to.deep.equal(generated);
    const stale = generated.filter((f) => readFileSync(join(fresh, f), 'utf8') !== readFileSync(join(ROOT, 'docs', 'api', f), 'utf8'));
    expect(stale, 'run `npm run docs:api`').to.deep.equal([]);
  });

  it('documents every strategy, error and testing helper', () => {
    const main = readFileSync(join(fresh, 'passport-alipay.md'), 'utf8');
    for (const name of ['AlipayStrategy', 'AlipayInAppStrategy', 'AlipayMacaoStrategy', 'RedisStateStore', 'AlipayAPIError', 'AlipaySignatureError', 'AlipayTransportError']) {
      expect(main).to.match(new RegExp(`^### ${name}$`, 'm'));
    }
    const testing = readFileSync(join(fresh, 'passport-alipay', 'testing.md'), 'utf8');
    for (const name of ['createAlipaySimulator', 'generateTestKeys', 'signedGatewayResponse', 'signedMacaoResponse', 'phoneNumberPayload']) {
      expect(testing).to.match(new RegExp(`^### ${name}\\(\\)$`, 'm'));
    }
  });
});
