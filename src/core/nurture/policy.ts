/**
 * May a scheduled message go out now? Reuses the outreach rules of issue 7
 * (src/core/outreach/: opt-outs, quiet hours, contact limits, shared across linked accounts).
 * Reminders continue a conversation the person started, so they need no consent; nurture and
 * re-engagement are bot-initiated marketing and need the lead's consent.
 */
import type { Platform } from '../events.ts';
import { contactRefusal, localMinutes } from '../outreach/contact-policy.ts';
import { findPerson } from '../outreach/persons.ts';
import type { OutreachSettings } from '../outreach/settings.ts';
import type { IdentityKey, LeadRepo, OutreachStore, ScheduleKind } from '../ports/index.ts';

export type PolicyRefusal = 'opted_out' | 'no_consent' | 'quiet_hours' | 'limit';

export type PolicyDecision =
  | { ok: true; persons: string[] }
  /** `retryAt` set: try again then (quiet hours); absent: drop this message. */
  | { ok: false; reason: PolicyRefusal; retryAt?: Date };

export interface FollowUpPolicy {
  /**
   * `via: 'email'` applies the email settings (EMAIL_QUIET_HOURS, EMAIL_CONTACT_LIMIT, …)
   * instead of those of the key's platform; opt-outs and the contact count are the person's.
   */
  check(input: {
    key: IdentityKey;
    kind: ScheduleKind;
    now: Date;
    via?: 'chat' | 'email';
  }): Promise<PolicyDecision>;
  /** Counts the sent message against the person's contact limit. */
  record(input: {
    persons: string[];
    kind: ScheduleKind;
    platform: Platform;
    channelId: string;
    at: Date;
  }): Promise<void>;
}

/** The first minute after the quiet hours that contain `at`. */
export function quietHoursEnd(at: Date, settings: Pick<OutreachSettings, 'quietHours' | 'timeZone'>): Date {
  const q = settings.quietHours!;
  const minutes = (q.end - localMinutes(at, settings.timeZone) + 1440) % 1440 || 1440;
  const next = new Date(at.getTime() + minutes * 60_000);
  next.setUTCSeconds(0, 0);
  return next;
}

/** The policy over the outreach store and the outreach settings. */
export function createOutreachPolicy(deps: {
  repo: LeadRepo;
  outreach: OutreachStore;
  /** One set for all, or each platform's own (the community's quiet hours and limits); `email` for email. */
  settings: OutreachSettings | ((platform: Platform) => OutreachSettings);
}): FollowUpPolicy {
  const { repo, outreach } = deps;
  const settingsFor = (p: Platform) =>
    typeof deps.settings === 'function' ? deps.settings(p) : deps.settings;
  return {
    async check({ key, kind, now, via }) {
      const settings = settingsFor(via === 'email' ? 'email' : key.platform);
      const person = await findPerson(repo, key);
      const needsConsent = kind !== 'reminder';
      const refusal = await contactRefusal({ person, needsConsent, now, settings, outreach });
      if (refusal === 'quiet_hours')
        return { ok: false, reason: refusal, retryAt: quietHoursEnd(now, settings) };
      if (refusal) return { ok: false, reason: refusal };
      return { ok: true, persons: person.keys };
    },
    async record({ persons, kind, platform, channelId, at }) {
      await outreach.recordContact({ persons, kind, platform, channelId, at });
    },
  };
}
