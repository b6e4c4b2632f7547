/**
 * A browser-less user agent for system tests: its own cookie jar, manual redirects, and the
 * mainland login dance against the demo and the simulator (login route, consent form, callback).
 */
import { expect } from 'chai';

export class BrowserlessClient {
  private readonly cookies = new Map<string, string>();
  /** Every unexpected status this client saw. */
  readonly failures: string[] = [];

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: this.cookieHeader() } });
    this.remember(res);
    return res;
  }

  expectStatus(res: Response, status: number, what: string): void {
    if (res.status !== status) this.failures.push(`${what}: HTTP ${res.status} (expected ${status})`);
  }

  /** Starts a login on `demoURL`, agrees as `userId` on the consent page, returns the callback URL. */
  async consent(demoURL: string, userId: string): Promise<string> {
    const start = await this.request(`${demoURL}/auth/alipay`);
    this.expectStatus(start, 302, 'login route');
    const authorize = new URL(start.headers.get('location') as string);
    const form = new URLSearchParams(authorize.searchParams);
    form.set('user', userId);
    form.set('decision', 'agree');
    const decided = await fetch(`${authorize.origin}/oauth2/consent`, { method: 'POST', body: form, redirect: 'manual' });
    this.expectStatus(decided, 302, 'consent');
    return decided.headers.get('location') as string;
  }

  /** Follows the callback and returns the status and the id the profile page shows. */
  async complete(callbackURL: string, demoURL: string): Promise<{ status: number; id?: string }> {
    const res = await this.request(callbackURL);
    await res.arrayBuffer();
    if (res.status !== 302) return { status: res.status };
    const profile = await this.request(`${demoURL}/profile`);
    const id = /id="profile-id">([^<]*)</.exec(await profile.text())?.[1];
    return { status: res.status, id };
  }

  async login(demoURL: string, userId: string): Promise<string> {
    const callbackURL = await this.consent(demoURL, userId);
    const done = await this.complete(callbackURL, demoURL);
    expect(done, `login as ${userId}`).to.deep.equal({ status: 302, id: userId });
    return callbackURL;
  }
}
