/**
 * Discord's platform tools (src/app/platform-tools.ts), for its registry entry: the limits a
 * flow's text can exceed, `leadbot setup discord` (the invite URL with the minimal permissions
 * and the intents to switch on) and `leadbot doctor` (doctor.ts). No SDK is imported here: the
 * registry loads this module for every command.
 */

import type { SendLimits } from '../../src/core/flow/sendable.ts';
import { discordDoctor } from './doctor.ts';
import { INVITE_SCOPES, inviteUrl, NEEDED_PERMISSIONS, permissionsInteger } from './permissions.ts';

/**
 * Discord's limits for authored flow text: message content 2,000; a button label 80 (menus allow
 * 100, buttons are used up to 5 options); an option value 100 (a menu option's value); one
 * question's options up to 5 menus of 25 (over that, a numbered list answered by text). A
 * multiple choice over 25 options also becomes a numbered list, so it is not reported.
 */
export const DISCORD_SEND_LIMITS: SendLimits = {
  platform: 'Discord',
  text: 2000,
  optionLabel: 80,
  optionValue: 100,
  options: 125,
  multiOptions: 125,
};

/** `leadbot setup discord`: what to do in the Developer Portal and the invite to open. */
export async function discordSetup(opts: {
  env: Readonly<Record<string, string | undefined>>;
}): Promise<string> {
  const appId = opts.env.DISCORD_APPLICATION_ID?.trim();
  const id = appId && /^\d{17,21}$/.test(appId) ? appId : '<APPLICATION_ID>';
  const messageContent = opts.env.DISCORD_MESSAGE_CONTENT?.trim() === 'true';
  const permissions = permissionsInteger(NEEDED_PERMISSIONS.map((p) => p.name));
  const lines = [
    'Connect Discord',
    '',
    '1. https://discord.com/developers/applications → New Application. General Information:',
    '   copy the Application ID into DISCORD_APPLICATION_ID.',
    '2. Bot → Reset Token: copy it into DISCORD_TOKEN.',
    '3. Bot → Privileged Gateway Intents:',
    messageContent
      ? "   - Message Content Intent: ON (DISCORD_MESSAGE_CONTENT=true: intent offers read server messages, reps' replies in alert threads are relayed)"
      : '   - Message Content Intent: off is fine (DMs, mentions, commands and buttons work without it;',
    ...(messageContent
      ? []
      : [
          "     reps then start a reply in an alert's thread with @leadbot; set DISCORD_MESSAGE_CONTENT=true",
          '     and switch it on for intent offers and to relay every thread reply)',
        ]),
    '   - Server Members Intent: not needed (leadbot reads members from interactions)',
    '   - Presence Intent: not needed',
    `4. Invite the bot (scopes: ${INVITE_SCOPES.join(' ')}; permissions ${permissions}):`,
    `   ${inviteUrl(id)}`,
    '   The permissions integer is the sum of:',
    ...NEEDED_PERMISSIONS.map((p) => `   - ${p.name}: ${p.why}`),
    '5. Optional: DISCORD_GUILD_ID (commands appear at once in that server), DISCORD_SALES_CHANNEL_ID',
    '   (sales alerts), DISCORD_MANAGER_ROLE_ID (/leadbot is shown to Manage Server; allow the role',
    '   in Server Settings → Integrations → leadbot → /leadbot).',
    '6. leadbot doctor checks the token, the server, the sales channel and the commands.',
  ];
  if (id === '<APPLICATION_ID>')
    lines.push('', 'DISCORD_APPLICATION_ID is not set: replace <APPLICATION_ID> in the invite URL.');
  return lines.join('\n');
}

/** The registry entry's tools (`PlatformTools` of adapters/shared/platform-tools.ts). */
export const discordTools = {
  sendLimits: DISCORD_SEND_LIMITS,
  setup: discordSetup,
  doctor: discordDoctor,
};
