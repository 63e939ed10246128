/** The pages the web chat serves itself: a small landing page and the embed snippet. */
import { html, type SafeHtml } from './html.ts';

function layout(title: string, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/site.css">
</head>
<body>
${body}
</body>
</html>`;
}

/** The embed snippet for another site, given the public base URL of this leadbot. */
export function embedSnippet(baseUrl: string): string {
  return `<div id="leadbot-chat"></div>\n<script src="${baseUrl}/widget.js" defer></script>`;
}

/** `/`: what leadbot does, the chat itself, and links to the dashboard and the embed snippet. */
export function landingPage(): SafeHtml {
  return layout(
    'Talk to us',
    html`<main>
<div>
<h1>Talk to us</h1>
<p>Answer a few quick questions and the right person on our team gets back to you.</p>
<p>This page runs the same qualification flow as the Slack, Discord and Telegram bots.
Operators: see the <a href="/dashboard">dashboard</a> and the <a href="/embed">embed snippet</a> for your own site.</p>
</div>
<div id="leadbot-chat"></div>
</main>
<script src="/widget.js" defer></script>`,
  );
}

/** `/embed`: the snippet to paste into another site. */
export function embedPage(baseUrl: string): SafeHtml {
  return layout(
    'Embed the leadbot chat',
    html`<main>
<div>
<h1>Embed the chat on your site</h1>
<p>Paste this where the chat should appear. Without the <code>div</code>, it floats in the corner.
UTM parameters of the page (<code>utm_source</code>, <code>utm_medium</code>, <code>utm_campaign</code>)
or the referring site become the lead's source.</p>
<pre>${embedSnippet(baseUrl)}</pre>
<p>Allow your site's origin with <code>WEB_CHAT_ORIGINS=https://www.example.com</code>.</p>
</div>
</main>`,
  );
}
