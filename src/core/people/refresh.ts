/**
 * Names change: a person's account keeps the profile taken when their lead was created, and a
 * later event refreshes it at most once a day (Telegram first/last/username and Discord
 * global_name/username ride on every event; Slack's come from `users.info`, cached daily by the
 * adapter). The hot path stays as it was: the identity is read from what the unit of work
 * loaded, and a write happens only when the profile is a day old and the event says otherwise.
 */
import type { EventOrigin } from '../events.ts';
import type { IdentityKey, LeadRepo } from '../ports/index.ts';
import { profileOf } from './profile.ts';

/** How long a profile is taken as current. */
export const PROFILE_TTL_MS = 24 * 60 * 60_000;

/** Refreshes the account's profile from `e` when it is stale and differs; returns whether it wrote. */
export async function refreshProfile(
  tx: LeadRepo,
  key: IdentityKey,
  e: EventOrigin,
  now: Date,
): Promise<boolean> {
  const fresh = profileOf(e);
  if (!fresh.displayName && !fresh.username) return false; // the event says nothing of who it is
  const identity = await tx.findIdentity(key);
  if (!identity) return false;
  const since = (identity.profileAt ?? identity.createdAt).getTime();
  if (now.getTime() - since < PROFILE_TTL_MS) return false;
  const next = {
    displayName: fresh.displayName ?? identity.displayName,
    username: fresh.username ?? identity.username,
    profileUrl: fresh.profileUrl ?? (fresh.username ? null : identity.profileUrl),
  };
  if (
    next.displayName === identity.displayName &&
    next.username === identity.username &&
    next.profileUrl === identity.profileUrl
  )
    return false;
  await tx.profiles.refresh(key, next, now);
  return true;
}
