/**
 * Prisma's real schema engine, compiled to wasm, driven through a driver adapter.
 *
 * The native schema engine is a download this offline project cannot rely on; the wasm build
 * is an npm package. Its main entry imports the .wasm as an ES module (needs a Node flag), so
 * we load the `schema_engine_bg` glue ourselves and instantiate the .wasm next to it.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';

export type { SchemaEngine } from '@prisma/schema-engine-wasm';

interface WasmApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

let loaded: Promise<typeof bg> | undefined;

/** Instantiates the wasm module once per process (it is ~10 MB; later engines reuse it). */
function loadWasm(): Promise<typeof bg> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const glue = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(join(dirname(glue), 'schema_engine_bg.wasm'));
    // The project's lib settings do not declare WebAssembly (no DOM lib); Node has it globally.
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const { instance } = await wasm.instantiate(bytes, { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return loaded;
}

/** Called by the engine with JSON log lines; we only keep them for error messages. */
export type EngineLogCallback = (line: string) => void;

/**
 * Constructs a schema engine for one Prisma schema text, talking to the database through
 * `adapterFactory`. Call `engine.free()` when done (the adapter's pool is not closed by it).
 */
export async function createSchemaEngine(
  schemaName: string,
  schemaText: string,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  log: EngineLogCallback = () => {},
): Promise<SchemaEngine> {
  const mod = await loadWasm();
  const engine = await mod.SchemaEngine.new(
    { datamodels: [[schemaName, schemaText]] },
    log,
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
  return engine as SchemaEngine;
}

/** Schema engine errors arrive as JSON strings or objects; this extracts a readable line. */
export function engineErrorMessage(error: unknown): string {
  const raw =
    error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  try {
    const parsed = JSON.parse(raw) as { message?: string; error?: string };
    return firstLine(parsed.message ?? parsed.error ?? raw);
  } catch {
    return firstLine(raw);
  }
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '') ?? text;
}
