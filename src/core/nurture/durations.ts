/** Durations of follow-ups as written in flow files: `30m`, `12h`, `3d`. */
import { LeadbotError } from '../errors.ts';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds of a duration such as `30m`, `12h` or `3d`.
 * @throws LeadbotError FLOW_INVALID for any other text (the flow schema refuses those first).
 */
export function parseDuration(text: string): number {
  const m = /^(\d+)([mhd])$/.exec(text.trim());
  if (!m) throw new LeadbotError('FLOW_INVALID', `"${text}" is not a duration such as 30m, 12h or 3d`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}
