/**
 * No Docker engine here, so the image is checked statically: what it copies exists and is not
 * excluded from the build context, it runs as a non-root user with the database on the volume,
 * and it starts through `leadbot start` (which migrates). It is built on Node 24 and compiles
 * dist/ (npm ci's postinstall runs scripts/build.mjs) from everything the build reads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './run-cli.ts';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const instructions = dockerfile
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

describe('Dockerfile', () => {
  it('copies from the context only paths that exist and are not docker-ignored', () => {
    const sources = instructions
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) =>
        l
          .split(/\s+/)
          .slice(1, -1)
          .filter((a) => !a.startsWith('--')),
      );
    expect(sources.length).toBeGreaterThan(3);
    for (const src of sources) {
      expect(existsSync(join(ROOT, src)), src).toBe(true);
      const top = src.replace(/\/$/, '');
      expect(ignored, src).not.toContain(top);
    }
  });

  it('runs as a non-root user, keeps the database on the /data volume, starts with leadbot start', () => {
    const stages = dockerfile.split(/^FROM /m);
    const runtime = stages.at(-1)!;
    expect(stages.length).toBeGreaterThan(2);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/DATABASE_URL=file:\/data\//);
    expect(runtime).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runtime).toMatch(/HOST=0\.0\.0\.0/);
    expect(runtime).toContain('ENTRYPOINT ["node", "bin/leadbot.js"]');
    expect(runtime).toContain('CMD ["start"]');
  });

  it('ships Node 24 (the active LTS) in every stage, while package.json still allows >= 20.19', () => {
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=24$/m);
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThan(1);
    for (const from of froms) expect(from).toMatch(/^FROM node:\$\{NODE_VERSION\}-/);
    expect(pkg.engines.node).toBe('>=20.19');
  });

  it('compiles dist/ in the build stage and runs it: npm ci runs the build after generating the clients', () => {
    expect(pkg.scripts.postinstall).toBe('node scripts/generate-clients.mjs && node scripts/build.mjs');
    expect(pkg.dependencies.esbuild).toBeDefined();
    const stages = dockerfile.split(/^FROM /m);
    const build = stages.find((s) => / AS build\n/.test(s))!;
    const install = build.indexOf('RUN npm ci');
    expect(install).toBeGreaterThan(0);
    expect(build).not.toContain('--ignore-scripts');
    const copiedBefore = build
      .slice(0, install)
      .split('\n')
      .filter((l) => l.startsWith('COPY '))
      .flatMap((l) => l.split(/\s+/).slice(1, -1))
      .map((a) => a.replace(/\/$/, ''));
    // What scripts/build.mjs and scripts/generate-clients.mjs read.
    for (const input of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'scripts',
      'prisma',
      'src',
      'adapters',
    ])
      expect(copiedBefore, input).toContain(input);
    expect(build).toContain('test -f dist/manifest.json');
    const runtime = stages.at(-1)!;
    expect(runtime).toMatch(/^COPY --from=build [^\n]*\/app\/ \.\/$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production/m);
  });
});
