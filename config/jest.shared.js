/** Settings both jest configs share; see jest-transformer.js for why dependencies are transformed. */
module.exports = {
  rootDir: '..',
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj|cj)s$': '<rootDir>/config/jest-transformer.js' },
  transformIgnorePatterns: [],
};
