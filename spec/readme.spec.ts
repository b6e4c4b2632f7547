/** README.md's claims that can drift from the code: every code block marked with a file is that file, which npm test runs. */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README.md', () => {
  /** Blocks marked `<!-- file: path -->`: each shows that file of the repository, which a test runs or compiles. */
  const shownFiles = [...README.matchAll(/<!-- file: ([^ ]+) -->\n```\w+\n([\s\S]*?)```\n/g)].map((m) => ({ path: m[1], shown: m[2] }));

  it('shows the quick starts, framework apps and test recipes from their files', () => {
    expect(shownFiles.map((f) => f.path)).to.include.members([
      'examples/quickstart/web-login.ts',
      'examples/quickstart/mini-program.ts',
      'examples/quickstart/macao.ts',
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
    const drifted = shownFiles.filter(({ path, shown }) => readFileSync(join(ROOT, path), 'utf8') !== shown).map((f) => f.path);
    expect(drifted, "run `node tools/sync-readme-files.js`").to.deep.equal([]);
  });

  it('has every shown file run or compiled by npm test', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.test).to.include('npm run typecheck').and.include('npm run test:system');
    expect(scripts['test:system']).to.include("'examples/**/*.spec.ts'");
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
    expect(tsconfig.include).to.include('examples/**/*.ts');
  });

  it("shows Alipay's refusals exactly as the table the error messages come from (lib/alipay/refusals.ts)", async () => {
    const { REFUSALS } = await import('../lib/alipay/refusals');
    const rows = REFUSALS.map((r) => `| \`${r.key}\` | ${r.meaning} | ${r.status} | ${r.advice.replace(/\|/g, '\\|')} |`);
    const table = ['| subCode (or code) | meaning | `status` | advice (in the message) |', '|---|---|---|---|', ...rows].join('\n');
    expect(README).to.include(`<!-- refusals -->\n${table}\n<!-- /refusals -->`);
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
