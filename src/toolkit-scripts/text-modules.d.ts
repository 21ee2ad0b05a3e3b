// A .sh file imported from TypeScript is its text (esbuild's text loader in
// scripts/build.mjs; the plugin in vitest.config.ts for the tests).
declare module '*.sh' {
  const text: string;
  export default text;
}
