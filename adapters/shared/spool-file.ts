/**
 * A manager command's file (an export of any number of leads) written to a temporary file chunk
 * by chunk, so the adapter uploads it from disk as a stream and the process never holds the whole
 * CSV (at 1,000,000 leads it is ~150 MB). Platforms cap what a bot may upload: over the cap the
 * adapter says so in words instead of trying (see {@link tooLargeText}).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CommandFile } from '../../src/core/commands/index.ts';

export interface SpooledFile {
  path: string;
  filename: string;
  bytes: number;
  /** Removes the temporary file (call it in a `finally`). */
  dispose(): Promise<void>;
}

/** Writes the file's chunks to a fresh temporary directory, with backpressure. */
export async function spoolFile(file: CommandFile): Promise<SpooledFile> {
  const dir = await mkdtemp(join(tmpdir(), 'leadbot-file-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const path = join(dir, basename(file.filename) || 'file');
    await pipeline(Readable.from(file.chunks()), createWriteStream(path));
    return { path, filename: file.filename, bytes: (await stat(path)).size, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** What a manager reads when the file is over the platform's upload cap. */
export function tooLargeText(bytes: number, limitBytes: number, platform: string): string {
  const mb = (n: number) => `${Math.ceil(n / 1_000_000)} MB`;
  return `The export is ${mb(bytes)}, over the ${mb(limitBytes)} ${platform} accepts from a bot. Narrow it with filters (stage, @owner, source, since), or download it from the dashboard's leads page.`;
}
