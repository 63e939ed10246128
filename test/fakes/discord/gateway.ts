/**
 * The fake Discord's gateway (the `ws` package on the fake's port): HELLO, heartbeat ACKs,
 * READY and GUILD_CREATE on IDENTIFY, dispatches remembered for replays, and RESUME with
 * replay. Every connected client receives every dispatch, as every bot process logged in with
 * one token does (without sharding): two instances of the adapter see the same message.
 */
import type { WebSocket } from 'ws';
import { BOT_USER, IDS, type Json } from './state.ts';

export class FakeGateway {
  identifies: Json[] = [];
  resumes = 0;
  private sockets = new Set<WebSocket>();
  private seq = 0;
  private dispatched: Json[] = [];
  private replayOnResume: number[] = [];

  constructor(
    private readonly port: () => number,
    private readonly changed: () => void,
  ) {}

  /** Sends a dispatch (op 0) to every connected client and remembers it for replays; returns its index. */
  dispatch(t: string, d: Json): number {
    const packet = { op: 0, t, s: ++this.seq, d };
    this.dispatched.push(packet);
    for (const ws of this.sockets) ws.send(JSON.stringify(packet));
    return this.dispatched.length - 1;
  }

  /** Sends an earlier dispatch again, as Discord may after a reconnect (same event, new sequence). */
  redispatch(index: number): void {
    const packet = this.dispatched[index];
    if (!packet) throw new Error(`fake Discord: no dispatch #${index}`);
    this.dispatch(packet.t, packet.d);
  }

  /** Asks the clients to reconnect (op 7); on a RESUME, re-sends the given dispatches first. */
  reconnectAndReplay(indexes: number[]): void {
    this.replayOnResume = indexes;
    for (const ws of this.sockets) ws.send(JSON.stringify({ op: 7, d: null }));
  }

  /** A client connected: HELLO, then answer what it sends. */
  attach(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as Json;
      if (msg.op === 1) ws.send(JSON.stringify({ op: 11 }));
      if (msg.op === 2) this.onIdentify(ws, msg.d);
      if (msg.op === 6) {
        this.resumes += 1;
        for (const i of this.replayOnResume) ws.send(JSON.stringify(this.dispatched[i]));
        this.replayOnResume = [];
        ws.send(JSON.stringify({ op: 0, t: 'RESUMED', s: ++this.seq, d: {} }));
        this.changed();
      }
    });
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
  }

  private onIdentify(ws: WebSocket, d: Json): void {
    this.identifies.push(d);
    const send = (t: string, data: Json) => ws.send(JSON.stringify({ op: 0, t, s: ++this.seq, d: data }));
    send('READY', {
      v: 10,
      user: BOT_USER,
      guilds: [{ id: IDS.guild, unavailable: true }],
      session_id: 'fake-session',
      resume_gateway_url: `ws://127.0.0.1:${this.port()}`,
      shard: [0, 1],
      application: { id: IDS.application, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
    });
    const role = (id: string, name: string, position: number) => ({
      id,
      name,
      permissions: '0',
      position,
      color: 0,
      hoist: false,
      managed: false,
      mentionable: false,
      flags: 0,
    });
    send('GUILD_CREATE', {
      id: IDS.guild,
      name: 'Fake community',
      unavailable: false,
      owner_id: '1300000000000000099',
      joined_at: '2026-01-01T00:00:00.000000+00:00',
      member_count: 2,
      large: false,
      features: [],
      roles: [role(IDS.managerRole, 'Community managers', 1), role(IDS.guild, '@everyone', 0)],
      channels: [
        {
          id: IDS.channel,
          type: 0,
          name: 'general',
          position: 0,
          guild_id: IDS.guild,
          permission_overwrites: [],
        },
      ],
      members: [],
      emojis: [],
      stickers: [],
      threads: [],
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    });
    this.changed();
  }
}
