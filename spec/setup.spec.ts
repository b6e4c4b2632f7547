/** The test setup's guard: one copy of the library per test process. */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import { join } from 'path';

const ROOT = join(__dirname, '..');
const MOCHA = join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');

function mocha(file: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [MOCHA, join(ROOT, 'spec', 'fixtures', 'mocha', file)], { cwd: ROOT, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('test setup', function () {
  this.timeout(60_000);

  it('fails a run that loads both lib/ and dist/', () => {
    const { status, output } = mocha('two-copies.ts');
    expect(status).not.to.equal(0);
    expect(output).to.include('loaded the library twice');
  });

  it('passes a run that loads only the build', () => {
    const { status, output } = mocha('build-only.ts');
    expect(status, output).to.equal(0);
    expect(output).to.include('1 passing');
  });
});
