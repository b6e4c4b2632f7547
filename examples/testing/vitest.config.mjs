// Vitest for the recipe in alipay-login.vitest.ts. In your app the package resolves from
// node_modules; here, inside passport-alipay itself, the two names map to its build.
import { fileURLToPath } from 'node:url';

const dist = (file) => fileURLToPath(new URL(`../../dist/${file}`, import.meta.url));

export default {
  test: { include: ['examples/testing/*.vitest.ts'], environment: 'node' },
  resolve: {
    alias: [
      { find: /^passport-alipay$/, replacement: dist('index.js') },
      { find: /^passport-alipay\/testing$/, replacement: dist('testing/index.js') },
    ],
  },
};
