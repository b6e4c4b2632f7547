/**
 * Finds the exact raw text of one member of a JSON document's top-level object.
 *
 * Alipay signs the bytes it sent, not a JSON value: a re-serialized object (key order, `\/`,
 * raw Chinese) would not verify. This scanner walks the top-level object structurally, so a key
 * that merely appears inside a string value is never mistaken for the member, and a member that
 * appears twice (a duplicated node injected after the signed one, which JSON.parse would prefer) is
 * reported instead of silently picking one. It never throws and never recurses, so hostile input
 * (deep nesting, unterminated strings, arbitrary bytes) only yields `invalid`.
 */

export type MemberSpan =
  | { status: 'found'; text: string; start: number; end: number }
  | { status: 'missing' }
  | { status: 'duplicate' }
  | { status: 'invalid'; at: number };

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const SCALAR_CHAR = /[A-Za-z0-9+\-.]/;

class Invalid {
  constructor(readonly at: number) {}
}

function skipWhitespace(raw: string, i: number): number {
  while (i < raw.length && WHITESPACE.has(raw.charCodeAt(i))) i++;
  return i;
}

/** `i` is at an opening quote; returns the index after the closing quote. */
function skipString(raw: string, i: number): number {
  let j = i + 1;
  while (j < raw.length) {
    const c = raw.charCodeAt(j);
    if (c === 0x5c /* \ */) {
      j += 2;
    } else if (c === 0x22 /* " */) {
      return j + 1;
    } else if (c < 0x20) {
      throw new Invalid(j);
    } else {
      j++;
    }
  }
  throw new Invalid(i);
}

/** The closers a byte stack holds: one byte per open bracket. */
const CLOSE_BRACE = 0;
const CLOSE_BRACKET = 1;

/**
 * Returns the index after the JSON value starting at `i` (brackets matched with a stack). The stack
 * is a byte array that doubles as it fills: an array of strings slows to 45–195 ns per bracket past
 * ~16,000 levels, so a hostile, deeply nested megabyte would cost a hundred milliseconds of CPU.
 */
function skipValue(raw: string, i: number): number {
  const c = raw[i];
  if (c === '"') return skipString(raw, i);
  if (c === '{' || c === '[') {
    let open = new Uint8Array(64);
    let depth = 0;
    let j = i;
    while (j < raw.length) {
      const d = raw[j];
      if (d === '"') {
        j = skipString(raw, j);
        continue;
      }
      if (d === '{' || d === '[') {
        if (depth === open.length) {
          const grown = new Uint8Array(open.length * 2);
          grown.set(open);
          open = grown;
        }
        open[depth++] = d === '{' ? CLOSE_BRACE : CLOSE_BRACKET;
      } else if (d === '}' || d === ']') {
        if (depth === 0 || open[--depth] !== (d === '}' ? CLOSE_BRACE : CLOSE_BRACKET)) throw new Invalid(j);
        if (depth === 0) return j + 1;
      }
      j++;
    }
    throw new Invalid(i);
  }
  let j = i;
  while (j < raw.length && SCALAR_CHAR.test(raw[j])) j++;
  if (j === i) throw new Invalid(i);
  return j;
}

function decodeKey(rawKey: string, at: number): string {
  try {
    return JSON.parse(rawKey) as string;
  } catch {
    throw new Invalid(at);
  }
}

/** The top-level members of a JSON object text: where each value's raw text starts and ends. */
export type TopLevelIndex =
  | { status: 'ok'; members: Map<string, { start: number; end: number }>; duplicates: Set<string> }
  | { status: 'invalid'; at: number };

function scan(raw: string): TopLevelIndex {
  const members = new Map<string, { start: number; end: number }>();
  const duplicates = new Set<string>();
  let i = skipWhitespace(raw, 0);
  if (raw[i] !== '{') throw new Invalid(i);
  i = skipWhitespace(raw, i + 1);
  if (raw[i] === '}') {
    i++;
  } else {
    for (;;) {
      if (raw[i] !== '"') throw new Invalid(i);
      const keyEnd = skipString(raw, i);
      // Keys are compared decoded: "a\u005fb" names the same member as "a_b" for JSON.parse.
      const key = decodeKey(raw.slice(i, keyEnd), i);
      i = skipWhitespace(raw, keyEnd);
      if (raw[i] !== ':') throw new Invalid(i);
      const start = skipWhitespace(raw, i + 1);
      const end = skipValue(raw, start);
      if (members.has(key)) duplicates.add(key);
      else members.set(key, { start, end });
      i = skipWhitespace(raw, end);
      if (raw[i] === ',') {
        i = skipWhitespace(raw, i + 1);
        continue;
      }
      if (raw[i] === '}') {
        i++;
        break;
      }
      throw new Invalid(i);
    }
  }
  if (skipWhitespace(raw, i) !== raw.length) throw new Invalid(i);
  return { status: 'ok', members, duplicates };
}

/** Indexes the top-level members of the JSON object text `raw`; never throws. */
export function indexTopLevelMembers(raw: string): TopLevelIndex {
  try {
    return scan(raw);
  } catch (e) {
    if (e instanceof Invalid) return { status: 'invalid', at: e.at };
    throw e;
  }
}

/** Locates the top-level member `name` of the JSON object text `raw`. */
export function findTopLevelMember(raw: string, name: string): MemberSpan {
  const index = indexTopLevelMembers(raw);
  if (index.status === 'invalid') return index;
  if (index.duplicates.has(name)) return { status: 'duplicate' };
  const span = index.members.get(name);
  if (!span) return { status: 'missing' };
  return { status: 'found', text: raw.slice(span.start, span.end), start: span.start, end: span.end };
}
