# The LinguaLeap game server image (docker-compose.yml builds it; `docker build -t lingualeap .`).
#   build:   every dependency, the browser game built by Vite into web/dist, and the server
#            compiled by tsc next to its sources (server/main.js beside server/main.ts), so
#            every path the server reads relative to its files (web/dist, content/decks) is
#            the same as in the repository.
#   runtime: production dependencies only, the compiled server and the built game, run as
#            the unprivileged `node` user. /data is for this process's outbox and dead letters
#            (mount a volume per process there).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web \
 && npx tsc -p tsconfig.build.json --outDir . \
 && test -f web/dist/index.html && test -f server/main.js

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=2567
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/server ./server
COPY --from=build /app/rooms ./rooms
COPY --from=build /app/client-sdk ./client-sdk
COPY --from=build /app/content ./content
COPY --from=build /app/web/dist ./web/dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 2567
# SIGTERM drains (running duels finish within SHUTDOWN_GRACE_MS): give `docker stop` a longer
# --time, as docker-compose.yml's stop_grace_period does.
STOPSIGNAL SIGTERM
CMD ["node", "server/main.js"]
