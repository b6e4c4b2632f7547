#!/usr/bin/env node
/**
 * Rewrites each block of README.md and docs/*.md marked `<!-- file: path -->` with that file's
 * current text, so a change to an example needs no hand-copying. spec/readme.spec.ts fails while
 * they differ.
 */
const { readFileSync, readdirSync, writeFileSync } = require('fs');
const { join } = require('path');

const root = join(__dirname, '..');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
for (const page of pages) {
  const path = join(root, page);
  const text = readFileSync(path, 'utf8');
  const synced = text.replace(/(<!-- file: ([^ ]+) -->\n```\w+\n)[\s\S]*?```\n/g, (_block, head, file) => `${head}${readFileSync(join(root, file), 'utf8')}\`\`\`\n`);
  if (synced !== text) writeFileSync(path, synced);
}
