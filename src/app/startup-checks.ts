/**
 * Startup problems that are the operator's to fix, as one-line ConfigErrors naming the
 * variable: a flows folder that is not one, a default flow it lacks, a port taken or an
 * address that is not this machine's.
 */
import { statSync } from 'node:fs';
import type { FlowCatalog } from '../core/flow/catalog.ts';
import type { SendLimits } from '../core/flow/sendable.ts';
import { FlowInvalidError } from '../core/flow/validate.ts';
import { type AppConfig, ConfigError } from './config.ts';
import { loadFlowCatalog } from './flow-files.ts';
import { sendProblems } from './platform-tools.ts';

/**
 * The flows of `FLOWS_DIR`, which must hold `DEFAULT_FLOW`; a flow with `bookingUrl` needs PUBLIC_URL.
 * @throws ConfigError naming FLOWS_DIR, DEFAULT_FLOW or PUBLIC_URL.
 */
export async function loadStartFlows(
  config: Pick<AppConfig, 'flowsDir' | 'defaultFlow'> & Partial<Pick<AppConfig, 'publicUrl' | 'adapters'>>,
  platforms: readonly { sendLimits?: SendLimits }[] = [],
): Promise<FlowCatalog> {
  if (!statSync(config.flowsDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ConfigError(
      'FLOWS_DIR',
      `is not a folder (working directory ${process.cwd()})`,
      'point it at the folder holding the flow files, e.g. the flows/ folder of leadbot',
      config.flowsDir,
    );
  }
  const flows = await loadFlowCatalog(config.flowsDir);
  if (!flows.get(config.defaultFlow)) {
    throw new ConfigError(
      'DEFAULT_FLOW',
      `names no flow in ${config.flowsDir}`,
      'set it to the id of one of the flow files there',
      config.defaultFlow,
    );
  }
  // What a flow would send that an enabled platform refuses stops the start, with its path.
  for (const flow of flows.list()) {
    const problems = sendProblems(flow, platforms);
    if (problems.length > 0) throw new FlowInvalidError(`${config.flowsDir}/${flow.id}`, problems);
  }
  bookingPublicUrl({ publicUrl: config.publicUrl ?? '', adapters: config.adapters ?? {} }, flows);
  return flows;
}

/**
 * The base of booking links: `PUBLIC_URL`, else `EMAIL_PUBLIC_URL` (the one address leadbot had
 * before, for unsubscribe links); undefined when neither is set.
 * @throws ConfigError naming PUBLIC_URL when a flow has `bookingUrl` and there is no address.
 */
export function bookingPublicUrl(
  config: Pick<AppConfig, 'publicUrl' | 'adapters'>,
  flows: FlowCatalog,
): string | undefined {
  const email = (config.adapters.email as { publicUrl?: string } | null | undefined)?.publicUrl;
  const url = config.publicUrl || email || undefined;
  const booking = flows.list().find((f) => f.definition.bookingUrl);
  if (booking && !url) {
    throw new ConfigError(
      'PUBLIC_URL',
      `is not set, but flow "${booking.id}" has bookingUrl (its link is <PUBLIC_URL>/r/<id>)`,
      'set PUBLIC_URL to the https address leadbot is reachable at, e.g. https://leadbot.acme.example',
      '',
    );
  }
  return url;
}

/** A port taken or an address not ours is the operator's to fix: say which variable. */
export function listenError(err: unknown, config: AppConfig): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') {
    return new ConfigError(
      'PORT',
      `is already in use on ${where}`,
      'stop the other process or set another PORT',
      String(config.port),
    );
  }
  if (code === 'EACCES') {
    return new ConfigError(
      'PORT',
      `needs privileges to listen on ${where}`,
      'use a port above 1023',
      String(config.port),
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ConfigError(
      'HOST',
      `is not an address of this machine (${code})`,
      'use 127.0.0.1, 0.0.0.0 or a local interface address',
      config.host,
    );
  }
  return err;
}
