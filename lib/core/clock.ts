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

/** A source of the current time; injectable so tests can fix the clock. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
