/**
 * Lead and identity rows as every store builds them: new ones (the schema's defaults, then the
 * input) and patched ones. The memory and Prisma stores share these, so they cannot drift.
 */
import type { Identity, Lead, LeadPatch, NewIdentity, NewLead } from './ports/index.ts';

export type { NewIdentity } from './ports/index.ts';

/** A new lead: the schema's defaults, then the defined fields of `input`. */
export function newLead(input: NewLead, id: string, now: Date): Lead {
  const { source, ...fields } = input;
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
    reachedMqlAt: null,
    reachedSqlAt: null,
    openHandoffId: null,
    ...definedOnly(fields),
    source: {
      platform: null,
      workspaceId: null,
      channelId: null,
      campaign: null,
      workspaceName: null,
      channelName: null,
      ...definedOnly(source ?? {}),
    },
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
    displayName: identity.displayName ?? null,
    profileUrl: identity.profileUrl ?? null,
    chatId: identity.chatId ?? null,
    leadId,
    createdAt: now,
  };
}

/** The lead after `patch` (undefined fields are left alone), updated at `now`. */
export function patchLead(lead: Lead, patch: LeadPatch, now: Date): Lead {
  const { source, ...fields } = patch;
  return {
    ...lead,
    ...definedOnly(fields),
    source: { ...lead.source, ...definedOnly(source ?? {}) },
    updatedAt: now,
  };
}

/** `o` without its undefined entries (a patch's "leave alone"). */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
