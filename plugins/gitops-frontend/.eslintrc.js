module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // Test support shared by the component tests (render helpers, a fake
      // backend and shared test blocks); no source file imports it.
      files: ['src/components/testUtils.tsx'],
      rules: {
        '@backstage/no-undeclared-imports': 'off',
        'jest/no-export': 'off',
        // Its shared test blocks take their titles from the calling test.
        'jest/valid-title': 'off',
      },
    },
  ],
});
