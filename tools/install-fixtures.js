#!/usr/bin/env node
/**
 * Installs the test fixtures that are projects of their own (an older NestJS major than the dev
 * install's, whose peer ranges cannot share one node_modules with it). Runs `npm ci` in each one
 * whose node_modules is missing or older than its lock file; quiet when there is nothing to do.
 */
const { execFileSync } = require('child_process');
const { existsSync, statSync } = require('fs');
const { join } = require('path');

const FIXTURES = ['spec/fixtures/nest10'];
const root = join(__dirname, '..');

for (const fixture of FIXTURES) {
  const dir = join(root, fixture);
  const lock = join(dir, 'package-lock.json');
  const installed = join(dir, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) continue;
  console.log(`Installing the ${fixture} fixture (npm ci)…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
}
