/**
 * A file to a Slack channel without holding it in memory. `files.uploadV2` of @slack/web-api
 * reads a path or stream into one Buffer before sending, so the three steps it wraps are done
 * here with the bytes streamed from disk: `files.getUploadURLExternal` (name and length), a POST
 * of the raw bytes to the URL it returns, then `files.completeUploadExternal` to share the file
 * in the channel (https://api.slack.com/messaging/files#uploading_files).
 */
import { createReadStream } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import type { WebClient } from '@slack/web-api';
import type { SpooledFile } from '../shared/spool-file.ts';

/** POSTs the file's bytes to Slack's upload URL with their length, streamed from disk. */
async function postBytes(url: string, file: SpooledFile): Promise<void> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const status = await new Promise<number>((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    pipeline(createReadStream(file.path), req).catch(reject);
  });
  if (status !== 200) throw new Error(`Slack file upload answered HTTP ${status}`);
}

/** Uploads `file` and shares it in `channel` under its file name. */
export async function uploadFile(client: WebClient, channel: string, file: SpooledFile): Promise<void> {
  const { upload_url, file_id } = await client.files.getUploadURLExternal({
    filename: file.filename,
    length: file.bytes,
  });
  if (!upload_url || !file_id) throw new Error('files.getUploadURLExternal gave no upload URL');
  await postBytes(upload_url, file);
  await client.files.completeUploadExternal({
    files: [{ id: file_id, title: file.filename }],
    channel_id: channel,
  });
}
