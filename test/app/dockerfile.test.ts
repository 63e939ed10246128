/**
 * No Docker engine here, so the image is checked statically: what it copies exists and is not
 * excluded from the build context, it runs as a non-root user with the database on the volume,
 * and it starts through `leadbot start` (which migrates).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './run-cli.ts';

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
});
