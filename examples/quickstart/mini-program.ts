// The server a mini program signs in to: it posts my.getAuthCode's code (and, when the user agrees,
// my.getPhoneNumber's res.response) as JSON. Runs on http://localhost:3000.
import express from 'express';
import passport from 'passport';
import { AlipayInAppStrategy } from 'passport-alipay';
import { jsonLogin } from './json-login';

const env = process.env as Record<string, string>;

passport.use(new AlipayInAppStrategy({
  appId: env.ALIPAY_APP_ID,
  privateKey: env.ALIPAY_PRIVATE_KEY,
  alipayPublicKey: env.ALIPAY_PUBLIC_KEY,
  aesKey: env.ALIPAY_AES_KEY,                    // 接口内容加密方式 (AES): only to read phone numbers
  gatewayURL: env.ALIPAY_GATEWAY_URL,            // unset: Alipay itself
}, (_accessToken, _refreshToken, profile, done) => {
  // Find or create your user by profile.id (never by phone number: it is not an identity).
  done(null, { id: profile.id, phoneNumber: profile.phoneNumber });
}));

const app = express();
// POST { "authCode": "…", "phoneNumber"?: "<res.response>" }, as my.request sends it (JSON).
app.post('/auth/alipay/in-app', express.json({ limit: '8kb' }), jsonLogin('alipay-in-app', { session: false }));

const port = Number(env.PORT ?? 3000);
app.listen(port, () => console.log(`Listening on http://localhost:${port}`));
