/**
 * A session store in memory that forgets expired sessions. express-session's own MemoryStore never
 * sweeps (a flood of short-lived sessions stays in memory for good); this one drops each session
 * when its cookie expires, checked on read and swept every minute. For one process only: several
 * servers need a shared store (REDIS_URL).
 */
import session from 'express-session';

const SWEEP_MS = 60_000;

interface Entry {
  data: session.SessionData;
  expires: number;
}

export class SweepingMemoryStore extends session.Store {
  private readonly sessions = new Map<string, Entry>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    super();
    this.timer = setInterval(() => this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  /** How many sessions are held (for tests and monitoring). */
  get size(): number {
    return this.sessions.size;
  }

  sweep(): void {
    const now = this.now();
    for (const [sid, entry] of this.sessions) if (entry.expires <= now) this.sessions.delete(sid);
  }

  private expiry(data: session.SessionData): number {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires).getTime() : this.now() + 24 * 3600_000;
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    const entry = this.sessions.get(sid);
    if (entry && entry.expires <= this.now()) this.sessions.delete(sid);
    const live = entry && entry.expires > this.now() ? entry : undefined;
    // A copy: the caller's changes reach the store only through set().
    callback(null, live ? (JSON.parse(JSON.stringify(live.data)) as session.SessionData) : null);
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    this.sessions.set(sid, { data: JSON.parse(JSON.stringify(data)) as session.SessionData, expires: this.expiry(data) });
    callback?.();
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.sessions.delete(sid);
    callback?.();
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    const entry = this.sessions.get(sid);
    if (entry) entry.expires = this.expiry(data);
    callback?.();
  }

  close(): void {
    clearInterval(this.timer);
  }
}
