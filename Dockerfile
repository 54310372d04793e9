# syntax=docker/dockerfile:1
# Two stages: the build compiles TypeScript and bundles the workflows with every dev tool at hand;
# the runtime has production dependencies and dist/ only, runs as `node` under tini (signals reach
# Node, zombies are reaped), and is the same image for the API, the worker, set-up and admin.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:24-bookworm-slim AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# The Temporal core bridge ships its native library for five platforms; only this one's is kept
# (about 110 MB less). test/stack/compiled-app.ts prunes the same way before running dist/.
RUN npm ci --omit=dev \
  && npm cache clean --force \
  && find node_modules/@temporalio/core-bridge/releases -mindepth 1 -maxdepth 1 \
       ! -name "$(uname -m)-unknown-linux-gnu" -exec rm -rf {} +
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--"]
# The worker: node dist/worker/main.js; set-up: node dist/scripts/migrate.js; keys: node dist/scripts/admin.js
CMD ["node", "dist/api/server.js"]
