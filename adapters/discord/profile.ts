/**
 * How a Discord alert shows a way to reach the lead: Discord people as a user mention, which
 * inside an embed renders as their profile and pings nobody (embeds never notify; the alert
 * also sends `allowed_mentions: { parse: [] }`); others as a markdown link to their profile.
 */
import { type ReachRenderer, safeProfileUrl } from '../../src/core/alert-content.ts';

/** Renders one person of an alert for a Discord embed (`label` is already escaped). */
export const discordReach: ReachRenderer = (p, label) => {
  // Snowflakes are 17–20 digits; anything else would not be a mention.
  if (p.platform === 'discord' && /^\d{17,20}$/.test(p.userId)) return `<@${p.userId}> ${label}`;
  const url = safeProfileUrl(p.profileUrl);
  return url ? `[${label}](${url}) on ${p.platform}` : null;
};
