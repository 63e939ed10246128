/**
 * Every interface the core needs from the outside world, named once, one file per port family.
 * The storage ports (LeadStore and the stores it offers) have an in-memory implementation
 * beside the Prisma one (src/core/memory/), used by fast unit tests; both must pass the same
 * contract suite (test/store/lead-store.contract.ts). The other ports (chat adapters, alert
 * sinks, lead events, clock, logger) are implemented by adapters, the app and the core's modules.
 */
export * from './alert-reminders.ts';
export * from './alerts.ts';
export * from './answer-interpreter.ts';
export * from './chat.ts';
export * from './conversations.ts';
export * from './counters.ts';
export * from './email.ts';
export * from './handoff.ts';
export * from './inbox.ts';
export * from './json.ts';
export * from './lead-events.ts';
export * from './lead-store.ts';
export * from './leads.ts';
export * from './outbox.ts';
export * from './outreach.ts';
export * from './runtime.ts';
export * from './schedules.ts';
export * from './sessions.ts';
export * from './verdicts.ts';
