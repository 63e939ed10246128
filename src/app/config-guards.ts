/**
 * What keeps configuration mistakes loud and secrets quiet: the one-line {@link ConfigError},
 * the refusal of unknown variables under a guarded prefix (with a "did you mean"), and the
 * masking of tokens and URL passwords before a value is shown.
 */
import { LeadbotError } from '../core/errors.ts';
import type { ConfigSection, Env } from './config.ts';
import { VARIABLES } from './config-variables.ts';

/**
 * Variables under this prefix are reserved for leadbot. Any other than those below is a typo or a
 * leftover from another version: refusing it beats silently ignoring it.
 */
export const RESERVED_PREFIX = 'LEADBOT_';
/** Read by `bin/leadbot.js` before any configuration (`1`: run the sources through tsx, not dist/). */
export const LAUNCHER_VARIABLES = ['LEADBOT_FROM_SOURCE'];

/** An invalid or missing setting. `userMessage` is one line: what is wrong — how to fix it. */
export class ConfigError extends LeadbotError {
  readonly variable: string;

  /** `value` is shown as given, so pass it through {@link maskValue} first. */
  constructor(variable: string, problem: string, fix: string, value?: string) {
    const head = value === undefined ? variable : `${variable}=${quote(value)}`;
    super('CONFIG_INVALID', `${head} ${problem}`, { userMessage: `${head} ${problem} — ${fix}` });
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** Refuses a variable under a guarded prefix that no section reads (a probable typo). */
export function guardUnknownVariables(env: Env, sections: readonly ConfigSection[]): void {
  const guards: { prefix: string; known: string[] }[] = [
    { prefix: RESERVED_PREFIX, known: [...LAUNCHER_VARIABLES] },
  ];
  for (const s of sections) {
    if (s.prefix && s.variables) guards.push({ prefix: s.prefix, known: [...s.variables] });
  }
  const everyKnown = [...Object.keys(VARIABLES), ...sections.flatMap((s) => s.variables ?? [])];
  for (const name of Object.keys(env).sort()) {
    const guard = guards.find((g) => name.startsWith(g.prefix));
    if (!guard || guard.known.includes(name) || env[name] === undefined) continue;
    const near = closest(name, guard.prefix === RESERVED_PREFIX ? everyKnown : guard.known);
    const hint = near ? `did you mean ${near}? ` : '';
    throw new ConfigError(
      name,
      'is not a leadbot setting',
      `${hint}remove it or fix its name (variables are listed in README.md#configuration)`,
    );
  }
}

/** Secrets never reach a terminal or a log: tokens are reduced to their first characters. */
export function maskValue(name: string, value: string): string {
  if (/TOKEN|SECRET|PASSWORD|KEY/i.test(name)) return value.length <= 4 ? '****' : `${value.slice(0, 4)}****`;
  return maskUrlPassword(value);
}

/** `postgresql://u:pw@h/db` → `postgresql://u:****@h/db`. */
export function maskUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/i, '$1:****@');
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

/** The known name a typo most likely meant (ignoring the prefix), if one is close enough. */
function closest(name: string, known: readonly string[]): string | undefined {
  const bare = name.replace(RESERVED_PREFIX, '');
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(bare, k);
    if (d <= Math.max(1, Math.floor(k.length / 4)) && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
