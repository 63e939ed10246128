/**
 * What Slack documents about Socket Mode, as constants and message shapes the fake enforces.
 * Sources: https://api.slack.com/apis/socket-mode (the protocol),
 * https://api.slack.com/apis/connections/socket-implement (the implementer's guide) and
 * https://api.slack.com/methods/apps.connections.open.
 */

/**
 * "Your app must acknowledge each envelope … within 3 seconds" — otherwise Slack retries the
 * delivery (socket-mode, "Acknowledge events"). The fake counts from the moment it sent it.
 */
export const ACK_WINDOW_MS = 3000;

/**
 * Events API deliveries are retried up to 3 times after the first attempt
 * (https://api.slack.com/apis/events-api, "Retries"); Socket Mode keeps the same counter in the
 * envelope's `retry_attempt`, with `retry_reason` saying why (`timeout` when no ack came).
 */
export const MAX_RETRIES = 3;

/** "You can have up to 10 open WebSocket connections at the same time" (socket-mode, "Connections"). */
export const MAX_CONNECTIONS = 10;

/**
 * Slack pings its connections; @slack/socket-mode reconnects when no ping came for 30 s
 * (`serverPingTimeout`), so the fake pings well inside that.
 */
export const PING_EVERY_MS = 5000;

/** The envelope types Slack sends over Socket Mode (socket-mode, "Events API", "Interactivity", "Slash commands"). */
export type EnvelopeType = 'events_api' | 'interactive' | 'slash_commands';

/**
 * Why Slack asks a connection to go: `warning` comes about 10 s before a `refresh_requested`
 * (the connection will be refreshed: reconnect), `link_disabled` when Socket Mode was turned
 * off for the app (socket-mode, "Disconnect events").
 */
export type DisconnectReason = 'refresh_requested' | 'link_disabled' | 'warning';

// biome-ignore lint/suspicious/noExplicitAny: payloads are whatever Slack would send.
export type Payload = Record<string, any>;

/** One envelope as it travels on the socket (socket-mode, "Receiving events"). */
export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Payload;
  /** Interactivity and slash commands may be answered in the ack; Events API deliveries may not. */
  accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

/**
 * Whether the ack may carry a response: slash commands (the command's reply) and the
 * interactions whose HTTP answer carries one — a modal submission (`response_action`) or an
 * options request (socket-mode, "Responding to events"); never an Events API delivery or a click.
 */
export function acceptsResponsePayload(type: EnvelopeType, payload: Payload): boolean {
  if (type === 'slash_commands') return true;
  return type === 'interactive' && ['view_submission', 'block_suggestion'].includes(payload.type);
}

/** The `hello` a new connection gets first (socket-mode, "Connecting"). */
export function helloMessage(numConnections: number, appId: string, host: string) {
  return {
    type: 'hello',
    num_connections: numConnections,
    debug_info: { host, build_number: 1, approximate_connection_time: 18060 },
    connection_info: { app_id: appId },
  };
}

/** The ack an app sends: `{ envelope_id, payload? }`; anything else is not an ack. */
export function parseAck(raw: string): { envelope_id: string; payload?: Payload } | null {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof msg !== 'object' || msg === null) return null;
  const { envelope_id, payload } = msg as { envelope_id?: unknown; payload?: unknown };
  if (typeof envelope_id !== 'string' || envelope_id === '') return null;
  if (payload !== undefined && (typeof payload !== 'object' || payload === null)) return null;
  return { envelope_id, ...(payload ? { payload: payload as Payload } : {}) };
}

/**
 * `apps.connections.open` takes an app-level token in the Authorization header; "passing it as
 * a POST parameter will result in an error" (apps.connections.open, "Usage info"). Returns the
 * Slack error, or null when the token is the app's.
 */
export function connectionsOpenError(authorization: string | undefined, appToken: string): string | null {
  const token = authorization?.match(/^Bearer (.+)$/)?.[1];
  if (!token) return 'not_authed';
  // A bot or user token on a method that needs an app-level token.
  if (!token.startsWith('xapp-')) return 'not_allowed_token_type';
  return token === appToken ? null : 'invalid_auth';
}
