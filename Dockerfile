# syntax=docker/dockerfile:1
# leadbot: the CLI compiled to dist/ at build time, embedded SQLite on a volume by default.
#   docker build -t leadbot .
#   docker run -v leadbot-data:/data -e TELEGRAM_BOT_TOKEN=... -p 3000:3000 leadbot
# `leadbot start` applies pending migrations before it serves, so a new image upgrades the
# database on its first start. Set DATABASE_URL=postgresql://... to use PostgreSQL instead.

# Node 24, the active LTS (Node 20 reached end of life on 2026-04-30). The code still supports
# >= 20.19 (package.json engines) and CI runs the tests on both.
ARG NODE_VERSION=24

# --- build: production dependencies, native modules compiled, Prisma clients generated, dist/ built ---
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 falls back to compiling when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json ./
# The postinstall step generates the Prisma clients from prisma/, then compiles src/ and
# adapters/ into dist/ (scripts/build.mjs, esbuild: a production dependency).
COPY scripts/ scripts/
COPY prisma/ prisma/
COPY src/ src/
COPY adapters/ adapters/
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && test -f dist/manifest.json

# --- runtime: no compiler, non-root, data on a volume ---
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATABASE_URL=file:/data/leadbot.db \
    HOST=0.0.0.0 \
    PORT=3000 \
    FLOWS_DIR=/app/flows
WORKDIR /app
# dist/ with the sources it was built from: bin/leadbot.js runs dist/ after checking they match.
COPY --from=build --chown=root:root /app/ ./
COPY --chown=root:root bin/ bin/
COPY --chown=root:root flows/ flows/
# Code is owned by root and read-only to the app user; only /data is writable.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node is PID 1 and leadbot handles SIGTERM itself: adapters stop, the store closes, exit 0.
ENTRYPOINT ["node", "bin/leadbot.js"]
CMD ["start"]
