/**
 * `npx passport-alipay openid-backfill`, run as operators run it: the built command (the package's
 * `bin`) in a child process, configured by the demo's environment variables, against the simulator.
 */
import { expect } from 'chai';
import { spawn } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createAlipaySimulator, type AlipaySimulator, type SimulatedAppCredentials } from 'passport-alipay/testing';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const uid = (n: number) => `2088${String(n).padStart(12, '0')}`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('system: passport-alipay openid-backfill', function () {
  this.timeout(60_000);
  let sim: AlipaySimulator;
  let app: SimulatedAppCredentials;
  let dir: string;
  before(async () => {
    sim = await createAlipaySimulator();
    app = sim.createApp({ name: 'backfill', unionGroup: 'brand' });
    dir = mkdtempSync(join(tmpdir(), 'backfill-'));
  });
  after(() => sim.close());

  const env = () => ({
    PATH: process.env.PATH,
    ALIPAY_APP_ID: app.appId,
    ALIPAY_PRIVATE_KEY: app.privateKey,
    ALIPAY_PUBLIC_KEY: app.alipayPublicKey,
    ALIPAY_GATEWAY_URL: app.gatewayURL,
  });

  /** Runs the command; `onStderr` may kill it part-way. */
  function backfill(args: string[], options: { stdin?: string; env?: Record<string, string | undefined>; onStderr?: (text: string, kill: () => void) => void } = {}): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, 'openid-backfill', ...args], { env: options.env ?? env(), stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c));
      child.stderr.on('data', (c: Buffer) => {
        stderr += c;
        options.onStderr?.(stderr, () => child.kill('SIGINT'));
      });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(options.stdin ?? '');
    });
  }

  it('maps ids read from a file to user_id,open_id,union_id CSV, with progress and a summary on stderr', async () => {
    const file = join(dir, 'ids.txt');
    writeFileSync(file, `${uid(1)}\n${uid(2)}\n`);
    const run = await backfill([file]);
    expect(run.code).to.equal(0);
    const rows = run.stdout.trim().split('\n');
    expect(rows[0]).to.equal('user_id,open_id,union_id');
    expect(rows.slice(1).map((r) => r.split(',')[0])).to.deep.equal([uid(1), uid(2)]);
    expect(rows[1].split(',')[1]).to.have.length(43);
    expect(rows[1].split(',')[2]).to.have.length(43);
    expect(run.stderr).to.include('progress [').and.include('2/2 ids').and.include('done: 2 mapped, 0 not mapped');
  });

  it('reports bad lines with their numbers, skips them, and maps the rest (stdin, CSV column)', async () => {
    const csv = `name,alipay_user_id\n"Zhang, San",${uid(3)}\nbroken,12345\n"Li ""the second""",${uid(4)}\n`;
    const run = await backfill(['--column', 'alipay_user_id'], { stdin: csv });
    expect(run.code).to.equal(0);
    expect(run.stderr).to.include('skipped line 3: not a user id');
    expect(run.stdout.trim().split('\n').slice(1).map((r) => r.split(',')[0])).to.deep.equal([uid(3), uid(4)]);
    expect(run.stderr).to.include('1 bad input lines skipped');
  });

  it('keeps what it wrote when interrupted, and resumes where it stopped', async () => {
    const input = join(dir, 'many.txt');
    const out = join(dir, 'out.csv');
    writeFileSync(input, Array.from({ length: 250 }, (_, i) => uid(100 + i)).join('\n'));
    const first = await backfill([input, '--out', out, '--rate', '1'], { onStderr: (text, kill) => text.includes('100/250') && kill() });
    expect(first.code).to.not.equal(0);
    expect(first.stderr).to.include('interrupted');
    const kept = readFileSync(out, 'utf8').trim().split('\n');
    expect(kept[0]).to.equal('user_id,open_id,union_id');
    expect(kept.length - 1).to.be.at.least(100).and.below(250);
    const second = await backfill([input, '--out', out, '--rate', '20']);
    expect(second.code).to.equal(0);
    expect(second.stderr).to.match(/resuming: \d+ ids already done/);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows.filter((r) => r.startsWith('user_id'))).to.have.length(1);
    expect(new Set(rows.slice(1).map((r) => r.split(',')[0])).size).to.equal(250);
    expect(rows).to.have.length(251);
  });

  it('names the missing configuration and exits 2', async () => {
    const run = await backfill([], { env: { PATH: process.env.PATH } });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('Set ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY, ALIPAY_PUBLIC_KEY');
  });

  it('stops with Alipay’s refusal (a key that is not the app’s), resumably', async () => {
    const other = sim.createApp();
    const run = await backfill([], {
      stdin: `${uid(1)}\n`,
      env: { ...env(), ALIPAY_APP_ID: other.appId, ALIPAY_PRIVATE_KEY: app.privateKey },
    });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('isv.invalid-signature').and.include('Run the same command again to resume');
  });
});
