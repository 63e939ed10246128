/**
 * How an email sender reports a refusal to the schedule runner. The sender (adapters/email/)
 * translates its library's errors into this at one place; the runner reads only the flags.
 */
import { DeliveryError } from '../outbox/delivery-error.ts';

export class EmailRefusedError extends DeliveryError {
  /** Safe to store and show: SMTP reply and enhanced status codes (`550 5.1.1`), never the address. */
  readonly reason: string;
  /** The server says the address does not exist or cannot be used: stop emailing this lead. */
  readonly invalidAddress: boolean;

  constructor(reason: string, options: { permanent: boolean; invalidAddress?: boolean; cause?: unknown }) {
    super(`email refused: ${reason}`, { permanent: options.permanent, cause: options.cause });
    this.name = 'EmailRefusedError';
    this.reason = reason;
    this.invalidAddress = options.invalidAddress ?? false;
  }
}
