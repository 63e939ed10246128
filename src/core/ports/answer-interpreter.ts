/**
 * The optional model that reads a free-text message for the answers of several steps at once.
 * The core asks; it never trusts: every value comes back with the words it rests on, and the
 * engine accepts it only if the step's own validation takes it and those words are in the
 * message (src/core/interpret/judge.ts). With no interpreter configured the flow runs as typed.
 */

/** One step the interpreter may fill, described only by the flow (never by other leads' data). */
export interface InterpretableStep {
  id: string;
  /** The flow's input kind: text, number, url, yesno, choice, multichoice (never email or phone). */
  kind: string;
  /** The question as the flow asks it. */
  prompt: string;
  /** Choice steps: the values the answer must be one of, with their labels. */
  options?: { value: string; label: string }[];
  /** Number steps: value bounds; text steps: length bounds. */
  min?: number;
  max?: number;
}

/** What the interpreter is asked: the steps still open and this person's message. */
export interface InterpretRequest {
  steps: InterpretableStep[];
  message: string;
  /**
   * Who asks (`platform:workspace:user`, one lead's identity), for the per-lead call budget;
   * never sent to the model.
   */
  personKey: string;
}

/** One value the interpreter proposes. */
export interface InterpretedValue {
  stepId: string;
  /** The value as text, as the person could have typed it for this step (an option's value for choices). */
  value: string;
  /** The exact substring of the message that supports the value. */
  evidence: string;
  /** 0..1, the interpreter's own confidence. */
  confidence: number;
}

/**
 * Reads a message for the answers of open steps. Implementations bound their own time and
 * cost and never throw: on a timeout, an error, a spent budget or garbage they return `[]`,
 * and the conversation goes on as without a model.
 */
export interface AnswerInterpreter {
  interpret(request: InterpretRequest, signal?: AbortSignal): Promise<InterpretedValue[]>;
}
