/**
 * The consent gate and contact policy: whether the bot may approach a person now, and the
 * bookkeeping when it does. Nothing here sends anything; adapters ask first, then post.
 * Order of checks: opt-out (`stop`), quiet hours, contact limit, then — for unsolicited
 * offers only — the per-person and per-channel cooldowns.
 */
import type { Platform } from '../events.ts';
import type { Clock, IdentityKey, LeadStore, OutreachStore } from '../ports/index.ts';
import { findPerson, type Person } from './persons.ts';
import type { OutreachSettings } from './settings.ts';

/** `offer`: an intent signal answered in public; `invite`: a manager's `qualify`; `dm`: a DM the bot starts. */
export type ApproachKind = 'offer' | 'invite' | 'dm';

export type Refusal = 'opted_out' | 'quiet_hours' | 'limit' | 'cooldown' | 'no_consent';

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
 * quiet hours, contact limit. Null when the message may go out. Shared by the gate (offers,
 * invitations, DMs) and the follow-up policy (reminders, nurture, re-engagement).
 */
export async function contactRefusal(input: {
  person: Person;
  needsConsent: boolean;
  now: Date;
  settings: OutreachSettings;
  outreach: OutreachStore;
}): Promise<'opted_out' | 'no_consent' | 'quiet_hours' | 'limit' | null> {
  const { person, now, settings, outreach } = input;
  if (await outreach.isOptedOut(person.keys)) return 'opted_out';
  if (input.needsConsent && !person.lead?.consent) return 'no_consent';
  if (inQuietHours(now, settings)) return 'quiet_hours';
  const since = new Date(now.getTime() - settings.contactLimit.periodMs);
  if ((await outreach.countContacts(person.keys, since)) >= settings.contactLimit.max) return 'limit';
  return null;
}

export interface OutreachGate {
  readonly settings: OutreachSettings;
  /** May the bot approach the account behind `key` now with a message of `kind` in `channelId`? */
  check(key: IdentityKey, kind: ApproachKind, channelId: string): Promise<Decision>;
  /** Records that the bot did approach the person. */
  record(person: Person, kind: ApproachKind, platform: Platform, channelId: string): Promise<void>;
  /** The person said `stop`: no bot-initiated message until they start again themselves. */
  optOut(key: IdentityKey): Promise<void>;
  /** The person came back on their own (start): lift the opt-out. */
  optIn(key: IdentityKey): Promise<void>;
  /**
   * The person accepted the consent prompt: mark the lead's consent (the lead must exist).
   * `invitedBy` (`<platform>:<userId>` of the manager whose `qualify` posted the prompt) is
   * recorded on the lead unless an earlier invitation already claimed it (first touch wins).
   */
  consent(key: IdentityKey, invitedBy?: string): Promise<void>;
}

export function createOutreachGate(deps: {
  store: LeadStore;
  outreach: OutreachStore;
  clock: Clock;
  settings: OutreachSettings;
}): OutreachGate {
  const { store, outreach, clock, settings } = deps;
  return {
    settings,
    async check(key, kind, channelId) {
      const now = clock.now();
      const person = await findPerson(store, key);
      const refusal = await contactRefusal({ person, needsConsent: kind === 'dm', now, settings, outreach });
      if (refusal) return { ok: false, reason: refusal, person };
      if (kind === 'offer') {
        const last = await outreach.lastContactOf(person.keys, 'offer');
        if (last && now.getTime() - last.getTime() < settings.personCooldownMs)
          return { ok: false, reason: 'cooldown', person };
        const lastHere = await outreach.lastContactInChannel(channelId, 'offer');
        if (lastHere && now.getTime() - lastHere.getTime() < settings.channelCooldownMs)
          return { ok: false, reason: 'cooldown', person };
      }
      return { ok: true, person };
    },
    async record(person, kind, platform, channelId) {
      await outreach.recordContact({ persons: person.keys, kind, platform, channelId, at: clock.now() });
    },
    async optOut(key) {
      const person = await findPerson(store, key);
      await outreach.setOptOut(person.lead ? `lead:${person.lead.id}` : person.keys[0]!, clock.now());
    },
    async optIn(key) {
      await outreach.clearOptOut((await findPerson(store, key)).keys);
    },
    async consent(key, invitedBy) {
      const now = clock.now();
      await store.transaction(async (tx) => {
        const identity = await tx.findIdentity(key);
        if (!identity) return;
        const lead = invitedBy ? await tx.getLead(identity.leadId) : null;
        await tx.updateLead(identity.leadId, {
          consent: true,
          consentAt: now,
          ...(invitedBy && lead && !lead.invitedBy ? { invitedBy } : {}),
        });
      });
    },
  };
}
