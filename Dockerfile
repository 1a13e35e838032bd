# Tunerbridge as a container. Build:   docker build -t tunerbridge .
# Run (host networking, so Plex finds the tuner by HDHomeRun UDP 65001 and SSDP UDP 1900 discovery):
#   docker run -d --name tunerbridge --network host -v tunerbridge:/data --restart unless-stopped tunerbridge

# --- build: compiles the server and the web UI; better-sqlite3 builds from source when no prebuilt
# binary fits the platform, hence python3, make and g++ (they stay in this stage).
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The manifests first: the npm ci layer is reused until a dependency changes.
COPY package.json package-lock.json ./
COPY web/package.json web/
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-assets.mjs scripts/
COPY src src
COPY web web
# --workspaces=false: the web UI's packages (React, Mantine…) are only needed to build web/dist.
RUN npm run build \
  && npm prune --omit=dev --workspaces=false

# --- runtime: Node, the compiled server, its production packages and the built UI; no compiler.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    TUNERBRIDGE_DATA_DIR=/data \
    NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/web/dist web/dist
# The image's own non-root user (uid 1000) owns the data dir; a new named volume takes its owner and mode.
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME /data
# HTTP (tuner, API, web UI). With --network host these are the host's ports; discovery also uses
# UDP 65001 (HDHomeRun), TCP 65001 (HDHomeRun control) and UDP 1900 (SSDP), which need host
# networking to see the LAN's broadcasts: with -p port mappings add the tuner in Plex by IP.
EXPOSE 5004/tcp 65001/udp 65001/tcp 1900/udp
# The tuner endpoints answer loopback unless --allow-cidr leaves it out.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:5004/discover.json').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js", "serve", "--host", "0.0.0.0"]
