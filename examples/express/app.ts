/**
 * The demo web app: Express 5, express-session and passport with the strategies side by side —
 * Alipay (browser redirect), Alipay in-app (a simulated mini program), Alipay Macao and, on the
 * simulator only, a local username/password test account.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { randomBytes } from 'crypto';
import { rateLimit } from 'express-rate-limit';
import {
  AlipayError,
  AlipayInAppStrategy,
  AlipayMacaoStrategy,
  AlipayStrategy,
  alipayNotifications,
  type AlipayInAppProfile,
  type AlipayMacaoProfile,
  type AlipayMacaoTokenParams,
  type AlipayProfile,
  type AlipayTokenParams,
  type VerifyWithParams,
} from 'passport-alipay';
import { createAlipaySimulator, type AlipaySimulator } from 'passport-alipay/testing';
import { parseTrustProxy, type DemoConfig, type MacaoConfig, type MainlandConfig } from './config';
import { createCsrf } from './csrf';
import { SweepingMemoryStore } from './memory-sessions';
import { securityHeaders } from './security-headers';
import { redisSessions } from './redis-sessions';
import { setUpServiceProvider, type ServiceProvider } from './provider';
import { memoryRevocations } from './revocations';
import {
  cancelledPage,
  failurePage,
  homePage,
  macaoReturnPage,
  macaoStartPage,
  miniProgramPage,
  profilePage,
  providerPage,
  unavailablePage,
  type ShownUser,
} from './views';

/**
 * What the session keeps of a signed-in user: no tokens. Alipay users also keep their Alipay ids
 * and when they signed in, so that a later revocation signs them out.
 */
type SessionUser = ShownUser & { alipayIds?: string[]; signedInAt?: number };

declare module 'express-session' {
  interface SessionData {
    /** The one-time nonce of a Macao grant this browser started (simulator mode). */
    macaoNonce?: string;
  }
}

export interface Demo {
  app: express.Express;
  simulator?: AlipaySimulator;
  /** Sessions held in memory (without REDIS_URL); for tests and monitoring. */
  sessionCount(): number;
  /** True when every Alipay side runs on the built-in simulator. */
  fullySimulated: boolean;
  close(): Promise<void>;
}

const DEMO_ACCOUNT = { username: 'demo', password: 'demo-password', id: 'local-1', name: 'Demo User' };
/** A session that has not signed in lives 10 minutes; a signed-in one a week. */
const PRE_LOGIN_MS = 10 * 60 * 1000;
const SIGNED_IN_MS = 7 * 24 * 3600 * 1000;
/** Any request still unanswered after this gets 503 (a hung store must not hang the user). */
const REQUEST_DEADLINE_MS = 8000;

/** Which login the user went through, as the profile page names it. */
const FLOWS = {
  alipay: 'Alipay web redirect (AlipayStrategy)',
  'alipay-in-app': 'Alipay in-app code (AlipayInAppStrategy)',
  'alipay-provider': "Alipay web redirect into a merchant's app, through the service provider (AlipayStrategy with merchant)",
  'alipay-macao': 'Alipay Macao authCode (AlipayMacaoStrategy)',
  local: 'Local test account (passport-local)',
} as const;

/** A copy of token params without the tokens themselves: what the profile page may show. */
function tokenFree(params: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([key]) => !/token/i.test(key)));
}

function mainlandUser(flow: 'alipay' | 'alipay-in-app' | 'alipay-provider', params: object, profile: AlipayProfile | AlipayInAppProfile): SessionUser {
  const details: ShownUser['details'] = { userId: profile.userId, openId: profile.openId, unionId: profile.unionId, gender: profile.gender };
  if (profile.merchantAppId) details.merchantAppId = profile.merchantAppId;
  if (flow === 'alipay-in-app') {
    details.phoneNumber = ('phoneNumber' in profile && profile.phoneNumber) || 'not shared (the mini program did not call my.getPhoneNumber, or the user declined)';
  }
  return {
    provider: profile.provider,
    id: profile.id,
    displayName: profile.displayName,
    photo: profile.photos?.[0]?.value,
    details,
    flow: FLOWS[flow],
    returned: { profile: profile._json, params: tokenFree(params) },
    alipayIds: [profile.userId, profile.openId].filter((id): id is string => Boolean(id)),
    signedInAt: Date.now(),
  };
}

function macaoUser(params: object, profile: AlipayMacaoProfile): SessionUser {
  return {
    provider: profile.provider,
    id: profile.id,
    details: { mobileNo: profile.mobileNo },
    flow: FLOWS['alipay-macao'],
    returned: { profile: profile._json, params: tokenFree(params) },
  };
}

/** The response methods a late writer could call; after a deadline answer each becomes a no-op. */
const WRITERS = ['setHeader', 'appendHeader', 'removeHeader', 'writeHead', 'write', 'end'] as const;

/**
 * Answers 503 to a request the app has not answered within `ms`. Whatever was still working on that
 * request (a slow gateway, a hung store) finishes later into the void: its writes are dropped and
 * logged once, never a second response (which would throw ERR_HTTP_HEADERS_SENT and end the process).
 */
function deadline(ms: number, log: Pick<Console, 'warn'>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.status(503).send(unavailablePage());
      let reported = false;
      const drop = function (this: Response) {
        if (!reported) {
          reported = true;
          log.warn(`[late result dropped] ${req.method} ${req.path} finished after the ${ms} ms deadline`);
        }
        return this;
      };
      for (const name of WRITERS) Object.defineProperty(res, name, { value: drop, configurable: true, writable: true });
    }, ms);
    res.on('close', () => clearTimeout(timer));
    next();
  };
}

const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i;

/**
 * On a local machine `localhost` and `127.0.0.1` are two sites to a browser, each with its own
 * cookies: a login started on one and called back on the other finds no session. So a visit to a
 * loopback name other than the demo's own is sent to the demo's address before anything starts.
 * Public host names are never touched (behind a proxy the Host header is the proxy's business).
 */
function sameLoopbackHost(baseURL: string) {
  const base = new URL(baseURL);
  return (req: Request, res: Response, next: NextFunction): void => {
    const host = req.headers.host;
    // Cookies are per host name, not per port: only another name is a problem.
    if (!host || !LOOPBACK_HOST.test(host) || !LOOPBACK_HOST.test(base.host) || new URL(`http://${host}`).hostname === base.hostname) return next();
    if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(302, base.origin + req.originalUrl);
    res.status(421).send(failurePage('Wrong address', `This demo runs at ${base.origin}; open it there.`));
  };
}

/**
 * Finishes a login: typed errors become an error page with their code (their messages carry no
 * secrets), a failed login a failure page, a success a session. Failed logins are logged with the
 * strategy and the error code only. Posted-code logins (JSON) get a JSON answer instead of a page.
 */
function finishLogin(
  auth: passport.PassportStatic,
  strategy: string,
  log: Pick<Console, 'warn'>,
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const json = req.is('application/json') === 'application/json';
    const refuse = (status: number, title: string, message: string, code?: string) => {
      log.warn(`[login failed] strategy=${strategy} status=${status}${code ? ` code=${code}` : ''}`);
      if (json) return res.status(status).json({ error: { title, message, code } });
      res.status(status).send(failurePage(title, message, code));
    };
    auth.authenticate(strategy, (err: unknown, user: SessionUser | false, info: { message?: string } | undefined, status?: number) => {
      if (err) {
        const known = err instanceof AlipayError;
        const httpStatus = (err as { status?: unknown }).status;
        return refuse(
          typeof httpStatus === 'number' && httpStatus >= 400 ? httpStatus : 502,
          'Sign-in failed',
          known ? err.message : 'Unexpected error during sign-in.',
          known ? err.code : undefined,
        );
      }
      // Alipay's consent page sends the user back without auth_code when they press Cancel.
      if (!user && strategy === 'alipay' && req.query.auth_code === undefined) {
        log.warn(`[login cancelled] strategy=${strategy}`);
        return res.status(401).send(cancelledPage('Alipay'));
      }
      if (!user) return refuse(status && status >= 400 ? status : 401, 'Sign-in failed', info?.message ?? 'Sign-in was not completed.');
      req.logIn(user, (loginErr) => {
        if (loginErr) return next(loginErr);
        req.session.cookie.maxAge = SIGNED_IN_MS;
        if (json) res.json({ location: '/profile' });
        else res.redirect('/profile');
      });
    })(req, res, next);
  };
}

export async function createDemo(config: DemoConfig): Promise<Demo> {
  const log = config.log ?? console;
  const simulated = { mainland: !config.mainland, macao: !config.macao };
  if (simulated.mainland !== simulated.macao && !config.allowPartialSimulator) {
    throw new Error(
      `Alipay ${simulated.mainland ? 'Macao' : '(mainland)'} is configured but Alipay ${simulated.mainland ? '(mainland)' : 'Macao'} is not: ` +
        'configure both, or neither for the simulator, or set ALLOW_PARTIAL_SIMULATOR=1 to simulate the other side on purpose.',
    );
  }
  // Refused before anything starts: `true` trusts every X-Forwarded-For, so any client picks its own rate-limit key.
  const trustProxy = config.trustProxy === undefined ? undefined : parseTrustProxy(config.trustProxy);
  const fullySimulated = simulated.mainland && simulated.macao;
  // The simulated demo listens on 127.0.0.1 only; its callbacks must come back to the same host.
  const baseURL = config.baseURL ?? `http://${fullySimulated ? '127.0.0.1' : 'localhost'}:${config.port}`;
  let simulator: AlipaySimulator | undefined;
  let mainland: MainlandConfig | undefined = config.mainland;
  let macao: MacaoConfig | undefined = config.macao;
  if (!mainland || !macao) {
    simulator = await createAlipaySimulator({ port: config.simulatorPort });
    mainland ??= simulator.createApp({ name: 'passport-alipay demo', idMode: config.simulatorIdMode });
    macao ??= simulator.createMacaoClient({ name: 'passport-alipay demo (Macao)' });
  }

  const auth = new passport.Passport() as passport.PassportStatic;
  const { aesKey, ...gateway } = mainland;
  auth.use(
    new AlipayStrategy(
      { ...gateway, callbackURL: `${baseURL}/auth/alipay/callback`, scope: config.scope ?? 'auth_user' },
      ((_accessToken, _refreshToken, params, profile, done) => done(null, mainlandUser('alipay', params, profile))) satisfies VerifyWithParams<
        AlipayTokenParams,
        AlipayProfile
      >,
    ),
  );
  const { authorizationURL: _redirectOnly, ...inAppGateway } = gateway;
  auth.use(
    new AlipayInAppStrategy({ ...inAppGateway, aesKey }, ((_accessToken, _refreshToken, params, profile, done) =>
      done(null, mainlandUser('alipay-in-app', params, profile))) satisfies VerifyWithParams<AlipayTokenParams, AlipayInAppProfile>),
  );
  auth.use(
    new AlipayMacaoStrategy(macao, ((_accessToken, _refreshToken, params, profile, done) => done(null, macaoUser(params, profile))) satisfies VerifyWithParams<
      AlipayMacaoTokenParams,
      AlipayMacaoProfile
    >),
  );
  // The built-in test account exists only when nothing real is involved.
  if (fullySimulated) {
    auth.use(
      new LocalStrategy((username, password, done) =>
        username === DEMO_ACCOUNT.username && password === DEMO_ACCOUNT.password
          ? done(null, { provider: 'local', id: DEMO_ACCOUNT.id, displayName: DEMO_ACCOUNT.name, details: {}, flow: FLOWS.local })
          : done(null, false, { message: 'Unknown user or wrong password.' }),
      ),
    );
  }
  // Service-provider mode needs merchant apps, which only the simulator can make up.
  let serviceProvider: ServiceProvider | undefined;
  if (simulator && simulated.mainland) {
    serviceProvider = setUpServiceProvider(auth, simulator, baseURL, (params, profile) => mainlandUser('alipay-provider', params, profile));
  }
  auth.serializeUser((user, done) => done(null, user));
  auth.deserializeUser((user: SessionUser, done) => done(null, user));

  const sessions = config.redisURL ? await redisSessions(config.redisURL, log, unavailablePage) : undefined;
  const memory = sessions ? undefined : new SweepingMemoryStore();
  const https = baseURL.startsWith('https:');
  const secret = config.sessionSecret ?? randomBytes(32).toString('hex');
  // On https the cookies are __Host- cookies: a sibling (sub)domain cannot set or overwrite them.
  const cookiePrefix = https ? '__Host-' : '';
  const csrf = createCsrf(secret, `${cookiePrefix}demo.csrf`, https);
  const app = express();
  app.disable('x-powered-by');
  // Behind a TLS-terminating proxy, Express must trust it to see https and set the secure cookie.
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  app.use(securityHeaders(https));
  app.use(sameLoopbackHost(baseURL));
  app.use(deadline(config.requestDeadlineMs ?? REQUEST_DEADLINE_MS, log));
  if (sessions) app.use(sessions.guard);
  app.use(
    session({
      name: `${cookiePrefix}demo.sid`,
      store: sessions?.store ?? memory,
      secret,
      resave: false,
      // A session is created only when a login starts (or a user signs in): visits create none.
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: https, path: '/', maxAge: PRE_LOGIN_MS },
    }),
  );
  app.use(auth.session());

  // A user who revoked the app's authorization in Alipay is signed out of every session: each
  // request of a signed-in Alipay user checks the revocation list that Alipay's messages fill.
  const revocations = sessions?.revocations ?? memoryRevocations();
  app.use((req, res, next) => {
    const user = req.user as SessionUser | undefined;
    if (!user?.alipayIds?.length) return next();
    revocations.latest(user.alipayIds).then((revokedAt) => {
      if (revokedAt === undefined || revokedAt < (user.signedInAt ?? 0)) return next();
      log.warn(`[signed out] the user revoked the app's Alipay authorization`);
      req.logout((err) => (err ? next(err) : req.session.destroy(() => res.redirect('/?revoked=1'))));
    }, next);
  });
  // The application gateway (应用网关) Alipay sends its messages to; on the simulator it is configured below.
  app.post(
    '/alipay/gateway',
    alipayNotifications({
      appId: mainland.appId,
      alipayPublicKey: mainland.alipayPublicKey,
      on: {
        'alipay.open.auth.userauth.cancelled': (event) =>
          revocations.add([event.userId, event.openId].filter((id): id is string => Boolean(id)), event.cancelTime?.getTime() ?? Date.now()),
      },
      onError: (err) => log.warn(`[alipay gateway] a message could not be handled: ${(err as Error).message}`),
    }),
  );
  if (simulator && simulated.mainland) simulator.setNotifyURL(mainland.appId, `${baseURL}/alipay/gateway`);

  const limit = config.loginRateLimit ?? 60;
  const loginLimiter =
    limit > 0
      ? rateLimit({ windowMs: 60_000, limit, standardHeaders: 'draft-8', legacyHeaders: false, message: 'Too many sign-in attempts; wait a minute.' })
      : (_req: Request, _res: Response, next: NextFunction) => next();
  const json = express.json({ limit: '8kb' });
  const form = express.urlencoded({ extended: false, limit: '8kb' });

  app.get('/', loginLimiter, (req, res) => {
    if (req.user) return res.redirect('/profile');
    res.send(homePage({ csrfToken: csrf.token(req, res), simulator: simulator?.url, simulated, localAccount: fullySimulated, revoked: req.query.revoked === '1' }));
  });
  app.get('/profile', (req, res) => {
    if (!req.user) return res.redirect('/');
    res.set('cache-control', 'no-store');
    res.send(profilePage(req.user as SessionUser, csrf.token(req, res)));
  });
  app.post('/logout', form, csrf.require, (req, res, next) => {
    req.logout((err) => (err ? next(err) : res.redirect('/')));
  });

  if (fullySimulated) app.post('/login/local', loginLimiter, form, csrf.require, finishLogin(auth, 'local', log));

  app.get('/auth/alipay', loginLimiter, auth.authenticate('alipay'));
  app.get('/auth/alipay/callback', loginLimiter, finishLogin(auth, 'alipay', log));

  // Posted codes: JSON only (the strategies refuse anything else), plus the page's CSRF token.
  app.post('/auth/alipay/in-app', loginLimiter, json, csrf.require, finishLogin(auth, 'alipay-in-app', log));
  app.post('/auth/alipay-macao', loginLimiter, json, csrf.require, finishLogin(auth, 'alipay-macao', log));

  if (simulator && simulated.mainland) {
    const sim = simulator;
    app.get('/mini-program', loginLimiter, (req, res) => {
      res.send(miniProgramPage({ csrfToken: csrf.token(req, res), miniProgramURL: sim.miniProgramURL, appId: (mainland as MainlandConfig).appId, users: sim.users }));
    });
  }

  if (serviceProvider) {
    const { merchantApps, onboarded } = serviceProvider;
    app.get('/provider', loginLimiter, (_req, res) => {
      res.send(providerPage({ merchantApps, onboarded: new Set(onboarded.keys()) }));
    });
    app.get('/provider/merchant', loginLimiter, auth.authenticate('alipay-merchant', { session: false }));
    app.get('/provider/merchant/callback', loginLimiter, (req, res, next) => {
      auth.authenticate('alipay-merchant', { session: false }, (err: unknown, merchant: unknown, info: { message?: string } | undefined, status?: number) => {
        if (err) {
          const httpStatus = (err as { status?: unknown }).status;
          log.warn(`[onboarding failed] code=${err instanceof AlipayError ? err.code : 'unexpected'}`);
          return res
            .status(typeof httpStatus === 'number' && httpStatus >= 400 ? httpStatus : 502)
            .send(failurePage('Authorization failed', err instanceof AlipayError ? err.message : 'Unexpected error.', err instanceof AlipayError ? err.code : undefined));
        }
        if (!merchant) return res.status(status && status >= 400 ? status : 401).send(failurePage('Authorization not completed', info?.message ?? 'The merchant did not authorize the provider app.'));
        res.redirect('/provider');
      })(req, res, next);
    });
    app.get('/provider/auth', loginLimiter, auth.authenticate('alipay-provider'));
    app.get('/provider/auth/callback', loginLimiter, finishLogin(auth, 'alipay-provider', log));
  }

  const macaoReturn = `${baseURL}/auth/alipay-macao/return`;
  app.get('/auth/alipay-macao/start', loginLimiter, (req, res) => {
    let grantURL: string | undefined;
    if (simulator && simulated.macao) {
      // Each grant is bound to a one-time nonce kept in this browser's session.
      req.session.macaoNonce = randomBytes(16).toString('base64url');
      grantURL = simulator.macaoGrantURL((macao as MacaoConfig).clientId, `${macaoReturn}?nonce=${req.session.macaoNonce}`);
    }
    res.send(macaoStartPage({ csrfToken: csrf.token(req, res), grantURL }));
  });
  if (simulator && simulated.macao) {
    // Simulator mode only: inside the Alipay MO app the page receives the code from AlipayJSBridge.
    app.get('/auth/alipay-macao/return', loginLimiter, (req, res) => {
      const { authCode, authError, nonce } = req.query;
      const expected = req.session.macaoNonce;
      // A link from elsewhere (without this browser's nonce) consumes nothing: the pending grant stays.
      if (!expected || nonce !== expected) {
        log.warn('[login failed] strategy=alipay-macao status=403 code=GRANT_NOT_STARTED_HERE');
        return res.status(403).send(failurePage('Sign-in refused', 'This Alipay Macao grant was not started in this browser. Start again from the demo.'));
      }
      delete req.session.macaoNonce;
      if (typeof authCode !== 'string') {
        log.warn(`[login cancelled] strategy=alipay-macao${typeof authError === 'string' ? ` reason=${authError.slice(0, 40)}` : ''}`);
        return res.status(401).send(cancelledPage('Alipay MO'));
      }
      res.send(macaoReturnPage({ csrfToken: csrf.token(req, res), authCode }));
    });
  }

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: unknown }).status;
    const code = err instanceof AlipayError ? err.code : undefined;
    if (code) log.warn(`[request failed] code=${code}`);
    if (status === 503) return res.status(503).set('retry-after', '2').send(unavailablePage());
    res
      .status(typeof status === 'number' && status >= 400 ? status : 500)
      .send(failurePage('Something went wrong', err instanceof AlipayError ? err.message : 'Unexpected error.', code));
  });

  return {
    app,
    simulator,
    fullySimulated,
    sessionCount: () => memory?.size ?? 0,
    async close() {
      await sessions?.close();
      memory?.close();
      await simulator?.close();
    },
  };
}
