/**
 * The answer interpreter's settings (`LLM_*`): off unless `LLM_BASE_URL` is set; then a model
 * is required, and a bad value fails the start with the variable and the fix.
 */
import { z } from 'zod';
import { LeadbotError } from '../core/errors.ts';

const positiveInt = (fallback: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : fallback),
    z.number().int().min(1).max(max),
  );

export const llmConfigSchema = z.object({
  LLM_BASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v.replace(/\/+$/, '') : undefined))
    .pipe(
      z
        .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://127.0.0.1:11434/v1' })
        .optional(),
    ),
  LLM_MODEL: z.string().trim().optional(),
  LLM_API_KEY: z.string().trim().optional(),
  /** A model call that takes longer is dropped and the flow goes on as without one. */
  LLM_TIMEOUT_MS: positiveInt(3000, 60_000),
  /** Calls one lead may cost; after that, every step is asked. */
  LLM_CALLS_PER_LEAD: positiveInt(20, 10_000),
});

/** Every variable the section reads (others with the `LLM_` prefix are typos). */
export const LLM_VARIABLES = Object.keys(llmConfigSchema.shape) as readonly string[];

export interface LlmConfig {
  /** The OpenAI-compatible API root, e.g. `https://api.openai.com/v1` or Ollama's `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer`; local servers need none. */
  apiKey: string | null;
  timeoutMs: number;
  callsPerLead: number;
}

function invalid(details: string): LeadbotError {
  return new LeadbotError('CONFIG_INVALID', `Invalid model configuration: ${details}`, {
    userMessage: `Fix these environment variables: ${details}`,
  });
}

/** Reads the `LLM_*` variables: null when `LLM_BASE_URL` is unset (no model: every step is asked). */
export function parseLlmConfig(env: Record<string, string | undefined>): LlmConfig | null {
  const parsed = llmConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw invalid(parsed.error.issues.map((i) => `${String(i.path[0] ?? 'LLM')}: ${i.message}`).join('; '));
  }
  const c = parsed.data;
  if (!c.LLM_BASE_URL) {
    if (c.LLM_MODEL || c.LLM_API_KEY)
      throw invalid('LLM_BASE_URL: is unset while LLM_MODEL or LLM_API_KEY is set (set it, or unset both)');
    return null;
  }
  if (!c.LLM_MODEL) throw invalid('LLM_MODEL: is required with LLM_BASE_URL (e.g. gpt-4o-mini, llama3.1)');
  return {
    baseUrl: c.LLM_BASE_URL,
    model: c.LLM_MODEL,
    apiKey: c.LLM_API_KEY || null,
    timeoutMs: c.LLM_TIMEOUT_MS,
    callsPerLead: c.LLM_CALLS_PER_LEAD,
  };
}
