#!/usr/bin/env node
/**
 * Rewrites each README.md block marked `<!-- file: path -->` with that file's current text, so a
 * change to an example needs no hand-copying. spec/readme.spec.ts fails while they differ.
 */
const { readFileSync, writeFileSync } = require('fs');
const { join } = require('path');

const root = join(__dirname, '..');
const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const synced = readme.replace(/(<!-- file: ([^ ]+) -->\n```\w+\n)[\s\S]*?```\n/g, (_block, head, path) => `${head}${readFileSync(join(root, path), 'utf8')}\`\`\`\n`);
if (synced !== readme) writeFileSync(readmePath, synced);
