/** Reading loosely typed fields of verified provider payloads and requests. */

/** Printable ASCII without spaces: what codes and ids may contain. */
export const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is a plain object, else an empty one. */
export function recordOrEmpty(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** A field as text: strings as they are, numbers as their decimal text; anything else, or '', is undefined. */
export function fieldText(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Adds what an optional user-information call returned to a profile built from the token grant;
 * `_json` keeps both payloads.
 */
export function mergeUserInfo<P extends { _json: Record<string, unknown> }>(profile: P, userInfo: Partial<P> | undefined): P {
  if (!userInfo) return profile;
  const { _json: infoJson, ...rest } = userInfo;
  return { ...profile, ...rest, _json: { ...profile._json, ...infoJson } };
}
