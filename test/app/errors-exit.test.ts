import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/app/config.ts';
import { EXIT_UNEXPECTED, EXIT_USAGE, reportFailure } from '../../src/app/errors-exit.ts';
import { ConflictError, LeadbotError } from '../../src/core/errors.ts';

function report(err: unknown) {
  let text = '';
  const logged: unknown[] = [];
  const code = reportFailure(err, { write: (t: string) => (text += t) }, (e) => logged.push(e));
  return { code, text, logged };
}

describe('reportFailure', () => {
  it('prints an operator mistake as one line with its fix, exit 2, nothing logged', () => {
    const { code, text, logged } = report(new ConfigError('PORT', 'is invalid', 'use 0-65535', 'x'));
    expect(code).toBe(EXIT_USAGE);
    expect(text).toBe('leadbot: PORT="x" is invalid — use 0-65535\n');
    expect(logged).toEqual([]);
  });

  it('keeps a multi-line message on one line and adds the generic fix when none is given', () => {
    const err = new LeadbotError('STORE_UNAVAILABLE', 'x', {
      userMessage: 'cannot open the database\n  (ECONNREFUSED)',
    });
    const { code, text } = report(err);
    expect(code).toBe(EXIT_USAGE);
    expect(text).toBe(
      'leadbot: cannot open the database (ECONNREFUSED) — check DATABASE_URL and that the database is reachable and writable\n',
    );
  });

  it('turns a "what; fix" message into "what — fix"', () => {
    const err = new LeadbotError('STORE_UNAVAILABLE', 'x', {
      userMessage:
        'cannot connect to PostgreSQL at db:5432: ECONNREFUSED; start PostgreSQL or fix DATABASE_URL',
    });
    expect(report(err).text).toBe(
      'leadbot: cannot connect to PostgreSQL at db:5432: ECONNREFUSED — start PostgreSQL or fix DATABASE_URL\n',
    );
  });

  it('leaves a list of problems alone and adds the generic fix', () => {
    const err = new LeadbotError('CONFIG_INVALID', 'x', {
      userMessage: 'Fix these environment variables: A_URL: expected a URL; A_ID: expected digits',
    });
    expect(report(err).text).toBe(
      'leadbot: Fix these environment variables: A_URL: expected a URL; A_ID: expected digits — check the variable against README.md#configuration\n',
    );
  });

  it('treats anything else as a bug: exit 1, stack printed and logged', () => {
    const bug = new TypeError('cannot read properties of undefined');
    const { code, text, logged } = report(bug);
    expect(code).toBe(EXIT_UNEXPECTED);
    expect(text).toContain('unexpected error');
    expect(text).toContain(bug.stack);
    expect(logged).toEqual([bug]);
    // A conflict escaping to the CLI is a bug too: the engine retries those.
    expect(report(new ConflictError('stale')).code).toBe(EXIT_UNEXPECTED);
  });
});
