import { expect } from 'chai';
import { findTopLevelMember, indexTopLevelMembers } from '../../lib/core/json-span';

describe('findTopLevelMember', () => {
  it('returns the exact raw text of an object member', () => {
    const raw = '{"a_response":{"x":"1","y":[1,2]},"sign":"abc"}';
    expect(findTopLevelMember(raw, 'a_response')).to.deep.include({ status: 'found', text: '{"x":"1","y":[1,2]}' });
  });

  it('keeps whitespace, escapes and raw unicode inside the span untouched', () => {
    const node = '{ "avatar" : "https:\\/\\/x.cn\\/a.png",\n  "nick" : "支付宝" }';
    const raw = `{\n  "a_response" :  ${node} ,\n "sign":"s"\n}`;
    expect(findTopLevelMember(raw, 'a_response')).to.deep.include({ status: 'found', text: node });
  });

  it('ignores braces and quotes inside string values', () => {
    const node = '{"msg":"a } b { \\" c \\\\","n":{"k":"}"}}';
    const raw = `{"sign":"x","a_response":${node}}`;
    expect(findTopLevelMember(raw, 'a_response')).to.deep.include({ status: 'found', text: node });
  });

  it('finds the member whatever the key order', () => {
    const raw = '{"sign":"s","alipay_cert_sn":"c","a_response":{"k":1}}';
    expect(findTopLevelMember(raw, 'a_response')).to.deep.include({ status: 'found', text: '{"k":1}' });
  });

  it('does not find a member name that only appears inside a string', () => {
    const raw = '{"sign":"\\"a_response\\":{\\"k\\":1}","other":"a_response"}';
    expect(findTopLevelMember(raw, 'a_response')).to.deep.equal({ status: 'missing' });
  });

  it('does not find a member nested below the top level', () => {
    const raw = '{"outer":{"a_response":{"k":1}}}';
    expect(findTopLevelMember(raw, 'a_response')).to.deep.equal({ status: 'missing' });
  });

  it('reports a member duplicated after the real one', () => {
    const raw = '{"a_response":{"user_id":"1"},"sign":"s","a_response":{"user_id":"2"}}';
    expect(findTopLevelMember(raw, 'a_response')).to.deep.equal({ status: 'duplicate' });
  });

  it('reports a duplicate spelled with unicode escapes', () => {
    const raw = '{"a_response":{"user_id":"1"},"a\\u005fresponse":{"user_id":"2"}}';
    expect(findTopLevelMember(raw, 'a_response')).to.deep.equal({ status: 'duplicate' });
  });

  it('returns invalid for an unterminated string', () => {
    expect(findTopLevelMember('{"a_response":{"k":"v}', 'a_response').status).to.equal('invalid');
  });

  it('returns invalid for mismatched brackets', () => {
    expect(findTopLevelMember('{"a_response":{"k":[1}]}', 'a_response').status).to.equal('invalid');
  });

  it('returns invalid for trailing garbage', () => {
    expect(findTopLevelMember('{"a_response":{}} x', 'a_response').status).to.equal('invalid');
  });

  it('returns invalid for a non-object document', () => {
    expect(findTopLevelMember('["a_response"]', 'a_response').status).to.equal('invalid');
  });

  it('does not overflow the stack on deeply nested input', () => {
    const deep = `{"a_response":${'['.repeat(200000)}${']'.repeat(200000)}}`;
    expect(findTopLevelMember(deep, 'a_response').status).to.equal('found');
  });
  it('matches brackets past the byte stack\'s first growth, and refuses a wrong closer deep inside', () => {
    const depth = 100_000;
    const nested = '['.repeat(depth) + '{}' + ']'.repeat(depth);
    expect(indexTopLevelMembers(`{"a":${nested},"b":1}`).status).to.equal('ok');
    const wrong = '['.repeat(depth) + '}' + ']'.repeat(depth - 1);
    expect(indexTopLevelMembers(`{"a":${wrong}}`).status).to.equal('invalid');
  });
});
