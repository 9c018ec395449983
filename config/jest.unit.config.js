/** Unit tests: *.spec.ts beside the code; collaborators faked, no services. */
module.exports = {
  ...require('./jest.shared'),
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
