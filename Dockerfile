# cairn serve as a container image: a deployer that follows a model repository's branch through git
# and serves uploads over HTTP (POST /v1/uploads, /metrics, /healthz, /readyz, POST /v1/refresh).
#
#   docker build -t cairn-serve .
#   docker run -p 8080:8080 -v cairn-data:/var/lib/cairn cairn-serve \
#     --model shapes --remote https://github.com/acme/models.git
#
# Arguments after the image name go to `cairn serve`. The upload log (SQLite) and the mirror of
# the remote live in the volume /var/lib/cairn. A private remote: an SSH URL with a read-only deploy
# key mounted at /home/node/.ssh, or a git credential helper configured in /home/node/.gitconfig.
# The webhook secret comes from the environment: -e CAIRN_WEBHOOK_SECRET=...

FROM node:20-bookworm-slim AS build
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY src ./src
# npm ci compiles src/ into dist/ (the prepare script); the development dependencies then go.
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
# git fetches the followed branch; ssh for deploy keys; tini forwards SIGTERM so uploads in flight drain.
RUN apt-get update \
  && apt-get install -y --no-install-recommends git openssh-client ca-certificates tini \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /var/lib/cairn \
  && chown node:node /var/lib/cairn
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY thresholds ./thresholds
ENV NODE_ENV=production
# Decodes use libuv's pool; the deployer runs one upload fewer than its size at once,
# so a reload's reads always find a free thread. Read at start-up only.
ENV UV_THREADPOOL_SIZE=8
USER node
WORKDIR /var/lib/cairn
VOLUME /var/lib/cairn
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["tini", "--", "node", "/app/bin/cairn.js", "serve", "--host", "0.0.0.0", "--port", "8080", "--data-dir", "/var/lib/cairn"]
CMD ["--help"]
