/**
 * The demo web app: Express 5, express-session and passport with three strategies side by side —
 * Alipay (mainland), Alipay Macao and a local username/password account.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { randomBytes } from 'crypto';
import {
  AlipayError,
  AlipayMacaoStrategy,
  AlipayStrategy,
  type AlipayMacaoProfile,
  type AlipayProfile,
} from 'passport-alipay';
import { createAlipaySimulator, type AlipaySimulator } from 'passport-alipay/testing';
import type { DemoConfig, MacaoConfig, MainlandConfig } from './config';
import { csrfToken, requireCsrfToken } from './csrf';
import { failurePage, homePage, macaoReturnPage, macaoStartPage, profilePage, type ShownUser } from './views';

/** What the session keeps of a signed-in user: no tokens. */
type SessionUser = ShownUser;

export interface Demo {
  app: express.Express;
  simulator?: AlipaySimulator;
  /** The Macao grant page address (simulator mode only). */
  macaoGrantURL?: string;
  close(): Promise<void>;
}

const DEMO_ACCOUNT = { username: 'demo', password: 'demo-password', id: 'local-1', name: 'Demo User' };

function mainlandUser(profile: AlipayProfile): SessionUser {
  return {
    provider: profile.provider,
    id: profile.id,
    displayName: profile.displayName,
    photo: profile.photos?.[0]?.value,
    details: { userId: profile.userId, openId: profile.openId, unionId: profile.unionId, gender: profile.gender },
  };
}

function macaoUser(profile: AlipayMacaoProfile): SessionUser {
  return { provider: profile.provider, id: profile.id, details: { mobileNo: profile.mobileNo } };
}

async function sessionStore(redisURL: string | undefined): Promise<{ store?: session.Store; close(): Promise<void> }> {
  if (!redisURL) return { close: async () => {} };
  const { createClient } = await import('redis');
  const { RedisStore } = await import('connect-redis');
  const client = createClient({ url: redisURL });
  await client.connect();
  return {
    store: new RedisStore({ client, prefix: 'passport-alipay-demo:' }),
    close: async () => {
      await client.quit();
    },
  };
}

/**
 * Renders the outcome of an Alipay login: typed errors become an error page with their code (their
 * messages carry no secrets), a failed login a failure page, a success a session.
 */
function finishLogin(auth: passport.PassportStatic, strategy: string, req: Request, res: Response, next: NextFunction) {
  auth.authenticate(strategy, (err: unknown, user: SessionUser | false, info: { message?: string } | undefined, status?: number) => {
    if (err) {
      const code = err instanceof AlipayError ? err.code : undefined;
      const message = err instanceof AlipayError ? err.message : 'Unexpected error during sign-in.';
      return res.status(502).send(failurePage('Sign-in failed', message, code));
    }
    if (!user) {
      return res.status(status && status >= 400 ? status : 401).send(failurePage('Sign-in failed', info?.message ?? 'Sign-in was not completed.'));
    }
    req.logIn(user, (loginErr) => (loginErr ? next(loginErr) : res.redirect('/profile')));
  })(req, res, next);
}

export async function createDemo(config: DemoConfig): Promise<Demo> {
  const baseURL = config.baseURL ?? `http://localhost:${config.port}`;
  let simulator: AlipaySimulator | undefined;
  let mainland: MainlandConfig | undefined = config.mainland;
  let macao: MacaoConfig | undefined = config.macao;
  if (!mainland || !macao) {
    simulator = await createAlipaySimulator({ port: config.simulatorPort });
    mainland ??= simulator.createApp({ name: 'passport-alipay demo', idMode: config.simulatorIdMode });
    macao ??= simulator.createMacaoClient({ name: 'passport-alipay demo (Macao)' });
  }

  const auth = new passport.Passport() as passport.PassportStatic;
  auth.use(
    new AlipayStrategy(
      { ...mainland, callbackURL: `${baseURL}/auth/alipay/callback`, scope: config.scope ?? 'auth_user' },
      (_accessToken, _refreshToken, profile, done) => done(null, mainlandUser(profile)),
    ),
  );
  auth.use(new AlipayMacaoStrategy(macao, (_accessToken, _refreshToken, profile, done) => done(null, macaoUser(profile))));
  auth.use(
    new LocalStrategy((username, password, done) =>
      username === DEMO_ACCOUNT.username && password === DEMO_ACCOUNT.password
        ? done(null, { provider: 'local', id: DEMO_ACCOUNT.id, displayName: DEMO_ACCOUNT.name, details: {} })
        : done(null, false, { message: 'Unknown user or wrong password.' }),
    ),
  );
  auth.serializeUser((user, done) => done(null, user));
  auth.deserializeUser((user: SessionUser, done) => done(null, user));

  const sessions = await sessionStore(config.redisURL);
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false, limit: '8kb' }));
  app.use(express.json({ limit: '8kb' }));
  app.use(
    session({
      store: sessions.store,
      secret: config.sessionSecret ?? randomBytes(32).toString('hex'),
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: baseURL.startsWith('https:') },
    }),
  );
  app.use(auth.session());

  app.get('/', (req, res) => {
    if (req.user) return res.redirect('/profile');
    res.send(homePage({ csrfToken: csrfToken(req), simulator: simulator?.url }));
  });
  app.get('/profile', (req, res) => {
    if (!req.user) return res.redirect('/');
    res.send(profilePage(req.user as SessionUser, csrfToken(req)));
  });
  app.post('/logout', requireCsrfToken, (req, res, next) => {
    req.logout((err) => (err ? next(err) : res.redirect('/')));
  });

  app.post('/login/local', requireCsrfToken, (req, res, next) => finishLogin(auth, 'local', req, res, next));

  app.get('/auth/alipay', auth.authenticate('alipay'));
  app.get('/auth/alipay/callback', (req, res, next) => finishLogin(auth, 'alipay', req, res, next));

  const macaoReturn = `${baseURL}/auth/alipay-macao/return`;
  const macaoGrantURL = simulator && !config.macao ? simulator.macaoGrantURL(macao.clientId, macaoReturn) : undefined;
  app.get('/auth/alipay-macao/start', (req, res) => {
    res.send(macaoStartPage({ csrfToken: csrfToken(req), grantURL: macaoGrantURL }));
  });
  app.get('/auth/alipay-macao/return', (req, res) => {
    const { authCode, authError } = req.query;
    if (typeof authCode !== 'string') {
      return res.status(401).send(failurePage('Sign-in cancelled', `Alipay MO did not grant a code (${String(authError ?? 'no authCode')}).`));
    }
    res.send(macaoReturnPage({ csrfToken: csrfToken(req), authCode }));
  });
  app.post('/auth/alipay-macao', requireCsrfToken, (req, res, next) => finishLogin(auth, 'alipay-macao', req, res, next));

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).send(failurePage('Something went wrong', err instanceof Error ? err.message : 'Unexpected error.'));
  });

  return {
    app,
    simulator,
    macaoGrantURL,
    async close() {
      await sessions.close();
      await simulator?.close();
    },
  };
}
