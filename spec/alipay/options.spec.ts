import { expect } from 'chai';
import { AlipayConfigError, AlipayStrategy } from '../../lib';
import { alipayOptions, strategy, verifyUser } from '../helpers/alipay';
import { certs, keys } from '../helpers/fixtures';

describe('AlipayStrategy construction', () => {
  it('is named alipay by default', () => {
    expect(strategy().name).to.equal('alipay');
  });

  it('takes its name from the name option', () => {
    expect(strategy({ name: 'alipay-cn' }).name).to.equal('alipay-cn');
  });

  for (const option of ['appId', 'privateKey', 'alipayPublicKey', 'callbackURL'] as const) {
    it(`explains a missing ${option}`, () => {
      expect(() => strategy({ [option]: undefined })).to.throw(AlipayConfigError, new RegExp(`${option} is required`));
    });
  }

  it('explains a missing verify function', () => {
    expect(() => new AlipayStrategy(alipayOptions() as never, undefined as never)).to.throw(AlipayConfigError, /verify function/);
  });

  it('explains a callbackURL problem in terms of the Alipay console', () => {
    expect(() => strategy({ callbackURL: '' })).to.throw(/callback domain registered in the Alipay console/);
  });

  it('points passport-style clientID to appId', () => {
    expect(() => strategy({ clientID: '2021' } as never)).to.throw(AlipayConfigError, /clientID is not an option.*use appId/);
  });

  it('points passport-style clientSecret to privateKey', () => {
    expect(() => strategy({ clientSecret: 'x' } as never)).to.throw(AlipayConfigError, /clientSecret.*use privateKey/);
  });

  it('refuses a callbackURL that starts with a host but no scheme, with a hint', () => {
    expect(() => strategy({ callbackURL: 'www.example.com/auth/alipay/callback' })).to.throw(
      AlipayConfigError,
      /no scheme: write https:\/\/www\.example\.com/,
    );
  });

  it('refuses a relative callbackURL that is not a path', () => {
    expect(() => strategy({ callbackURL: 'auth/callback' })).to.throw(AlipayConfigError, /starting with "\/"/);
  });

  it('accepts an absolute callbackURL and a path', () => {
    expect(() => strategy({ callbackURL: 'http://localhost:3000/cb' })).not.to.throw();
    expect(() => strategy({ callbackURL: '/auth/alipay/callback' })).not.to.throw();
  });

  it('accepts keys in every documented format', () => {
    for (const privateKey of [keys.appPrivatePkcs8, keys.appPrivatePkcs1, keys.appPrivatePkcs8Base64, keys.appPrivatePkcs1Base64]) {
      for (const alipayPublicKey of [keys.alipayPublic, keys.alipayPublicBase64]) {
        expect(() => strategy({ privateKey, alipayPublicKey })).not.to.throw();
      }
    }
  });

  it('refuses an unparseable private key and lists the accepted formats', () => {
    expect(() => strategy({ privateKey: 'MIIE-garbage' })).to.throw(AlipayConfigError, /PEM.*bare base64.*PKCS#8.*PKCS#1/);
  });

  it("refuses the app's own public key as alipayPublicKey (swapped keys)", () => {
    expect(() => strategy({ alipayPublicKey: keys.appPublic })).to.throw(AlipayConfigError, /应用公钥/);
  });

  it('refuses the app private key given as alipayPublicKey', () => {
    expect(() => strategy({ alipayPublicKey: keys.appPrivatePkcs8 })).to.throw(AlipayConfigError, /holds a private key/);
  });

  it('refuses a public key given as privateKey', () => {
    expect(() => strategy({ privateKey: keys.appPublic })).to.throw(AlipayConfigError, /holds a public key/);
  });

  it('never puts a key into a configuration error message', () => {
    try {
      strategy({ alipayPublicKey: keys.appPublic });
      expect.fail('should have thrown');
    } catch (e) {
      const body = keys.appPublic.split('\n')[1];
      expect((e as Error).message).not.to.include(body);
    }
  });

  it('refuses plain http endpoints other than localhost', () => {
    expect(() => strategy({ gatewayURL: 'http://openapi.alipay.com/gateway.do' })).to.throw(AlipayConfigError, /https/);
  });

  it('accepts plain http on loopback (a local simulator)', () => {
    expect(() => strategy({ gatewayURL: 'http://127.0.0.1:9999/gateway.do' })).not.to.throw();
  });

  it('refuses a non-positive timeout', () => {
    expect(() => strategy({ timeout: 0 })).to.throw(AlipayConfigError, /timeout/);
  });

  it('refuses an empty scope', () => {
    expect(() => strategy({ scope: [] })).to.throw(AlipayConfigError, /scope/);
  });

  it('refuses certificate mode with a missing certificate', () => {
    expect(() =>
      strategy({ alipayPublicKey: undefined, appCert: certs.app, alipayPublicCert: certs.alipay }),
    ).to.throw(AlipayConfigError, /alipayRootCert is missing/);
  });

  it('refuses an unreadable certificate', () => {
    expect(() =>
      strategy({ alipayPublicKey: undefined, appCert: 'not a cert', alipayPublicCert: certs.alipay, alipayRootCert: certs.rootBundle }),
    ).to.throw(AlipayConfigError, /appCert must be the PEM text/);
  });

  it('refuses a certificate with a corrupted body', () => {
    const corrupted = certs.app.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    expect(() =>
      strategy({ alipayPublicKey: undefined, appCert: corrupted, alipayPublicCert: certs.alipay, alipayRootCert: certs.rootBundle }),
    ).to.throw(AlipayConfigError);
  });

  it('refuses an app certificate that does not match privateKey', () => {
    expect(() =>
      strategy({ alipayPublicKey: undefined, appCert: certs.alipay, alipayPublicCert: certs.alipay, alipayRootCert: certs.rootBundle }),
    ).to.throw(AlipayConfigError, /appCert does not belong to privateKey/);
  });

  it('refuses alipayPublicKey together with certificate mode', () => {
    expect(() => strategy({ appCert: certs.app, alipayPublicCert: certs.alipay, alipayRootCert: certs.rootBundle })).to.throw(
      AlipayConfigError,
      /exclude each other/,
    );
  });

  it('accepts a full certificate configuration', () => {
    expect(() =>
      new AlipayStrategy(
        alipayOptions({ alipayPublicKey: undefined, appCert: certs.app, alipayPublicCert: certs.alipay, alipayRootCert: certs.rootBundle }) as never,
        verifyUser,
      ),
    ).not.to.throw();
  });
});
