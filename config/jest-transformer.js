/**
 * Our TypeScript goes through swc (decorator metadata on). Dependencies are left alone unless
 * they are ES modules: NestJS 12 and some of its dependencies ship ESM only, which Node 20 loads
 * through require(esm) but Jest's module runtime cannot (before Node 24.9), so swc rewrites just
 * those files as CommonJS.
 */
const { createTransformer } = require('@swc/jest');

const ownCode = createTransformer();
const esmDependency = createTransformer({
  swcrc: false,
  jsc: { parser: { syntax: 'ecmascript', importAttributes: true }, target: 'es2022' },
  module: { type: 'commonjs' },
});
const ESM_SYNTAX = /^\s*(?:import\s*[\w{*'"]|export\s*[\w{*])/m;

module.exports = {
  process(source, path, options) {
    if (!path.includes('/node_modules/')) return ownCode.process(source, path, options);
    if (!ESM_SYNTAX.test(source)) return { code: source };
    return esmDependency.process(source, path, options);
  },
  getCacheKey(source, path, options) {
    const which = path.includes('/node_modules/') ? esmDependency : ownCode;
    return `${which.getCacheKey(source, path, options)}:v1`;
  },
};
