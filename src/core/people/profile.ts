/**
 * Who a person is, from what their platform told in an event: the profile stored on their
 * account (identity) and the named source stored on a new lead. Pure; the adapters fill the
 * event's fields (`username`, `displayName`, `profileUrl`, `workspaceName`, `channelName`), the
 * core keeps them as data and never branches on the platform.
 */
import type { EventOrigin } from '../events.ts';
import type { LeadSource, NewIdentity } from '../ports/index.ts';

/** The profile fields of a new identity that the event carries (absent ones left out). */
export function profileOf(e: EventOrigin): Pick<NewIdentity, 'username' | 'displayName' | 'profileUrl'> {
  return {
    ...(e.username ? { username: e.username } : {}),
    ...(e.displayName ? { displayName: e.displayName } : {}),
    ...(e.profileUrl ? { profileUrl: e.profileUrl } : {}),
  };
}

/**
 * Where a new lead came from, with the names the platform gave its workspace and channel: the
 * place the person came from (`cameFrom`, a group whose deep link they followed) when the event
 * says one, else the event's own.
 */
export function sourceOf(e: EventOrigin, campaign: string | null): LeadSource {
  const place = e.cameFrom ?? e;
  return {
    platform: e.platform,
    workspaceId: place.workspaceId,
    channelId: place.channelId,
    campaign,
    workspaceName: place.workspaceName ?? null,
    channelName: place.channelName ?? null,
  };
}

/** An account of a lead as a reader knows it: `Ana Souza (@ana)`, `@ana`, or null when nothing is known. */
export function personLabel(p: { displayName: string | null; username: string | null }): string | null {
  if (p.displayName && p.username) return `${p.displayName} (@${p.username})`;
  if (p.displayName) return p.displayName;
  return p.username ? `@${p.username}` : null;
}

/** The source as words: `Acme Slack › #community`, names where known, ids where not. */
export function sourceLabel(s: LeadSource, fallbackPlatform?: string | null): string {
  const workspace = s.workspaceName || s.workspaceId;
  // A Telegram group is its own channel: its id said twice is noise.
  const channel = s.channelName ? `#${s.channelName}` : s.channelId === s.workspaceId ? null : s.channelId;
  const platform = s.platform ?? fallbackPlatform ?? null;
  const named = [workspace, channel].filter((v) => v).join(' › ');
  return [platform, named].filter((v) => v).join(' · ');
}
