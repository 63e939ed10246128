/**
 * Who a Slack person is. Slack events carry only a user id, so before a private event reaches
 * the core the adapter asks `users.info` for the person's names (and `team.info` for the
 * workspace's), and the core stores them on the account it creates. Answers are cached and
 * asked again at most once a day per person (and per workspace): a busy DM costs no API calls.
 * A failed lookup (rate limit, `user_not_found`) only leaves the names out: the event, and the
 * answer it carries, go on unchanged. A slow one (Slack's client waits out a 429's Retry-After)
 * is not waited for beyond {@link PROFILE_WAIT_MS}: the prospect's answer goes on without names
 * and the lookup lands in the cache for the next event.
 */
import type { App } from '@slack/bolt';
import { type ReachRenderer, safeProfileUrl } from '../../src/core/alert-content.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import type { Logger } from '../../src/core/ports/index.ts';

/** How long a looked-up name is used before Slack is asked again. */
export const PROFILE_TTL_MS = 24 * 60 * 60_000;
/** How long a prospect's event waits for a lookup before it goes on without names. */
export const PROFILE_WAIT_MS = 1500;
/** Cached people and workspaces beyond this are dropped oldest first (memory stays bounded). */
const MAX_CACHED = 10_000;

type Names = Pick<InboundEvent, 'username' | 'displayName'>;

export interface SlackProfiles {
  /** The event with the person's names and the workspace's name added where Slack gave them. */
  enrich<E extends InboundEvent>(event: E): Promise<E>;
  /** A member's name (a rep writing in an alert's thread), or null when Slack did not say. */
  nameOf(workspaceId: string, userId: string): Promise<string | null>;
}

/** A bounded cache of lookups that expire after {@link PROFILE_TTL_MS}. */
function ttlCache<V>(now: () => number) {
  const entries = new Map<string, { at: number; value: V }>();
  return {
    get(key: string): V | undefined {
      const hit = entries.get(key);
      if (!hit || now() - hit.at >= PROFILE_TTL_MS) return undefined;
      return hit.value;
    },
    set(key: string, value: V): void {
      entries.delete(key);
      entries.set(key, { at: now(), value });
      if (entries.size > MAX_CACHED) entries.delete(entries.keys().next().value as string);
    },
  };
}

/** The names of a users.info answer: real name as the display name, Slack's display name as the handle. */
export function namesOf(user: {
  name?: string;
  real_name?: string;
  profile?: { real_name?: string; display_name?: string };
}): Names {
  const displayName = user.profile?.real_name || user.real_name || user.profile?.display_name || '';
  const handle = user.profile?.display_name || user.name || '';
  return { ...(displayName ? { displayName } : {}), ...(handle ? { username: handle } : {}) };
}

/** Builds the lookups over bolt's Web API client; `now` is injectable for the daily refresh. */
export function createSlackProfiles(
  client: App['client'],
  logger: Logger,
  now: () => number = Date.now,
  waitMs = PROFILE_WAIT_MS,
): SlackProfiles {
  const people = ttlCache<Names>(now);
  const teams = ttlCache<string | null>(now);
  /** Lookups under way, so events of one person arriving together ask Slack once. */
  const inflight = new Map<string, Promise<unknown>>();

  function once<T>(key: string, lookup: () => Promise<T>): Promise<T> {
    const pending = inflight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const started = lookup().finally(() => inflight.delete(key));
    inflight.set(key, started);
    return started;
  }

  async function person(workspaceId: string, userId: string): Promise<Names> {
    const key = `${workspaceId}:${userId}`;
    const cached = people.get(key);
    if (cached) return cached;
    return once(`user:${key}`, () => lookUpPerson(key, userId));
  }

  async function lookUpPerson(key: string, userId: string): Promise<Names> {
    try {
      const res = await client.users.info({ user: userId });
      const names = res.user ? namesOf(res.user) : {};
      people.set(key, names);
      return names;
    } catch (err) {
      logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'slack users.info failed');
      return {};
    }
  }

  async function team(workspaceId: string): Promise<string | null> {
    if (!workspaceId) return null;
    const cached = teams.get(workspaceId);
    if (cached !== undefined) return cached;
    return once(`team:${workspaceId}`, () => lookUpTeam(workspaceId));
  }

  async function lookUpTeam(workspaceId: string): Promise<string | null> {
    try {
      const res = await client.team.info({ team: workspaceId });
      const name = res.team?.name || null;
      teams.set(workspaceId, name);
      return name;
    } catch (err) {
      logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'slack team.info failed');
      return null;
    }
  }

  return {
    async nameOf(workspaceId, userId) {
      const names = await person(workspaceId, userId);
      return names.displayName ?? names.username ?? null;
    },
    async enrich(event) {
      // Only a private event can create a lead or an account; public chatter needs no names.
      if (!event.isDirect || event.displayName) return event;
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), waitMs);
      });
      const found = await Promise.race([
        Promise.all([person(event.workspaceId, event.userId), team(event.workspaceId)]),
        gaveUp,
      ]);
      clearTimeout(timer);
      if (!found) return event;
      const [names, workspaceName] = found;
      return {
        ...event,
        ...names,
        ...(event.username ? { username: event.username } : {}),
        ...(workspaceName ? { workspaceName } : {}),
      };
    },
  };
}

/**
 * A person in a Slack alert: Slack people as a user mention (`<@U…>`: it links their profile and,
 * per the issue, notifies nobody outside the channel), others as a link to their profile.
 * `label` is already escaped; ids and links are checked so a stored value cannot form markup.
 */
export const slackReach: ReachRenderer = (p, label) => {
  if (p.platform === 'slack' && /^[UW][A-Z0-9]{2,20}$/.test(p.userId)) return `<@${p.userId}> ${label}`;
  const url = safeProfileUrl(p.profileUrl);
  return url ? `<${url}|${label}> on ${p.platform}` : null;
};
