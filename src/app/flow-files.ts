/**
 * Reads flow files (YAML or JSON) from disk into validated flows. Problems come back as
 * `LeadbotError('FLOW_INVALID')` naming the file and the exact path inside it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LeadbotError } from '../core/errors.ts';
import { createFlowCatalog, type FlowCatalog } from '../core/flow/catalog.ts';
import { type Flow, parseFlow } from '../core/flow/validate.ts';

const FLOW_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Parses YAML or JSON text (by extension; YAML is a superset, so unknown ones use it). */
export function parseFlowText(text: string, path: string): unknown {
  try {
    return extname(path) === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new LeadbotError(
      'FLOW_INVALID',
      `${path}: not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${detail}`,
    );
  }
}

/**
 * Loads and validates one flow file.
 * @throws LeadbotError FLOW_INVALID (a FlowInvalidError listing every problem) or NOT_FOUND.
 */
export async function loadFlowFile(path: string): Promise<Flow> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new LeadbotError('NOT_FOUND', `${path}: cannot read flow file`, { cause: err });
  }
  return parseFlow(parseFlowText(text, path), path);
}

/**
 * Loads every `*.yaml`, `*.yml` and `*.json` file directly in `dir` (sub-folders such as
 * `transcripts/` are not flows).
 */
export async function loadFlowCatalog(dir: string, defaultFlowId?: string): Promise<FlowCatalog> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isFile() && FLOW_EXTENSIONS.has(extname(d.name)))
      .map((d) => d.name)
      .sort();
  } catch (err) {
    throw new LeadbotError('FLOW_INVALID', `${dir}: cannot read the flows folder`, { cause: err });
  }
  const flows: Flow[] = [];
  for (const name of entries) flows.push(await loadFlowFile(join(dir, name)));
  if (flows.length === 0)
    throw new LeadbotError('FLOW_INVALID', `${dir}: no flow file (*.yaml, *.yml, *.json)`);
  return createFlowCatalog(flows, defaultFlowId);
}
