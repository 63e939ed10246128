/**
 * Shape checks of the handoff outbox payloads (like `isAlertPayload`): rows are JSON the core
 * wrote, but may be older than the code reading them, so the dispatcher's sinks check before
 * handing them to an adapter.
 */
import type { ProspectDelivery, ThreadPost } from '../ports/index.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isString = (v: unknown): v is string => typeof v === 'string';

/** A `handoff_to_prospect` payload. */
export function isProspectDelivery(v: unknown): v is ProspectDelivery {
  if (!isObject(v) || !isObject(v.to) || !isObject(v.message)) return false;
  const { to, message } = v;
  const shaped =
    message.kind === 'rep'
      ? isString(message.repName) && isString(message.text)
      : message.kind === 'joined'
        ? isString(message.repName)
        : message.kind === 'closed' && (message.repName === null || isString(message.repName));
  return (
    shaped &&
    isString(v.leadId) &&
    isString(v.handoffId) &&
    isString(v.messageId) &&
    [to.platform, to.workspaceId, to.userId, to.channelId].every(isString)
  );
}

/** A `handoff_to_sales` or `alert_reminder` payload: a post in an alert's thread. */
export function isThreadPost(v: unknown): v is ThreadPost {
  if (!isObject(v) || !isObject(v.alert) || !isObject(v.post)) return false;
  const { alert, post } = v;
  const shaped =
    post.kind === 'prospect'
      ? isString(post.name) && isString(post.text)
      : post.kind === 'reminder'
        ? typeof post.minutes === 'number' &&
          typeof post.round === 'number' &&
          (post.mention === null || isString(post.mention))
        : post.kind === 'closed' && isString(post.by);
  return shaped && isString(v.leadId) && isString(alert.sink) && isString(alert.externalRef);
}
