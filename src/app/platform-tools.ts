/**
 * What a platform offers besides its adapter, for the commands that help an operator connect
 * it: the limits a flow's text can exceed (`flows validate`, `start`), `leadbot setup <platform>`
 * (what to configure on the platform's side) and `leadbot doctor` (a running configuration
 * checked against the live API). Each adapter fills these in its registry entry (adapters.ts).
 */
import type { SendLimits } from '../core/flow/sendable.ts';
import { checkSendable } from '../core/flow/sendable.ts';
import type { Flow } from '../core/flow/validate.ts';
import type { Logger } from '../core/ports/index.ts';
import type { Env } from './config.ts';

/** Options of `leadbot setup <platform>`; each platform reads the ones it needs. */
export interface SetupOptions {
  /** The public https base URL leadbot is reached at (`https://bot.example.com`), when it has one. */
  url?: string;
  /** Slack: Socket Mode instead of request URLs. */
  socket?: boolean;
  /** Apply what can be applied through the API (Telegram's command list), not only print it. */
  apply?: boolean;
  /** Output format where the platform reads a file (Slack's manifest). */
  format?: 'json' | 'yaml';
  /** The environment (tokens, ids) as `leadbot start` would read it; setup never requires all of it. */
  env: Env;
  logger: Logger;
}

/** One line of `leadbot doctor`'s table. */
export interface DoctorCheck {
  /** What was checked (`Slack token`, `bot in #sales`). */
  check: string;
  ok: boolean;
  /** What was found (a team name, a scope list, an error). */
  detail: string;
  /** What to do when not ok. */
  fix?: string;
}

export interface DoctorDeps {
  logger: Logger;
  /** Aborted when the doctor's deadline passes. */
  signal: AbortSignal;
}

/** The platform tools of one registry entry (all optional: a platform may offer none). */
export interface PlatformTools<C> {
  /** Limits of the platform a flow's authored text can exceed. */
  readonly sendLimits?: SendLimits;
  /** `leadbot setup <name>`: the text to print (a manifest, an invite URL, steps). */
  setup?(opts: SetupOptions): Promise<string>;
  /** `leadbot doctor`: checks of this platform's configuration against its live API. */
  doctor?(config: C, deps: DoctorDeps): Promise<DoctorCheck[]>;
}

/** `path: message` lines of every flow's problems on every platform given (flows validate, start). */
export function sendProblems(flow: Flow, platforms: readonly { sendLimits?: SendLimits }[]): string[] {
  return platforms.flatMap((p) =>
    p.sendLimits ? checkSendable(flow.definition, p.sendLimits).map((x) => `${x.path}: ${x.message}`) : [],
  );
}
