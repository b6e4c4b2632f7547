// chai-passport-strategy ships no type declarations.
declare module 'chai-passport-strategy' {
  const plugin: (chai: unknown, utils: unknown) => void;
  export = plugin;
}
