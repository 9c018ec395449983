# syntax=docker/dockerfile:1
# One image, two entry points: the API (default, old space capped at 256 MiB, semi-space 32 MiB:
# it builds no APT publication, the worker does) and the worker (`node --max-old-space-size=1024 dist/src/worker.js`,
# see docker-compose.yml). The flags agree with package.json start:api / start:worker
# (src/infra/config/reference-deployment.spec.ts checks it).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json .swcrc ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
# npm run build: the server (swc → dist/src) and the web console (Vite → dist/console, served at /console).
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=8530
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends tini xz-utils && rm -rf /var/lib/apt/lists/*
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node config/sample-feed ./config/sample-feed
RUN mkdir -p /var/lib/patchgate && chown node:node /var/lib/patchgate
ENV PATCHGATE_DATA_DIR=/var/lib/patchgate
USER node
EXPOSE 8530
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8530)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=32", "dist/src/main.js"]
