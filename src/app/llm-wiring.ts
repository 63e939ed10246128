/**
 * The answer interpreter, when `LLM_BASE_URL` is set: built from the `llm` config section, its
 * calls counted in /metrics. The AI SDK is imported only then, so a process without a model
 * never loads it.
 */
import type { AnswerInterpreter, Logger } from '../core/ports/index.ts';
import type { LlmConfig } from '../llm/config.ts';
import type { AppConfig } from './config.ts';
import type { Metrics } from './ops/metrics.ts';

/** The interpreter of `config`, or undefined without a model (every step is then asked). */
export async function answerInterpreter(
  config: AppConfig,
  logger: Logger,
  metrics?: Pick<Metrics, 'llmCall'>,
): Promise<AnswerInterpreter | undefined> {
  const llm = config.adapters.llm as LlmConfig | null | undefined;
  if (!llm) return undefined;
  const { createLlmInterpreter } = await import('../llm/interpreter.ts');
  logger.info({ baseUrl: llm.baseUrl, model: llm.model, timeoutMs: llm.timeoutMs }, 'answer interpreter on');
  return createLlmInterpreter(llm, { logger, ...(metrics ? { onCall: (c) => metrics.llmCall(c) } : {}) });
}
