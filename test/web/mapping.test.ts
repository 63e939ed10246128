/** Pure parts of the web chat: request → event, replies → widget JSON, config. */
import { describe, expect, it } from 'vitest';
import { parseWebConfig } from '../../adapters/web/config.ts';
import { escapeHtml, html } from '../../adapters/web/html.ts';
import { campaignOf, toInboundEvent } from '../../adapters/web/inbound.ts';
import { renderMessages } from '../../adapters/web/outbound.ts';
import { isLeadbotError } from '../../src/core/errors.ts';

const ids = { visitorId: 'visitor-0001', eventId: 'event-000001' };

describe('web inbound', () => {
  it('maps a message to a direct event whose user and channel are the visitor id', () => {
    expect(toInboundEvent({ ...ids, kind: 'message', text: '  Acme  ' })).toMatchObject({
      kind: 'message',
      platform: 'web',
      workspaceId: '',
      userId: 'visitor-0001',
      channelId: 'visitor-0001',
      isDirect: true,
      leadOnAnswer: true,
      text: 'Acme',
    });
  });

  it("keys events by visitor and event id, so no visitor can take another one's event ids", () => {
    const mine = toInboundEvent({ ...ids, kind: 'message', stepId: 'company', text: 'Acme' });
    const theirs = toInboundEvent({ ...ids, visitorId: 'visitor-0002', kind: 'message', text: 'Acme' });
    expect(mine).toMatchObject({ eventId: 'visitor-0001:event-000001', stepId: 'company' });
    expect(theirs?.eventId).toBe('visitor-0002:event-000001');
  });

  it('maps choices and commands, and ignores an empty message', () => {
    expect(toInboundEvent({ ...ids, kind: 'choice', stepId: 'need', values: ['evaluating'] })).toMatchObject({
      kind: 'choice',
      stepId: 'need',
      values: ['evaluating'],
    });
    expect(toInboundEvent({ ...ids, kind: 'command', name: 'start' })).toMatchObject({
      kind: 'command',
      name: 'start',
      args: [],
    });
    expect(toInboundEvent({ ...ids, kind: 'message', text: '   ' })).toBeNull();
  });

  it('refuses malformed bodies with a BAD_INPUT error naming the field', () => {
    const bad = [
      null,
      { ...ids, kind: 'message' },
      { ...ids, visitorId: 'short', kind: 'message', text: 'x' },
      { ...ids, kind: 'command', name: 'drop-tables' },
      { ...ids, kind: 'choice', values: [] },
      { ...ids, kind: 'message', text: 'x'.repeat(2001) },
    ];
    for (const body of bad) {
      let caught: unknown;
      try {
        toInboundEvent(body);
      } catch (err) {
        caught = err;
      }
      expect(isLeadbotError(caught, 'BAD_INPUT'), JSON.stringify(body)).toBe(true);
    }
    expect(() => toInboundEvent({ ...ids, visitorId: 'a b c d e f g', kind: 'message', text: 'x' })).toThrow(
      /visitorId/,
    );
  });

  it('takes the campaign from UTM parameters, else the referring site', () => {
    expect(campaignOf({ utm_source: 'newsletter', utm_campaign: 'spring' })).toBe('newsletter/spring');
    expect(campaignOf({ utm_campaign: 'spring', referrer: 'https://news.example/a' })).toBe('spring');
    expect(campaignOf({ referrer: 'https://news.example/a?b=1' })).toBe('ref:news.example');
    expect(campaignOf({ referrer: 'not a url' })).toBeUndefined();
    expect(campaignOf(undefined)).toBeUndefined();
    const event = toInboundEvent({ ...ids, kind: 'command', name: 'start', source: { utm_source: 'ads' } });
    expect(event?.campaign).toBe('ads');
  });
});

describe('web outbound', () => {
  it('keeps text as text, strips control and bidi override characters, and keeps choices', () => {
    const [m] = renderMessages([
      {
        kind: 'question',
        text: 'Hi <b>\u202Eevil\u0007',
        stepId: 'need',
        choices: [{ value: 'a', label: '<img src=x>' }],
        multiple: true,
      },
    ]);
    expect(m).toEqual({
      kind: 'question',
      text: 'Hi <b>evil',
      stepId: 'need',
      choices: [{ value: 'a', label: '<img src=x>' }],
      multiple: true,
    });
  });
});

describe('web config', () => {
  it('is on by default, off with WEB_CHAT=off, and names a bad variable', () => {
    expect(parseWebConfig({})).toEqual({ allowedOrigins: [] });
    expect(parseWebConfig({ WEB_CHAT: 'off' })).toBeNull();
    expect(parseWebConfig({ WEB_CHAT_ORIGINS: 'https://a.example, https://b.example:8443' })).toEqual({
      allowedOrigins: ['https://a.example', 'https://b.example:8443'],
    });
    expect(() => parseWebConfig({ WEB_CHAT: 'maybe' })).toThrow(/WEB_CHAT/);
    expect(() => parseWebConfig({ WEB_CHAT_ORIGINS: 'https://a.example/path' })).toThrow(/WEB_CHAT_ORIGINS/);
  });
});

describe('html', () => {
  it('escapes every interpolation but nested templates', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<p title="${name}">${name}${html`<br>`}</p>`.value).toBe(
      `<p title="${escapeHtml(name)}">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br></p>`,
    );
  });
});
