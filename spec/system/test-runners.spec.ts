/**
 * The README's nock recipe in the three test runners users have: mocha runs it in this suite
 * (examples/testing/alipay-login.spec.ts); Jest and Vitest run their versions here, each in its own
 * process, exactly as a user's `npx jest` / `npx vitest run` would.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');

function run(bin: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', ...bin.split('/')), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('system: the nock recipe in Jest and Vitest', function () {
  this.timeout(120_000);

  it('passes under Jest', () => {
    const { status, output } = run('jest/bin/jest.js', ['-c', 'examples/testing/jest.config.js', '--ci']);
    expect(status, output).to.equal(0);
    expect(output).to.match(/Tests:\s+2 passed, 2 total/);
  });

  it('passes under Vitest', () => {
    const { status, output } = run('vitest/vitest.mjs', ['run', '-c', 'examples/testing/vitest.config.mjs']);
    expect(status, output).to.equal(0);
    expect(output).to.match(/Tests\s+2 passed \(2\)/);
  });
});
