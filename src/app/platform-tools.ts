/**
 * What a platform offers besides its adapter, for the commands that help an operator connect
 * it: the limits a flow's text can exceed (`flows validate`, `start`), `leadbot setup <platform>`
 * (what to configure on the platform's side) and `leadbot doctor` (a running configuration
 * checked against the live API). Each adapter fills these in its registry entry (adapters.ts);
 * the shapes live beside the adapters (adapters/shared/platform-tools.ts), which import no app.
 */
import type { SendLimits } from '../core/flow/sendable.ts';
import { checkSendable } from '../core/flow/sendable.ts';
import type { Flow } from '../core/flow/validate.ts';

export type {
  DoctorCheck,
  DoctorDeps,
  PlatformTools,
  SetupOptions,
} from '../../adapters/shared/platform-tools.ts';

/** `path: message` lines of every flow's problems on every platform given (flows validate, start). */
export function sendProblems(flow: Flow, platforms: readonly { sendLimits?: SendLimits }[]): string[] {
  return platforms.flatMap((p) =>
    p.sendLimits ? checkSendable(flow.definition, p.sendLimits).map((x) => `${x.path}: ${x.message}`) : [],
  );
}
