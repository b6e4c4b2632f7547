// Jest for the recipe in alipay-login.jest.ts. In your app the package resolves from node_modules;
// here, inside passport-alipay itself, the two names map to its build.
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/*.jest.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleNameMapper: {
    '^passport-alipay$': '<rootDir>/../../dist/index.js',
    '^passport-alipay/testing$': '<rootDir>/../../dist/testing/index.js',
  },
};
