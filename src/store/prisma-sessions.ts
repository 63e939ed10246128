/**
 * {@link SessionStore} over Prisma: one `DashboardSession` row per login, keyed by the hash of
 * the session id. `touch` is a single conditional UPDATE, so a session that expired or was
 * revoked on another instance is refused everywhere at once.
 */
import type { SessionStore } from '../core/ports/index.ts';
import type { Client } from './prisma-types.ts';

export function createPrismaSessionStore(client: Client): SessionStore {
  return {
    async create({ idHash, now, expiresAt }) {
      await client.dashboardSession.create({ data: { idHash, createdAt: now, lastSeenAt: now, expiresAt } });
    },
    async touch(idHash, now, expiresAt) {
      const { count } = await client.dashboardSession.updateMany({
        where: { idHash, expiresAt: { gt: now } },
        data: { expiresAt, lastSeenAt: now },
      });
      return count === 1;
    },
    async revoke(idHash) {
      await client.dashboardSession.deleteMany({ where: { idHash } });
    },
    async prune(now) {
      const { count } = await client.dashboardSession.deleteMany({ where: { expiresAt: { lte: now } } });
      return count;
    },
  };
}
