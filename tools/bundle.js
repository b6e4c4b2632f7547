/**
 * Bundles each entry point into one CommonJS file (dist/index.js, dist/testing/index.js), next to the
 * declarations tsc emits. One file instead of ~45 roughly halves the package's own share of a cold
 * require() (see README, Performance). passport-oauth2 stays an external dependency.
 * The testing entry takes the error classes from the main entry, so that `instanceof` holds across
 * both (e.g. an AlipayConfigError thrown by generateTestKeys' helpers).
 */
const { build } = require('esbuild');
const { join, resolve } = require('path');

const root = join(__dirname, '..');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  sourcesContent: true,
  minifyWhitespace: true,
  external: ['passport-oauth2'],
  logLevel: 'warning',
};

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

Promise.all([
  build({ ...common, entryPoints: [join(root, 'lib/index.ts')], outfile: join(root, 'dist/index.js') }),
  build({ ...common, entryPoints: [join(root, 'lib/testing/index.ts')], outfile: join(root, 'dist/testing/index.js'), plugins: [sharedErrors] }),
]).catch((err) => {
  console.error(err);
  process.exit(1);
});
