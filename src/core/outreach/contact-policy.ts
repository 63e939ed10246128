/**
 * The contact policy: whether the bot may approach a person now, and the record of it when it
 * does. Nothing here sends anything: adapters post what a use case decided. Order of checks:
 * for an unsolicited offer, not a lead already; then opt-out (`stop`), consent (for a DM the
 * bot starts), quiet hours, contact limit; then, for offers, the per-person and per-channel
 * cooldowns. {@link ContactPolicy.approach} decides and records in one turn, so two instances
 * asking at once about the same person or channel cannot both be told yes.
 */
import { randomUUID } from 'node:crypto';
import type { Platform } from '../events.ts';
import type { Clock, ContactLog, IdentityKey, LeadStore, OutreachStore } from '../ports/index.ts';
import { findPerson, type Person } from './persons.ts';
import type { OutreachSettings } from './settings.ts';

/** `offer`: an intent signal answered in public; `invite`: a manager's `qualify`; `dm`: a DM the bot starts. */
export type ApproachKind = 'offer' | 'invite' | 'dm';

/**
 * Why not: `already_lead` (offers leave leads alone: they know where the bot is), `recorded`
 * (this very approach was made already: the same signal seen twice).
 */
export type Refusal =
  | 'opted_out'
  | 'quiet_hours'
  | 'limit'
  | 'cooldown'
  | 'no_consent'
  | 'already_lead'
  | 'recorded';

export type Decision = { ok: true; person: Person } | { ok: false; reason: Refusal; person: Person };

/** Minutes since local midnight in `timeZone`. */
export function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** True when `at` falls in the quiet hours (a range may wrap past midnight, 22:00-08:00). */
export function inQuietHours(at: Date, settings: Pick<OutreachSettings, 'quietHours' | 'timeZone'>): boolean {
  const q = settings.quietHours;
  if (!q || q.start === q.end) return false;
  const m = localMinutes(at, settings.timeZone);
  return q.start < q.end ? m >= q.start && m < q.end : m >= q.start || m < q.end;
}

/**
 * The rules every bot-initiated message obeys, in order: opt-out, consent (where needed),
 * quiet hours, contact limit. Null when the message may go out. Shared by the contact policy
 * (offers, invitations, DMs) and the follow-up policy (reminders, nurture, re-engagement).
 */
export async function contactRefusal(input: {
  person: Person;
  needsConsent: boolean;
  now: Date;
  settings: OutreachSettings;
  outreach: ContactLog;
}): Promise<'opted_out' | 'no_consent' | 'quiet_hours' | 'limit' | null> {
  const { person, now, settings, outreach } = input;
  if (await outreach.isOptedOut(person.keys)) return 'opted_out';
  if (input.needsConsent && !person.lead?.consent) return 'no_consent';
  if (inQuietHours(now, settings)) return 'quiet_hours';
  const since = new Date(now.getTime() - settings.contactLimit.periodMs);
  if ((await outreach.countContacts(person.keys, since)) >= settings.contactLimit.max) return 'limit';
  return null;
}

/** The refusal for approaching `person` with `kind` in `channelId` at `now`, read from `log`. */
async function refusalOf(
  person: Person,
  kind: ApproachKind,
  channelId: string,
  now: Date,
  settings: OutreachSettings,
  log: ContactLog,
): Promise<Refusal | null> {
  if (kind === 'offer' && person.lead) return 'already_lead';
  const refusal = await contactRefusal({ person, needsConsent: kind === 'dm', now, settings, outreach: log });
  if (refusal || kind !== 'offer') return refusal;
  const last = await log.lastContactOf(person.keys, 'offer');
  if (last && now.getTime() - last.getTime() < settings.personCooldownMs) return 'cooldown';
  const lastHere = await log.lastContactInChannel(channelId, 'offer');
  if (lastHere && now.getTime() - lastHere.getTime() < settings.channelCooldownMs) return 'cooldown';
  return null;
}

export interface ContactPolicy {
  readonly settings: OutreachSettings;
  /**
   * Would the bot be allowed to approach the account behind `key` now with a message of `kind`
   * in `channelId`? Reads only: to act on the answer, ask {@link ContactPolicy.approach}.
   */
  check(key: IdentityKey, kind: ApproachKind, channelId: string): Promise<Decision>;
  /**
   * Decides and, when the answer is yes, records the approach — one turn of the contact log
   * (OutreachStore.recordContactUnless), so of two instances asking at once about the same
   * person or channel only one is told yes. The caller then posts. `approachId` names the
   * approach (`offer:<platform>:<event id>`): asked again under that name, the answer is no
   * (`recorded`).
   */
  approach(
    key: IdentityKey,
    kind: ApproachKind,
    platform: Platform,
    channelId: string,
    opts?: { approachId?: string },
  ): Promise<Decision>;
  /** The person said `stop`: no bot-initiated message until they start again themselves. */
  optOut(key: IdentityKey): Promise<void>;
  /** The person came back on their own (start), or accepted an invitation: lift the opt-out. */
  optIn(key: IdentityKey): Promise<void>;
}

export function createContactPolicy(deps: {
  store: LeadStore;
  outreach: OutreachStore;
  clock: Clock;
  settings: OutreachSettings;
}): ContactPolicy {
  const { store, outreach, clock, settings } = deps;
  return {
    settings,
    async check(key, kind, channelId) {
      const person = await findPerson(store, key);
      const refusal = await refusalOf(person, kind, channelId, clock.now(), settings, outreach);
      return refusal ? { ok: false, reason: refusal, person } : { ok: true, person };
    },
    async approach(key, kind, platform, channelId, opts = {}) {
      // The person's keys are read first: the turn covers the contact log, not the lead store.
      const person = await findPerson(store, key);
      const at = clock.now();
      const contact = {
        id: opts.approachId ?? `${kind}:${randomUUID()}`,
        persons: person.keys,
        kind,
        platform,
        channelId,
        at,
      };
      const refusal = await outreach.recordContactUnless(contact, (log) =>
        refusalOf(person, kind, channelId, at, settings, log),
      );
      return refusal ? { ok: false, reason: refusal, person } : { ok: true, person };
    },
    async optOut(key) {
      const person = await findPerson(store, key);
      await outreach.setOptOut(person.lead ? `lead:${person.lead.id}` : person.keys[0]!, clock.now());
    },
    async optIn(key) {
      await outreach.clearOptOut((await findPerson(store, key)).keys);
    },
  };
}
