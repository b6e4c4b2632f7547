/** Property tests of the raw JSON span extractor over generated documents and arbitrary text. */
import { expect } from 'chai';
import fc from 'fast-check';
import { findTopLevelMember } from '../../lib/core/json-span';

const NODE = 'alipay_system_oauth_token_response';

/** Whitespace JSON allows between tokens. */
const ws = fc.stringMatching(/^[ \t\n\r]{0,3}$/);

/**
 * Serializes a JSON value the way a gateway might: random whitespace, `/` escaped or not, some
 * characters as \u escapes. The result is valid JSON for the same value.
 */
function arbitraryText(value: unknown): fc.Arbitrary<string> {
  if (Array.isArray(value)) {
    if (value.length === 0) return ws.map((w) => `[${w}]`);
    return fc
      .tuple(ws, ws, ...value.map((v) => fc.tuple(arbitraryText(v), ws)))
      .map(([a, b, ...items]) => `[${a}${items.map(([t, w]) => t + w).join(`,${b}`)}]`);
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return ws.map((w) => `{${w}}`);
    return fc
      .tuple(ws, ...entries.map(([k, v]) => fc.tuple(stringText(k), ws, ws, arbitraryText(v), ws)))
      .map(([lead, ...members]) => `{${lead}${members.map(([k, w1, w2, t, w3]) => `${k}${w1}:${w2}${t}${w3}`).join(',')}}`);
  }
  if (typeof value === 'string') return stringText(value);
  return fc.constant(JSON.stringify(value));
}

function stringText(s: string): fc.Arbitrary<string> {
  return fc.tuple(fc.boolean(), fc.boolean()).map(([escapeSlash, escapeBraces]) => {
    let t = JSON.stringify(s);
    if (escapeSlash) t = t.replace(/\//g, '\\/');
    if (escapeBraces) t = t.replace(/[{}]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return t;
  });
}

/** Values rich in the characters that break naive scanners. */
const trickyString = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', '/', ':', ',', 'a', '支', '\u2028', '😀') }),
  fc.constant(`"${NODE}":{"user_id":"x"}`),
);
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    trickyString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const otherMembers = fc.dictionary(
  trickyString.filter((k) => k !== NODE),
  jsonValue,
  { maxKeys: 4 },
);

describe('property: raw JSON span extraction', () => {
  it('returns exactly the bytes of the named member for any valid document', () => {
    fc.assert(
      fc.property(
        jsonValue.chain((v) => arbitraryText(v).map((text) => ({ v, text }))),
        otherMembers.chain((o) => fc.tuple(...Object.entries(o).map(([k, v]) => fc.tuple(stringText(k), arbitraryText(v))))),
        fc.nat(),
        ws,
        ({ text }, others, position, w) => {
          const members = others.map(([k, t]) => `${k}:${t}`);
          members.splice(position % (members.length + 1), 0, `"${NODE}"${w}:${w}${text}`);
          const raw = `${w}{${members.join(`,${w}`)}}${w}`;
          JSON.parse(raw); // the generator only produces valid JSON
          const span = findTopLevelMember(raw, NODE);
          expect(span.status).to.equal('found');
          expect(span.status === 'found' && span.text).to.equal(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never finds a member whose name only appears inside string values', () => {
    fc.assert(
      fc.property(otherMembers, trickyString, (others, s) => {
        const doc = { ...others, decoy: `${s}"${NODE}":{"user_id":"2088"}`, [`x${NODE}`]: NODE };
        expect(findTopLevelMember(JSON.stringify(doc), NODE).status).to.equal('missing');
      }),
      { numRuns: 300 },
    );
  });

  it('reports a duplicate whenever the member is repeated at the top level', () => {
    fc.assert(
      fc.property(jsonValue, jsonValue, otherMembers, (a, b, others) => {
        const between = JSON.stringify(others).slice(1, -1);
        const raw = `{"${NODE}":${JSON.stringify(a)}${between ? `,${between}` : ''},"${NODE}":${JSON.stringify(b)}}`;
        expect(findTopLevelMember(raw, NODE).status).to.equal('duplicate');
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', ':', ',', 'a', ' ', '1') }), fc.uint8Array().map((b) => Buffer.from(b).toString('utf8'))), (raw) => {
        const status = findTopLevelMember(raw, NODE).status;
        expect(['missing', 'invalid', 'found', 'duplicate']).to.include(status);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with JSON.parse on whether a valid document has the member', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(NODE, 'sign', 'a', 'b'), jsonValue, { maxKeys: 3 }), (doc) => {
        const status = findTopLevelMember(JSON.stringify(doc), NODE).status;
        expect(status).to.equal(Object.prototype.hasOwnProperty.call(doc, NODE) ? 'found' : 'missing');
      }),
      { numRuns: 300 },
    );
  });

  it('calls truncated documents invalid', () => {
    fc.assert(
      fc.property(jsonValue, fc.nat(), (value, cut) => {
        const raw = JSON.stringify({ [NODE]: value, sign: 'abc' });
        const truncated = raw.slice(0, cut % raw.length);
        expect(findTopLevelMember(truncated, NODE).status).to.equal('invalid');
      }),
      { numRuns: 300 },
    );
  });
});
