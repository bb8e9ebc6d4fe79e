# syntax=docker/dockerfile:1
# The control plane as a container: `docker compose up` runs the API and the worker on PostgreSQL.
# Same code as `npm run start:api` / `start:worker`, run by node with tsx; the database comes from DATABASE_URL (nothing is embedded).

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first, so dependencies are reinstalled only when they change. npm ci runs
# `prisma generate` and the dashboard's build (postinstall), which need the schema,
# prisma.config.ts and the dashboard's sources.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY packages/core/package.json packages/core/
COPY packages/config/package.json packages/config/
COPY packages/db/package.json packages/db/
COPY packages/cloud/package.json packages/cloud/
COPY packages/runtime/package.json packages/runtime/
COPY packages/client/package.json packages/client/
COPY infra/package.json infra/
# The dashboard is built by npm ci: its sources, and the generated client it imports.
COPY packages/client/src packages/client/src/
COPY apps/web apps/web/
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY . .

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# The image's unprivileged user (uid 1000).
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The API by default; the worker with `node --import tsx apps/worker/src/main.ts` as the command.
# node itself is the container's main process, so `docker stop`'s SIGTERM reaches it directly and
# the app drains (within 8 s, under docker's 10 s) instead of dying behind npm and a shell.
CMD ["node", "--import", "tsx", "apps/api/src/server.ts"]
