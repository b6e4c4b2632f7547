/** README.md's claims that can drift from the code: the nock recipe is the file that npm test runs. */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README.md', () => {
  it('shows the nock recipe exactly as examples/testing/alipay-login.spec.ts, which npm test runs', () => {
    const recipe = readFileSync(join(ROOT, 'examples', 'testing', 'alipay-login.spec.ts'), 'utf8');
    expect(README).to.include('```ts\n' + recipe + '```');
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts['test:system']).to.include("'examples/**/*.spec.ts'");
    expect(scripts.test).to.include('npm run test:system');
  });

  it('names the diagnostics channel the code publishes on', async () => {
    const { CALL_CHANNEL } = await import('../lib');
    expect(README).to.include(`**\`${CALL_CHANNEL}\`**`);
  });

  it('links only to its own sections that exist', () => {
    const anchors = new Set(
      [...README.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
        m[1].toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').trim().replace(/\s/g, '-'),
      ),
    );
    const links = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.filter((l) => !anchors.has(l))).to.deep.equal([]);
  });

  it('shows only images that docs/ has (they ship in the package: files lists docs/*.png)', () => {
    const images = [...README.matchAll(/cdn\.jsdelivr\.net\/npm\/passport-alipay\/(docs\/[\w-]+\.png)/g)].map((m) => m[1]);
    expect(images.length).to.be.at.least(4);
    expect(images.filter((image) => !existsSync(join(ROOT, image)))).to.deep.equal([]);
  });
});
