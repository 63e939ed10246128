/** The LLM_* section: off when unset, fails fast with the fix when half set or wrong. */
import { describe, expect, it } from 'vitest';
import { adapterSections } from '../../src/app/adapters.ts';
import { loadConfig } from '../../src/app/config.ts';
import { parseLlmConfig } from '../../src/llm/config.ts';

const load = (env: Record<string, string>) => loadConfig(env, { sections: adapterSections(), envFile: null });

describe('LLM configuration', () => {
  it('is off when LLM_BASE_URL is unset, and the app config carries null', () => {
    expect(parseLlmConfig({})).toBeNull();
    expect(load({}).adapters.llm).toBeNull();
  });

  it('reads a local server without a key, with the 3 s timeout and the default budget', () => {
    expect(parseLlmConfig({ LLM_BASE_URL: 'http://127.0.0.1:11434/v1/', LLM_MODEL: 'llama3.1' })).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'llama3.1',
      apiKey: null,
      timeoutMs: 3000,
      callsPerLead: 20,
    });
  });

  it.each([
    [{ LLM_BASE_URL: 'http://127.0.0.1:8080/v1' }, /LLM_MODEL: is required/],
    [{ LLM_MODEL: 'gpt-4o-mini', LLM_API_KEY: 'sk-x' }, /LLM_BASE_URL: is unset/],
    [{ LLM_BASE_URL: 'ftp://x', LLM_MODEL: 'm' }, /LLM_BASE_URL: expected an http\(s\) URL/],
    [{ LLM_BASE_URL: 'http://x/v1', LLM_MODEL: 'm', LLM_TIMEOUT_MS: 'soon' }, /LLM_TIMEOUT_MS/],
    [{ LLM_BASE_URL: 'http://x/v1', LLM_MODEL: 'm', LLM_CALLS_PER_LEAD: '0' }, /LLM_CALLS_PER_LEAD/],
  ])('refuses %o with the variable and the fix', (env, message) => {
    expect(() => load(env)).toThrow(message);
  });

  it('refuses a misspelt LLM_ variable', () => {
    expect(() => load({ LLM_BASEURL: 'http://x/v1' })).toThrow(/LLM_BASEURL/);
  });
});
