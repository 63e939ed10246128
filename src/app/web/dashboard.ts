/**
 * Mounts the dashboard on the app's HTTP server: funnel, leads table (+ CSV), lead page,
 * login/logout and its stylesheet. Every page but the login form needs the token (see
 * auth.ts); pages carry a CSP without inline script or style.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRoutes } from '../../../adapters/shared/types.ts';
import { html, securityHeaders, sendHtml } from '../../../adapters/web/html.ts';
import { readBody } from '../../../adapters/web/index.ts';
import type { FlowCatalog } from '../../core/flow/catalog.ts';
import { reportingOf } from '../../core/memory/memory-reporting.ts';
import type { Clock, LeadStore, Logger } from '../../core/ports.ts';
import {
  type FilterOptions,
  type FunnelReport,
  NONE_KEY,
  type ReportingQueries,
} from '../../core/reporting.ts';
import { createDashboardAuth } from './auth.ts';
import { layout } from './layout.ts';
import { leadPage } from './lead-page.ts';
import { LEADS_CSV_HEADER, leadsCsvLines, leadsPage } from './leads-page.ts';
import { overviewPage } from './overview-page.ts';
import { type DashboardQuery, parseQuery, toFilter, toLeadQuery } from './query.ts';

export interface DashboardDeps {
  store: LeadStore;
  token: string;
  logger: Logger;
  /** Defaults to `store.reporting`, else the repo-generic implementation. */
  reporting?: ReportingQueries;
  flows?: FlowCatalog;
  clock?: Clock;
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
  const auth = createDashboardAuth(deps.token);
  const reporting = deps.reporting ?? reportingOf(deps.store);
  const now = () => (deps.clock ?? { now: () => new Date() }).now();
  const log = deps.logger.child({ component: 'dashboard' });

  /** Wraps a page handler with the token check: browsers go to the login form, others get 401. */
  const guarded =
    (fn: (req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
    async (req: IncomingMessage, res: ServerResponse) => {
      if (auth.allows(req)) return fn(req, res);
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
    const token = new URLSearchParams(await readBody(req, 4096)).get('token') ?? '';
    if (!auth.checks(token.trim())) {
      log.warn({ ip: req.socket.remoteAddress }, 'dashboard login refused');
      return sendHtml(res, 401, loginPage('That token is not right.'));
    }
    const secure = req.headers['x-forwarded-proto'] === 'https';
    res.writeHead(303, {
      location: '/dashboard',
      'set-cookie': auth.sessionCookie(secure),
      ...securityHeaders(),
    });
    res.end();
  });
  http.route('POST', '/dashboard/logout', (_req, res) => {
    res.writeHead(303, {
      location: '/dashboard/login',
      'set-cookie': auth.clearCookie(),
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
      const [report, dropOff] = await Promise.all([reporting.funnel(filter), reporting.dropOff(filter)]);
      const opts = await options(query, report);
      sendHtml(
        res,
        200,
        overviewPage({ query, report, dropOff, options: opts, ...(deps.flows ? { flows: deps.flows } : {}) }),
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
            schedules: (await deps.store.schedules?.listForLead(lead.id)) ?? [],
            verdicts: (await deps.store.verdicts?.listForLead(lead.id)) ?? [],
          },
          deps.flows,
        ),
      );
    }),
  );
}
