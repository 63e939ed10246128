/**
 * The shapes of what a platform offers besides its adapter, for the commands that help an
 * operator connect it (`flows validate --platform`, `leadbot setup <platform>`, `leadbot doctor`).
 * They live here, beside the adapters, so each adapter's `tools.ts` uses them as they are (an
 * adapter imports no `src/app`); `src/app/platform-tools.ts` re-exports them to the app.
 */
import type { SendLimits } from '../../src/core/flow/sendable.ts';
import type { Logger } from '../../src/core/ports/index.ts';

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
  env: Record<string, string | undefined>;
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
