/** Default texts of the engine, used when a flow's `messages` leaves one out. */
export const DEFAULT_MESSAGES = {
  welcome: "Hi! I'd like to ask a few quick questions to see how we can help.",
  done: "Thanks! That's everything I needed. Someone from our team will be in touch if it's a fit.",
  stopped: 'OK, I stopped here. Send /start whenever you want to pick up where you left off.',
  resumed: "Welcome back! Let's continue where we left off.",
  privateOnly: "Happy to help! Let's continue in a private chat so your answers stay between us.",
  alreadyDone: "We already have your answers, thanks! Send /restart if you'd like to answer again.",
  stale: 'That button belongs to an earlier question.',
  unsupported: 'Sorry, I can only read text messages and buttons here.',
  movingOn: "No problem, let's move on.",
  unknownCommand: 'I know /start, /restart and /stop.',
  /** What a free-text message filled for other questions (only with an answer interpreter). */
  noted: 'Noted: {{noted}}. (Just tell me if I got something wrong.)',
} as const;

export type MessageKey = keyof typeof DEFAULT_MESSAGES;
