/**
 * Durations as people write them in flow files and settings: a whole number and a unit —
 * `30s`, `15m`, `12h`, `7d`. The one parser of the project (follow-ups in flows, outreach
 * cooldowns and contact limits, rate limits); each caller says which units it takes.
 */
import { z } from 'zod';
import { LeadbotError } from './errors.ts';

export type DurationUnit = 's' | 'm' | 'h' | 'd';

const UNIT_MS: Record<DurationUnit, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The units of flow follow-ups and outreach settings. */
export const DAY_UNITS: readonly DurationUnit[] = ['m', 'h', 'd'];

/** `30m, 12h or 7d`: the units as examples, for messages. */
export function durationExamples(units: readonly DurationUnit[]): string {
  const examples: Record<DurationUnit, string> = { s: '30s', m: '30m', h: '12h', d: '7d' };
  const list = units.map((u) => examples[u]);
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : (list[0] ?? '');
}

/** Milliseconds of `text` (`30m`, `12h`, …) in one of `units`; null for any other text. */
export function durationMs(text: string, units: readonly DurationUnit[] = DAY_UNITS): number | null {
  const m = /^(\d{1,9})([smhd])$/.exec(text.trim());
  const unit = m?.[2] as DurationUnit | undefined;
  if (!m || !unit || !units.includes(unit)) return null;
  return Number(m[1]) * UNIT_MS[unit];
}

/**
 * Milliseconds of a duration the caller has validated already (a flow's follow-up, checked by
 * the flow schema with {@link durationText}).
 * @throws LeadbotError BAD_INPUT for any other text.
 */
export function parseDuration(text: string, units: readonly DurationUnit[] = DAY_UNITS): number {
  const ms = durationMs(text, units);
  if (ms === null)
    throw new LeadbotError('BAD_INPUT', `"${text}" is not a duration such as ${durationExamples(units)}`);
  return ms;
}

/** A zod schema of duration text in `units`, kept as written (stored flows re-parse it). */
export const durationText = (units: readonly DurationUnit[] = DAY_UNITS) =>
  z
    .string()
    .refine((s) => durationMs(s, units) !== null, `expected a duration such as ${durationExamples(units)}`);

/** A zod schema of duration text in `units`, parsed to milliseconds. */
export const durationSchema = (units: readonly DurationUnit[] = DAY_UNITS) =>
  durationText(units).transform((s) => durationMs(s, units)!);
