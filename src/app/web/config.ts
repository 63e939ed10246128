/**
 * Dashboard settings: a config section beside the adapters' (`DASHBOARD_TOKEN`,
 * `DASHBOARD_SESSION_HOURS`), parsed with the rest of the configuration so a bad value fails
 * at start with one line.
 */
import type { ConfigSection } from '../config.ts';
import { ConfigError, maskValue } from '../config.ts';

export interface DashboardConfig {
  /** The shared secret, or null when unset (`leadbot start` then generates one and prints it). */
  token: string | null;
  /** How long a login lasts without being used (sliding: each request moves it on). */
  sessionHours: number;
}

export const DASHBOARD_VARIABLES = ['DASHBOARD_TOKEN', 'DASHBOARD_SESSION_HOURS'] as const;

export const DEFAULT_SESSION_HOURS = 12;

const TOKEN_FIX =
  'use a random string, e.g. from `openssl rand -base64 24`, or unset it to get a generated one';

/**
 * Why `token` is too easy to guess, or null when it is not. A token is a machine secret, so the
 * rules only catch what no random generator produces: fewer than 16 characters, fewer than 8
 * different ones (`aaaa…`, `abcabc…`), neighbours that mostly repeat or count (`0123456789abcdef`,
 * `aabbccdd…`), or under 40 bits by the per-character (Shannon) estimate of the text itself.
 * 16 random base64 characters (96 bits) pass every rule.
 */
export function tokenWeakness(token: string): string | null {
  const chars = [...token];
  if (chars.length < 16) return 'is shorter than 16 characters';
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  if (counts.size < 8) return `has only ${counts.size} different characters (at least 8 needed)`;
  let steps = 0;
  for (let i = 1; i < chars.length; i++) {
    const d = Math.abs(chars[i]!.codePointAt(0)! - chars[i - 1]!.codePointAt(0)!);
    if (d <= 1) steps += 1;
  }
  if (steps * 2 > chars.length - 1) return 'is mostly repeated or consecutive characters';
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / chars.length) * Math.log2(n / chars.length);
  const bits = Math.floor(perChar * chars.length);
  if (bits < 40) return `has too little entropy (about ${bits} bits, at least 40 needed)`;
  return null;
}

/** Reads the dashboard settings; never null (the dashboard always runs, with a generated token if need be). */
export function parseDashboardConfig(env: Record<string, string | undefined>): DashboardConfig {
  const hoursText = env.DASHBOARD_SESSION_HOURS?.trim() || String(DEFAULT_SESSION_HOURS);
  const sessionHours = Number(hoursText);
  if (!Number.isFinite(sessionHours) || sessionHours <= 0 || sessionHours > 24 * 30) {
    throw new ConfigError(
      'DASHBOARD_SESSION_HOURS',
      'is not a number of hours from 0 to 720',
      `use e.g. ${DEFAULT_SESSION_HOURS} (fractions such as 0.5 are allowed)`,
      hoursText,
    );
  }
  const token = env.DASHBOARD_TOKEN?.trim();
  if (!token) return { token: null, sessionHours };
  const weakness = tokenWeakness(token);
  if (weakness)
    throw new ConfigError('DASHBOARD_TOKEN', weakness, TOKEN_FIX, maskValue('DASHBOARD_TOKEN', token));
  return { token, sessionHours };
}

export const dashboardSection: ConfigSection<DashboardConfig> = {
  name: 'dashboard',
  variables: DASHBOARD_VARIABLES,
  parse: parseDashboardConfig,
};
