import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPersonalData } from '../../src/app/logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', pretty: false, destination });
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  it('writes one JSON object per line at the configured level', () => {
    const { logger, parsed } = capture();
    logger.trace('too verbose');
    logger.info({ leadId: 'l1' }, 'lead created');
    expect(parsed()).toEqual([expect.objectContaining({ level: 30, leadId: 'l1', msg: 'lead created' })]);
  });

  it('blanks known personal keys at any depth', () => {
    const { logger, lines, parsed } = capture();
    logger.info({ email: 'ann@corp.io', lead: { phone: '+1 415 555 2671', name: 'Ann' } }, 'saved');
    const [entry] = parsed();
    expect(entry).toMatchObject({ email: '[redacted]', lead: { phone: '[redacted]', name: 'Ann' } });
    expect(lines.join()).not.toMatch(/ann@corp|555/);
  });

  it('masks email- and phone-shaped text in messages, nested values, bindings and errors', () => {
    const { logger, lines } = capture();
    const child = logger.child({ from: 'bob.smith@example.com' });
    child.warn(
      { answer: { rawText: 'reach me at +33 6 12 34 56 78 or bob@x.org' } },
      'answer from jane@doe.dev',
    );
    child.error({ err: new Error('invalid address carol@y.net, call (555) 123-4567') }, 'failed');
    const out = lines.join('\n');
    for (const secret of [
      'bob.smith@',
      'bob@x.org',
      'jane@doe.dev',
      'carol@y.net',
      '12 34 56 78',
      '123-4567',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[email]');
    expect(out).toContain('[phone]');
    // Still valid JSON after masking.
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('keeps what makes a line useful: platform ids, dates, addresses, versions', () => {
    const kept = [
      'telegram user 123456789 in chat -1001234567890',
      'discord snowflake 1234567890123456789',
      'slack ts 1700000000.123456',
      'since 2026-11-28 on 192.168.100.200:3000 with prisma 7.10.1',
      'lead 01890a5d-1234-7567-8123-b302099a8057 scored 35 points',
    ];
    for (const text of kept) expect(maskPersonalData(text)).toBe(text);
  });

  it.each([
    ['jane.doe+leads@example.co.uk', '[email]'],
    ['+14155552671', '[phone]'],
    ['+44 20 7946 0958', '[phone]'],
    ['(555) 123-4567', '[phone]'],
    ['555-123-4567', '[phone]'],
    ['06 12 34 56 78', '[phone]'],
  ])('masks %s', (input, output) => {
    expect(maskPersonalData(`x ${input} y`)).toBe(`x ${output} y`);
  });
});
