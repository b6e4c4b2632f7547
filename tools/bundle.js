/**
 * Bundles each entry point into one CommonJS file (dist/index.js, dist/testing/index.js, the command line dist/cli.js), next to the
 * declarations tsc emits. One file instead of ~45 roughly halves the package's own share of a cold
 * require() (see README, Performance). passport-oauth2 stays an external dependency.
 * The testing entry takes the error classes from the main entry, so that `instanceof` holds across
 * both (e.g. an AlipayConfigError thrown by generateTestKeys' helpers).
 */
const { build } = require('esbuild');
const { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } = require('fs');
const { dirname, join, resolve } = require('path');
const ts = require('typescript');

const root = join(__dirname, '..');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['passport-oauth2'],
  logLevel: 'warning',
};

/**
 * The main entry is minified with a source map (carrying its sources) for production stack traces.
 * The testing entry, used in tests only, ships readable instead, without a map: its stack traces
 * are legible as they are, and the package stays small.
 */
const minifiedWithMap = { sourcemap: true, sourcesContent: true, minifyWhitespace: true, minifySyntax: true };

/** Resolves every import of lib/core/errors in the testing bundle to the main bundle. */
const ERRORS = join(root, 'lib', 'core', 'errors');
const sharedErrors = {
  name: 'shared-errors',
  setup(b) {
    b.onResolve({ filter: /errors$/ }, (args) =>
      resolve(args.resolveDir, args.path) === ERRORS ? { path: '../index.js', external: true } : undefined,
    );
  },
};

/**
 * The source text with its comments removed but every line break kept, so each token of code keeps
 * its line and column and the map stays exact. A comment followed by code on its line is kept (its
 * removal would move that code). Shrinks the maps' sourcesContent by a fifth: the package ships the
 * sources only inside its maps, and the comments are in the declarations (TSDoc) already.
 */
function withoutComments(text) {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  let out = '';
  let last = 0;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind !== ts.SyntaxKind.SingleLineCommentTrivia && kind !== ts.SyntaxKind.MultiLineCommentTrivia) continue;
    const start = scanner.getTokenStart();
    const end = scanner.getTokenEnd();
    const lineEnd = text.indexOf('\n', end);
    if (text.slice(end, lineEnd === -1 ? text.length : lineEnd).trim() !== '') continue;
    out += text.slice(last, start) + text.slice(start, end).replace(/[^\n]/g, '');
    last = end;
  }
  return out + text.slice(last);
}

function compactMap(file) {
  const map = JSON.parse(readFileSync(file, 'utf8'));
  map.sourcesContent = map.sourcesContent.map(withoutComments);
  writeFileSync(file, JSON.stringify(map));
}

/**
 * Deletes the declaration files that neither entry point's declarations reach (tsc emits one per
 * source file; implementation modules that no public type mentions are never loaded by a compiler).
 */
function pruneDeclarations() {
  const reached = new Set();
  const visit = (file) => {
    if (reached.has(file) || !existsSync(file)) return;
    reached.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*['"](\.[^'"]+)['"]/g)) visit(resolve(dirname(file), `${m[1]}.d.ts`));
  };
  visit(join(root, 'dist/index.d.ts'));
  visit(join(root, 'dist/testing/index.d.ts'));
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  for (const file of walk(join(root, 'dist'))) if (file.endsWith('.d.ts') && !reached.has(file)) rmSync(file);
}

/** The command line uses the main bundle (one copy of the library, so `instanceof` holds). */
const MAIN = join(root, 'lib', 'index');
const mainEntry = {
  name: 'main-entry',
  setup(b) {
    b.onResolve({ filter: /index$/ }, (args) => (resolve(args.resolveDir, args.path) === MAIN ? { path: './index.js', external: true } : undefined));
  },
};

const bundles = [
  { entryPoints: [join(root, 'lib/index.ts')], outfile: join(root, 'dist/index.js'), ...minifiedWithMap },
  { entryPoints: [join(root, 'lib/testing/index.ts')], outfile: join(root, 'dist/testing/index.js'), plugins: [sharedErrors] },
  { entryPoints: [join(root, 'lib/cli/main.ts')], outfile: join(root, 'dist/cli.js'), plugins: [mainEntry], banner: { js: '#!/usr/bin/env node' } },
];

Promise.all(bundles.map((b) => build({ ...common, ...b }).then(() => b.sourcemap && compactMap(`${b.outfile}.map`))))
  .then(pruneDeclarations)
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
