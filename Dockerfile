# The LinguaLeap game server image (docker-compose.yml builds it; `docker build -t lingualeap .`).
#   build:   every dependency, then `npm run build` (scripts/build.mjs): the browser game
#            built by Vite, the server compiled by tsc into dist/, and beside it what the
#            compiled server reads relative to its files (dist/content/decks, dist/web/dist).
#   runtime: production dependencies only and dist/ (the compiled server with its decks and
#            the built game), run as the unprivileged `node` user. /data is for this
#            process's outbox and dead letters (mount a volume per process there).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && test -f dist/content/lexicon/es.json \
 && test -f dist/web/dist/index.html && test -f dist/content/decks/es.json && test -f dist/server/main.js

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=2567
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 2567
# SIGTERM drains (running duels finish within SHUTDOWN_GRACE_MS): give `docker stop` a longer
# --time, as docker-compose.yml's stop_grace_period does.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
