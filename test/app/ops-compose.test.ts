/** docker-compose.example.yml stays runnable: valid YAML, PostgreSQL wired in, only real variables. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ADAPTERS, APP_SECTIONS } from '../../src/app/adapters.ts';
import { VARIABLES } from '../../src/app/config.ts';
import { ROOT } from './run-cli.ts';

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.example.yml'), 'utf8')) as {
  services: Record<string, Service>;
};

describe('docker-compose.example.yml', () => {
  it('runs leadbot from this Dockerfile against the PostgreSQL service once it is healthy', () => {
    const { leadbot, db } = compose.services;
    expect(leadbot?.build).toBe('.');
    expect(db?.image).toMatch(/^postgres:15/);
    expect(leadbot?.depends_on?.db?.condition).toBe('service_healthy');
    const url = new URL(String(leadbot?.environment?.DATABASE_URL));
    expect(url.protocol).toBe('postgresql:');
    expect(url.hostname).toBe('db');
    expect(url.username).toBe(db?.environment?.POSTGRES_USER);
    expect(url.password).toBe(db?.environment?.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${db?.environment?.POSTGRES_DB}`);
    expect(leadbot?.ports).toContain('3000:3000');
  });

  it('sets only variables leadbot reads, and a dashboard token long enough to be accepted', () => {
    const known = new Set([
      ...Object.keys(VARIABLES),
      ...ADAPTERS.flatMap((a) => a.section.variables ?? []),
      ...APP_SECTIONS.flatMap((s) => s.variables ?? []),
    ]);
    const env = compose.services.leadbot?.environment ?? {};
    for (const name of Object.keys(env)) expect(known.has(name), name).toBe(true);
    expect(String(env.DASHBOARD_TOKEN).length).toBeGreaterThanOrEqual(16);
  });
});
