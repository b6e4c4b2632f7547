// chai-passport-strategy ships no type declarations.
declare module 'chai-passport-strategy' {
  const plugin: (chai: unknown, utils: unknown) => void;
  export = plugin;
}

declare module 'passport-oauth2-refresh' {
  export class AuthTokenRefresh {
    use(strategy: unknown): void;
    use(name: string, strategy: unknown): void;
    requestNewAccessToken(name: string, refreshToken: string, done: (...args: any[]) => void): void;
  }
}
