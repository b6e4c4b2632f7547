/** The absolute URL of the current request, as passport-oauth2 computes it for relative callback URLs. */
// passport-oauth2 ships this helper without type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const utils = require('passport-oauth2/lib/utils') as { originalURL(req: unknown, options?: { proxy?: boolean }): string };

/** Resolves `callbackURL` against the request when it is relative (e.g. `/auth/alipay/callback`). */
export function absoluteCallbackURL(req: unknown, callbackURL: string, trustProxy?: boolean): string {
  return new URL(callbackURL, utils.originalURL(req, { proxy: trustProxy })).toString();
}
