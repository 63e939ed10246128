/** New leads and identities as every store creates them (the schema's defaults, then the input). */
import type { Identity, IdentityKey, Lead, NewLead } from './ports.ts';

/** An account to attach to a lead. */
export type NewIdentity = IdentityKey & { username?: string; chatId?: string };

/** A new lead: the schema's defaults, then the defined fields of `input`. */
export function newLead(input: NewLead, id: string, now: Date): Lead {
  const { source, ...fields } = input;
  const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const givenSource = Object.fromEntries(Object.entries(source ?? {}).filter(([, v]) => v !== undefined));
  return {
    id,
    stage: 'cold',
    score: 0,
    ownerId: null,
    name: null,
    email: null,
    phone: null,
    company: null,
    consent: false,
    consentAt: null,
    invitedBy: null,
    ...given,
    source: { platform: null, workspaceId: null, channelId: null, campaign: null, ...givenSource },
    createdAt: now,
    updatedAt: now,
  };
}

/** A new identity row of a lead. */
export function newIdentity(leadId: string, identity: NewIdentity, id: string, now: Date): Identity {
  return {
    id,
    platform: identity.platform,
    workspaceId: identity.workspaceId,
    userId: identity.userId,
    username: identity.username ?? null,
    chatId: identity.chatId ?? null,
    leadId,
    createdAt: now,
  };
}
