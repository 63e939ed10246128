/**
 * Email follow-ups for `leadbot start` (#21): the config section (`SMTP_URL`, `EMAIL_*`), the
 * SMTP sender handed to the schedule runner, and the unsubscribe link on the HTTP server.
 * Without `SMTP_URL` email follow-ups are skipped (`no_smtp`, "not sent: no SMTP" on the lead
 * card) and the start logs one warning when a flow plans any.
 */
import type { EmailConfig } from '../../adapters/email/config.ts';
import { EMAIL_VARIABLES, parseEmailConfig } from '../../adapters/email/config.ts';
import { mountUnsubscribeRoute, unsubscribeUrl } from '../../adapters/email/http-route.ts';
import type { ClientLimits, HttpRoutes } from '../../adapters/shared/types.ts';
import type { FlowCatalog } from '../core/flow/catalog.ts';
import type { EmailRoute } from '../core/nurture/email-step.ts';
import { unsubscribeToken } from '../core/nurture/unsubscribe.ts';
import type { Clock, LeadStore, Logger } from '../core/ports/index.ts';
import type { AppConfig, ConfigSection } from './config.ts';

/** The app section (`APP_SECTIONS` in src/app/adapters.ts); null when SMTP_URL is unset. */
export const emailSection: ConfigSection<EmailConfig> = {
  name: 'email',
  prefix: 'EMAIL_',
  variables: EMAIL_VARIABLES,
  parse: parseEmailConfig,
};

/** Whether any flow sends a follow-up by email (or chat-then-email). */
export function flowsUseEmail(flows: FlowCatalog): boolean {
  return flows.list().some((f) => {
    const fu = f.definition.followUps;
    return [fu?.nurture?.channel, fu?.reengage?.channel].some(
      (c) => c === 'email' || c === 'chat-then-email',
    );
  });
}

export interface EmailWiring {
  route: EmailRoute;
  close(): void;
}

/** Creates the sender and mounts the unsubscribe route; or, without SMTP, the route that skips. */
export async function createEmailWiring(deps: {
  config: Pick<AppConfig, 'adapters'>;
  store: LeadStore;
  flows: FlowCatalog;
  clock: Clock;
  logger: Logger;
  http: HttpRoutes;
  limits: ClientLimits;
}): Promise<EmailWiring> {
  const { store, clock, logger } = deps;
  const config = (deps.config.adapters.email ?? null) as EmailConfig | null;
  if (!config) {
    if (flowsUseEmail(deps.flows))
      logger.warn(
        { smtp: 'off' },
        'email follow-ups are off: SMTP_URL is not set; they are skipped and shown as "not sent: no SMTP"',
      );
    return { route: { sender: null, unsubscribeUrl: () => '' }, close() {} };
  }
  const { createEmailAdapter } = await import('../../adapters/email/index.ts');
  const sender = await createEmailAdapter(config);
  mountUnsubscribeRoute(deps.http, {
    repo: store,
    outreach: store.outreach,
    schedules: store.schedules,
    clock,
    logger,
    secret: config.unsubscribeSecret,
    limits: deps.limits,
  });
  return {
    route: {
      sender,
      unsubscribeUrl: (leadId) =>
        unsubscribeUrl(config.publicUrl, unsubscribeToken(config.unsubscribeSecret, leadId)),
    },
    close: () => sender.close(),
  };
}
