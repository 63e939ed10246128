/**
 * Mounts the dashboard on the app's HTTP server: funnel, leads table (+ CSV), lead page,
 * login/logout and its stylesheet. Every page but the login form needs the token (see
 * auth.ts); pages carry a CSP without inline script or style.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpStatusOf } from '../../../adapters/shared/http-body.ts';
import type { HttpRoutes } from '../../../adapters/shared/types.ts';
import { html, securityHeaders, sendHtml } from '../../../adapters/web/html.ts';
import { readBody } from '../../../adapters/web/index.ts';
import { isLeadbotError, RateLimitedError } from '../../core/errors.ts';
import type { FlowCatalog } from '../../core/flow/catalog.ts';
import type { Clock, LeadStore, Logger } from '../../core/ports/index.ts';
import { type FilterOptions, type FunnelReport, NONE_KEY } from '../../core/reporting.ts';
import type { LoginLimits } from '../rate-limits.ts';
import { createDashboardAuth } from './auth.ts';
import { DEFAULT_SESSION_HOURS } from './config.ts';
import { layout } from './layout.ts';
import { leadPage } from './lead-page.ts';
import { LEADS_CSV_HEADER, leadsCsvLines, leadsPage } from './leads-page.ts';
import { overviewPage } from './overview-page.ts';
import { type DashboardQuery, parseQuery, toFilter, toLeadQuery } from './query.ts';

export interface DashboardDeps {
  /** Leads, their reporting queries and the login sessions (`store.reporting`, `store.sessions`). */
  store: LeadStore;
  token: string;
  logger: Logger;
  flows?: FlowCatalog;
  clock?: Clock;
  /** Sliding session lifetime (`DASHBOARD_SESSION_HOURS`, default 12). */
  sessionHours?: number;
  /** Budget of failed logins and Bearer tokens per client address; unlimited when absent. */
  limits?: LoginLimits;
}

const CSS = readFileSync(new URL('./static/dashboard.css', import.meta.url));

function loginPage(error?: string) {
  return layout(
    'Dashboard login',
    html`<form method="post" action="/dashboard/login" class="login">
<p>Enter the dashboard token (<code>DASHBOARD_TOKEN</code>, or the one <code>leadbot start</code> printed).</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<label>Token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Log in</button>
</form>`,
    { nav: false },
  );
}

/** The login form posts one short field; anything bigger is refused with 413. */
const LOGIN_MAX_BODY = 4096;

/** 429 with `Retry-After`: the login form with the message for browsers, plain text for scripts. */
function tooMany(res: ServerResponse, err: RateLimitedError, type: 'text/html' | 'text/plain'): void {
  res.setHeader('retry-after', String(err.retryAfterSeconds));
  if (type === 'text/html') {
    sendHtml(res, 429, loginPage(err.userMessage));
    return;
  }
  res.writeHead(429, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(err.userMessage);
}

/** Resolves when the response can take more, or when the client went away. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Mounts the dashboard routes. */
export function mountDashboard(http: HttpRoutes, deps: DashboardDeps): void {
  const clock = deps.clock ?? { now: () => new Date() };
  const auth = createDashboardAuth({
    token: deps.token,
    sessions: deps.store.sessions,
    clock,
    sessionMs: (deps.sessionHours ?? DEFAULT_SESSION_HOURS) * 3_600_000,
  });
  const reporting = deps.store.reporting;
  const now = () => clock.now();
  const limits = deps.limits;
  const log = deps.logger.child({ component: 'dashboard' });

  /**
   * Wraps a page handler with the access check: a valid session (its cookie refreshed) or the
   * Bearer token goes on; browsers go to the login form, others get 401. A wrong Bearer token is
   * a failed login: it counts against the address, and an address over its budget gets 429.
   */
  const guarded =
    (fn: (req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
    async (req: IncomingMessage, res: ServerResponse) => {
      try {
        if (req.headers.authorization?.startsWith('Bearer ')) await limits?.admit(req);
        const access = await auth.identify(req);
        if (access.kind === 'session') res.setHeader('set-cookie', access.cookie);
        if (access.kind === 'session' || access.kind === 'bearer') return await fn(req, res);
        if (access.kind === 'bad-bearer') await limits?.failed(req, 'bearer');
      } catch (err) {
        if (err instanceof RateLimitedError) return tooMany(res, err, 'text/plain');
        throw err;
      }
      if ((req.headers.accept ?? '').includes('text/html')) {
        res.writeHead(303, { location: '/dashboard/login', ...securityHeaders() });
        res.end();
        return;
      }
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' });
      res.end('dashboard token required (Authorization: Bearer <DASHBOARD_TOKEN>)');
    };

  /**
   * The platforms and campaigns present in the chosen time range, for the filter menus (the
   * chosen ones always among them). Without a platform or campaign filter the funnel's own
   * breakdowns already are that list, so no query is spent on it.
   */
  async function options(query: DashboardQuery, report?: FunnelReport): Promise<FilterOptions> {
    const found =
      report && !query.platform && !query.campaign
        ? {
            platforms: report.byPlatform.map((g) => g.key).filter((k) => k !== NONE_KEY),
            campaigns: report.byCampaign.map((g) => g.key).filter((k) => k !== NONE_KEY),
          }
        : await reporting.filterOptions(
            toFilter({ ...query, platform: undefined, campaign: undefined }, now()),
          );
    const withChosen = (list: string[], chosen: string | undefined) =>
      chosen && !list.includes(chosen) ? [...list, chosen] : list;
    return {
      platforms: withChosen(found.platforms, query.platform),
      campaigns: withChosen(found.campaigns, query.campaign),
    };
  }

  http.route('GET', '/dashboard/dashboard.css', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'x-content-type-options': 'nosniff' });
    res.end(CSS);
  });
  http.route('GET', '/dashboard/login', (_req, res) => sendHtml(res, 200, loginPage()));
  http.route('POST', '/dashboard/login', async (req, res) => {
    try {
      await limits?.admit(req); // an address over its budget may not even try
      const token = new URLSearchParams(await readBody(req, LOGIN_MAX_BODY)).get('token') ?? '';
      if (!auth.checks(token.trim())) {
        await limits?.failed(req, 'form'); // logs, once a minute per address
        return sendHtml(res, 401, loginPage('That token is not right.'));
      }
    } catch (err) {
      if (err instanceof RateLimitedError) return tooMany(res, err, 'text/html');
      // A body over the cap is a 413 with the form again, not a 500.
      if (isLeadbotError(err)) return sendHtml(res, httpStatusOf(err), loginPage(err.userMessage));
      throw err;
    }
    // Failures are logged by the limits (once a minute per address); a login is worth a line each.
    log.info({ ip: req.socket.remoteAddress }, 'dashboard login');
    res.writeHead(303, { location: '/dashboard', 'set-cookie': await auth.login(req), ...securityHeaders() });
    res.end();
  });
  http.route('POST', '/dashboard/logout', async (req, res) => {
    res.writeHead(303, {
      location: '/dashboard/login',
      'set-cookie': await auth.logout(req),
      ...securityHeaders(),
    });
    res.end();
  });

  http.route(
    'GET',
    '/dashboard',
    guarded(async (req, res) => {
      const query = parseQuery(req.url ?? '');
      const filter = toFilter(query, now());
      const [report, dropOff, speed, replySpeed, nurture] = await Promise.all([
        reporting.funnel(filter),
        reporting.dropOff(filter),
        reporting.speedToLead('claim'),
        reporting.speedToLead('reply'),
        reporting.nurtureFunnel(filter),
      ]);
      const opts = await options(query, report);
      sendHtml(
        res,
        200,
        overviewPage({
          query,
          report,
          dropOff,
          speed,
          replySpeed,
          nurture,
          options: opts,
          ...(deps.flows ? { flows: deps.flows } : {}),
        }),
      );
    }),
  );

  http.route(
    'GET',
    '/dashboard/leads',
    guarded(async (req, res) => {
      const query = parseQuery(req.url ?? '');
      const [table, opts] = await Promise.all([reporting.leads(toLeadQuery(query, now())), options(query)]);
      sendHtml(res, 200, leadsPage({ query, table, options: opts }));
    }),
  );

  http.route(
    'GET',
    '/dashboard/leads.csv',
    guarded(async (req, res) => {
      // Streamed a page at a time (keyset on createdAt, id), newest first: the next page is read
      // only once the client has taken the last one, so no export holds every lead.
      const query = parseQuery(req.url ?? '');
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="leads-${now().toISOString().slice(0, 10)}.csv"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.write(LEADS_CSV_HEADER);
      for await (const page of reporting.leadPages(toLeadQuery(query, now()), 500)) {
        if (res.destroyed) break;
        if (!res.write(leadsCsvLines(page))) await drainedOrClosed(res);
      }
      res.end();
    }),
  );

  http.route(
    'GET',
    '/dashboard/lead',
    guarded(async (req, res) => {
      const id = new URL(req.url ?? '', 'http://x').searchParams.get('id') ?? '';
      const lead = id ? await deps.store.getLead(id) : null;
      if (!lead) return sendHtml(res, 404, layout('Lead not found', html`<p>No lead has this id.</p>`));
      const conversations = await deps.store.listConversations(lead.id);
      sendHtml(
        res,
        200,
        leadPage(
          {
            lead,
            conversations: await Promise.all(
              conversations.map(async (conversation) => ({
                conversation,
                answers: await deps.store.listAnswers(conversation.id),
              })),
            ),
            contributions: await deps.store.listScoreContributions(lead.id),
            stageChanges: await deps.store.listStageChanges(lead.id),
            notes: await deps.store.listNotes(lead.id),
            schedules: await deps.store.schedules.listForLead(lead.id),
            verdicts: await deps.store.verdicts.listForLead(lead.id),
            identities: await deps.store.listIdentities(lead.id),
            handoff: await deps.store.handoffs.listMessages(lead.id),
          },
          deps.flows,
        ),
      );
    }),
  );
}
