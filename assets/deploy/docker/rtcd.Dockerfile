# rtcd container image. Build from the repository root:
#   docker build -f assets/deploy/docker/rtcd.Dockerfile -t registry.example.com/calls-ts/rtcd:0.1.0 .
# Runs as uid 65532 with a read-only root file system (the Kubernetes manifests mount /data and /tmp).
# Config: RTCD_* environment variables, or a file mounted at /config/config.toml and `-config` (args).

FROM node:20-bookworm-slim AS build
WORKDIR /src
# Manifests first so that the dependency layer is cached across source changes. Every workspace's
# package.json is needed for `npm ci` to accept the lockfile; only rtcd's dependencies are kept.
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY rtcd/package.json rtcd/
COPY host/package.json host/
COPY plugin/package.json plugin/
COPY webapp/package.json webapp/
COPY e2e/package.json e2e/
RUN npm ci --workspace rtcd --include-workspace-root --ignore-scripts
COPY rtcd/ rtcd/
RUN npx tsc -b rtcd && npm prune --omit=dev --workspace rtcd --include-workspace-root --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    RTCD_LOGGER_ENABLEFILE=false \
    RTCD_STORE_DATASOURCE=/data/db
WORKDIR /opt/rtcd
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/rtcd/package.json ./rtcd/package.json
COPY --from=build /src/rtcd/dist ./rtcd/dist
COPY --from=build /src/rtcd/config/config.sample.toml ./rtcd/config/config.sample.toml
USER 65532:65532
EXPOSE 8045/tcp 8443/udp 8443/tcp
# SIGTERM drains (see docs/scaling-rtcd.md); node runs as PID 1 and handles it itself.
ENTRYPOINT ["node", "/opt/rtcd/rtcd/dist/main.js"]
