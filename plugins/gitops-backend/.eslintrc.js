module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  testRules: {
    // Store tests are declared through describeStores' storeTest, which runs
    // each one on every supported database (SQLite and PostgreSQL).
    'jest/no-standalone-expect': [
      'error',
      { additionalTestBlockFunctions: ['storeTest'] },
    ],
    // describeStores passes its caller's title on to describe().
    'jest/valid-title': ['error', { ignoreTypeOfDescribeName: true }],
  },
  overrides: [
    {
      // Shared test blocks (describeStores) are exported for the test files.
      files: ['src/**/__testUtils__/**'],
      rules: { 'jest/no-export': 'off' },
    },
  ],
});
