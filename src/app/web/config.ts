/**
 * Dashboard settings: a config section beside the adapters' (it reads `DASHBOARD_TOKEN`),
 * parsed with the rest of the configuration so a bad value fails at start with one line.
 */
import type { ConfigSection } from '../config.ts';
import { ConfigError } from '../config.ts';

export interface DashboardConfig {
  /** The shared secret, or null when unset (`leadbot start` then generates one and prints it). */
  token: string | null;
}

export const DASHBOARD_VARIABLES = ['DASHBOARD_TOKEN'] as const;

/** Reads `DASHBOARD_TOKEN`; never null (the dashboard always runs, with a generated token if need be). */
export function parseDashboardConfig(env: Record<string, string | undefined>): DashboardConfig {
  const token = env.DASHBOARD_TOKEN?.trim();
  if (!token) return { token: null };
  if (token.length < 16) {
    throw new ConfigError(
      'DASHBOARD_TOKEN',
      'is shorter than 16 characters',
      'use a random string of at least 16 characters, e.g. from `openssl rand -base64 24`, or unset it to get a generated one',
      '****',
    );
  }
  return { token };
}

export const dashboardSection: ConfigSection<DashboardConfig> = {
  name: 'dashboard',
  variables: DASHBOARD_VARIABLES,
  parse: parseDashboardConfig,
};
