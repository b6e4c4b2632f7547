/**
 * Alipay's gateways expect China Standard Time (UTC+8, no daylight saving) whatever the time zone
 * of the process, so both formats are computed from UTC fields shifted by eight hours.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function shanghaiFields(date: Date): string[] {
  const d = new Date(date.getTime() + SHANGHAI_OFFSET_MS);
  return [
    String(d.getUTCFullYear()),
    pad(d.getUTCMonth() + 1),
    pad(d.getUTCDate()),
    pad(d.getUTCHours()),
    pad(d.getUTCMinutes()),
    pad(d.getUTCSeconds()),
  ];
}

/** The last second formatted: logins in the same second reuse its text. */
let lastSecond = NaN;
let lastTimestamp = '';

/** `yyyy-MM-dd HH:mm:ss` in Shanghai wall time: the mainland gateway's `timestamp`. */
export function formatShanghaiTimestamp(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastSecond) {
    const [y, mo, d, h, mi, s] = shanghaiFields(date);
    lastTimestamp = `${y}-${mo}-${d} ${h}:${mi}:${s}`;
    lastSecond = second;
  }
  return lastTimestamp;
}

/** ISO-8601 with the `+08:00` offset: the Macao envelope's `reqTime`. */
export function formatShanghaiIso(date: Date): string {
  const [y, mo, d, h, mi, s] = shanghaiFields(date);
  return `${y}-${mo}-${d}T${h}:${mi}:${s}+08:00`;
}

const SHANGHAI_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Epoch milliseconds of a `yyyy-MM-dd HH:mm:ss` Shanghai wall time, or undefined when it is not one. */
export function parseShanghaiTimestamp(text: string): number | undefined {
  const m = SHANGHAI_TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  // Date.UTC rolls 2024-02-31 over to March: refuse what is not a real date and time.
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return utc - SHANGHAI_OFFSET_MS;
}

/** A source of the current time; injectable so tests can fix the clock. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
