/**
 * The structured output a model must give, generated from the open steps: one nullable entry
 * per step, whose value has the step's type (a choice's option values as an enum, a number, a
 * boolean for yes/no). Anything outside it fails validation and the call counts as garbage.
 */
import { z } from 'zod';
import type { InterpretableStep, InterpretedValue } from '../core/ports/index.ts';

function valueSchema(step: InterpretableStep): z.ZodType {
  const values = step.options?.map((o) => o.value) ?? [];
  switch (step.kind) {
    case 'number':
      return z.number();
    case 'yesno':
      return z.boolean();
    case 'choice':
      return values.length ? z.enum(values as [string, ...string[]]) : z.string();
    case 'multichoice':
      return z.array(values.length ? z.enum(values as [string, ...string[]]) : z.string());
    default:
      return z.string();
  }
}

/** The schema of the answer: `{ <stepId>: { value, evidence, confidence } | null, … }`. */
export function schemaForSteps(steps: InterpretableStep[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const step of steps) {
    shape[step.id] = z
      .object({
        value: valueSchema(step),
        evidence: z.string().describe('the exact words of the message that give this value, copied verbatim'),
        confidence: z.number().min(0).max(1),
      })
      .nullable()
      .describe(step.prompt);
  }
  return z.object(shape);
}

/** The model's object as the port's proposals (values as text the step's parser reads). */
export function toProposals(object: Record<string, unknown>): InterpretedValue[] {
  const out: InterpretedValue[] = [];
  for (const [stepId, entry] of Object.entries(object)) {
    if (!entry || typeof entry !== 'object') continue;
    const { value, evidence, confidence } = entry as { value: unknown; evidence: string; confidence: number };
    const text =
      typeof value === 'boolean'
        ? value
          ? 'yes'
          : 'no'
        : Array.isArray(value)
          ? value.join(', ')
          : String(value);
    out.push({ stepId, value: text, evidence, confidence });
  }
  return out;
}
