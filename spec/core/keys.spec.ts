import { expect } from 'chai';
import { createPrivateKey, createPublicKey } from 'crypto';
import { AlipayConfigError } from '../../lib/core/errors';
import { assertNotOwnPublicKey, loadPrivateKey, loadPublicKey } from '../../lib/core/keys';
import { signSha256WithRsa, verifySha256WithRsa } from '../../lib/core/rsa';
import { keys } from '../helpers/fixtures';

const appPublic = createPublicKey(keys.appPublic);

function signsWithAppKey(input: string): boolean {
  return verifySha256WithRsa('probe', signSha256WithRsa('probe', loadPrivateKey(input, 'privateKey')), appPublic);
}

describe('key loading', () => {
  it('accepts a PKCS#8 PEM private key', () => {
    expect(signsWithAppKey(keys.appPrivatePkcs8)).to.equal(true);
  });

  it('accepts a PKCS#1 PEM private key', () => {
    expect(signsWithAppKey(keys.appPrivatePkcs1)).to.equal(true);
  });

  it('accepts a bare base64 PKCS#8 private key', () => {
    expect(signsWithAppKey(keys.appPrivatePkcs8Base64)).to.equal(true);
  });

  it('accepts a bare base64 PKCS#1 private key', () => {
    expect(signsWithAppKey(keys.appPrivatePkcs1Base64)).to.equal(true);
  });

  it('accepts bare base64 wrapped over several lines', () => {
    const wrapped = keys.appPrivatePkcs8Base64.replace(/(.{64})/g, '$1\n');
    expect(signsWithAppKey(wrapped)).to.equal(true);
  });

  it('accepts a PEM and a bare base64 SPKI public key', () => {
    expect(loadPublicKey(keys.alipayPublic, 'k').export({ format: 'der', type: 'spki' })).to.deep.equal(
      loadPublicKey(keys.alipayPublicBase64, 'k').export({ format: 'der', type: 'spki' }),
    );
  });

  it('explains the accepted private key formats without echoing the input', () => {
    const bad = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC-not-a-key';
    expect(() => loadPrivateKey(bad, 'privateKey'))
      .to.throw(AlipayConfigError, /PKCS#8.*PKCS#1/)
      .that.satisfies((e: Error) => !e.message.includes(bad));
  });

  it('explains the accepted public key formats', () => {
    expect(() => loadPublicKey('not a key', 'alipayPublicKey')).to.throw(AlipayConfigError, /SPKI/);
  });

  it('says so when a public key is given as the private key', () => {
    expect(() => loadPrivateKey(keys.appPublic, 'privateKey')).to.throw(AlipayConfigError, /holds a public key/);
  });

  it('says so when a private key is given as the Alipay public key', () => {
    expect(() => loadPublicKey(keys.alipayPrivate, 'alipayPublicKey')).to.throw(AlipayConfigError, /holds a private key/);
  });

  it('accepts parsed KeyObjects', () => {
    expect(loadPrivateKey(createPrivateKey(keys.appPrivatePkcs8), 'privateKey').type).to.equal('private');
    expect(loadPublicKey(appPublic, 'alipayPublicKey').type).to.equal('public');
  });

  it('refuses a KeyObject of the wrong type', () => {
    expect(() => loadPublicKey(createPrivateKey(keys.alipayPrivate), 'alipayPublicKey')).to.throw(AlipayConfigError, /must be a public KeyObject/);
  });

  it('accepts a PEM whose line breaks were written as literal \\n (the usual .env form)', () => {
    const envStyle = keys.appPrivatePkcs8.trim().replace(/\n/g, '\\n');
    expect(envStyle).not.to.include('\n');
    expect(loadPrivateKey(envStyle, 'privateKey').asymmetricKeyType).to.equal('rsa');
    expect(loadPublicKey(keys.alipayPublic.trim().replace(/\n/g, '\\n'), 'alipayPublicKey').type).to.equal('public');
  });

  it('refuses a non-RSA key', () => {
    expect(() => loadPrivateKey(keys.ecPrivate, 'privateKey')).to.throw(AlipayConfigError, /is an EC key; .*RSA/);
  });

  it("detects the app's own public key configured as Alipay's", () => {
    expect(() =>
      assertNotOwnPublicKey(loadPrivateKey(keys.appPrivatePkcs8, 'p'), loadPublicKey(keys.appPublic, 'a'), 'alipayPublicKey'),
    ).to.throw(AlipayConfigError, /your own application/);
  });

  it("accepts Alipay's real public key", () => {
    expect(() =>
      assertNotOwnPublicKey(loadPrivateKey(keys.appPrivatePkcs8, 'p'), loadPublicKey(keys.alipayPublic, 'a'), 'alipayPublicKey'),
    ).not.to.throw();
  });
});
