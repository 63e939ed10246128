/** In-memory {@link SessionStore}: dashboard sessions of one process, lost at restart. */
import type { SessionStore } from '../ports/index.ts';

export function createMemorySessionStore(): SessionStore {
  const sessions = new Map<string, { expiresAt: Date }>();
  return {
    async create({ idHash, expiresAt }) {
      sessions.set(idHash, { expiresAt });
    },
    async touch(idHash, now, expiresAt) {
      const session = sessions.get(idHash);
      if (!session || session.expiresAt <= now) return false;
      session.expiresAt = expiresAt;
      return true;
    },
    async revoke(idHash) {
      sessions.delete(idHash);
    },
    async prune(now) {
      let n = 0;
      for (const [id, s] of sessions)
        if (s.expiresAt <= now) {
          sessions.delete(id);
          n += 1;
        }
      return n;
    },
  };
}
