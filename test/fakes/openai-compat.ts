/**
 * A fake OpenAI-compatible chat-completions endpoint on 127.0.0.1, for the real AI SDK
 * (`@ai-sdk/openai-compatible`). `POST /v1/chat/completions` checks the bearer key and the body
 * like the OpenAI API does and answers in its documented shape (`choices[].message.content`,
 * `usage`), with what the test queued: an object for the structured output (steps the test does
 * not name are null, read from the request's `response_format.json_schema`), a slow answer,
 * garbage, or an HTTP error. Every request is kept so tests can read the prompt that was sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the next request gets. */
export type FakeBehaviour =
  | { kind: 'object'; object: Record<string, unknown>; delayMs?: number }
  | { kind: 'garbage'; content?: string }
  | { kind: 'status'; status: 429 | 500 | 503 }
  | { kind: 'slow'; delayMs: number };

export interface ChatRequest {
  authorization: string | undefined;
  body: {
    model: string;
    messages: { role: string; content: string }[];
    response_format?: {
      type: string;
      json_schema?: { name: string; schema: { properties?: Record<string, unknown> } };
    };
    [k: string]: unknown;
  };
}

export interface FakeOpenAi {
  /** The API root for `LLM_BASE_URL` (…/v1). */
  baseUrl: string;
  apiKey: string;
  requests: ChatRequest[];
  /** Queues behaviours for the next requests, in order; then `{}` (all null) is answered. */
  next(...behaviours: FakeBehaviour[]): void;
  close(): Promise<void>;
}

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
function sendError(res: ServerResponse, status: number, type: string, code: string | null, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type, param: null, code } }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeOpenAi(opts: { apiKey?: string } = {}): Promise<FakeOpenAi> {
  const apiKey = opts.apiKey ?? 'sk-test-leadbot';
  const requests: ChatRequest[] = [];
  const queue: FakeBehaviour[] = [];
  let ids = 0;

  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
      return sendError(
        res,
        404,
        'invalid_request_error',
        'unknown_url',
        `Unknown request URL: ${req.method} ${req.url}`,
      );
    // Authentication: "Authorization: Bearer OPENAI_API_KEY"; a wrong key is 401 invalid_api_key.
    if (req.headers.authorization !== `Bearer ${apiKey}`)
      return sendError(res, 401, 'invalid_request_error', 'invalid_api_key', 'Incorrect API key provided.');
    let body: ChatRequest['body'];
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return sendError(
        res,
        400,
        'invalid_request_error',
        null,
        'We could not parse the JSON body of your request.',
      );
    }
    requests.push({ authorization: req.headers.authorization, body });
    // `model` and a non-empty `messages` are required parameters of the create call.
    if (typeof body.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0)
      return sendError(
        res,
        400,
        'invalid_request_error',
        null,
        "'model' and 'messages' are required properties.",
      );
    const b = queue.shift() ?? { kind: 'object', object: {} };
    if (b.kind === 'status') {
      // 429: rate limit (with retry-after); 500/503: server error — both documented error codes.
      if (b.status === 429) res.setHeader('retry-after', '1');
      return sendError(res, b.status, b.status === 429 ? 'requests' : 'server_error', null, 'fake failure');
    }
    const delay = b.kind === 'slow' ? b.delayMs : b.kind === 'object' ? (b.delayMs ?? 0) : 0;
    if (delay > 0) {
      const aborted = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), delay);
        res.on('close', () => {
          clearTimeout(t);
          resolve(true);
        });
      });
      if (aborted) return;
    }
    let content: string;
    if (b.kind === 'garbage') content = b.content ?? '{"team_size": {"value": 40, "evid';
    else {
      const object = b.kind === 'object' ? b.object : {};
      const props = Object.keys(body.response_format?.json_schema?.schema.properties ?? {});
      const full: Record<string, unknown> = {};
      for (const p of props) full[p] = null;
      content = JSON.stringify({ ...full, ...object });
    }
    const prompt = body.messages.map((m) => String(m.content)).join('\n');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${++ids}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          { index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' },
        ],
        // Rough token counts (4 characters a token), enough to see them summed in /metrics.
        usage: {
          prompt_tokens: Math.ceil(prompt.length / 4),
          completion_tokens: Math.ceil(content.length / 4),
          total_tokens: Math.ceil(prompt.length / 4) + Math.ceil(content.length / 4),
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    next: (...b) => void queue.push(...b),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
