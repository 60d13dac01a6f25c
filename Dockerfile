# The Reachdiff GitHub App. Build: docker build -t reachdiff-app .
# Run:   docker run -p 3000:3000 -e APP_ID=... -e PRIVATE_KEY="$(cat key.pem)" -e WEBHOOK_SECRET=... reachdiff-app
# One image for every role: REACHDIFF_ROLE=web|worker|all (default all), REDIS_URL for a shared queue
# (see deploy/compose.yaml and deploy/helm/reachdiff).
# Stop:  docker stop -t 30 <container>  (SIGTERM: running reviews get REACHDIFF_DRAIN_MS, 20 s, to
#        finish, then are handed back to the queue or concluded saying how to re-run; keep the stop
#        timeout, or Kubernetes' terminationGracePeriodSeconds, default 30, ~10 s above it. `probot run
#        build/src/app.js` alone does the same with REACHDIFF_SHUTDOWN_GRACE_MS.)
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --ignore-scripts

# kustomize and helm, for rendering overlays and charts into manifests. Pinned versions, verified
# against the checksums each project publishes next to its release.
FROM node:24-slim AS tools
ARG TARGETARCH=amd64
ARG KUSTOMIZE_VERSION=5.7.1
ARG HELM_VERSION=3.19.0
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*
WORKDIR /tmp/tools
RUN set -eux; \
    k="kustomize_v${KUSTOMIZE_VERSION}_linux_${TARGETARCH}.tar.gz"; \
    curl -fsSLO "https://github.com/kubernetes-sigs/kustomize/releases/download/kustomize%2Fv${KUSTOMIZE_VERSION}/${k}"; \
    curl -fsSL "https://github.com/kubernetes-sigs/kustomize/releases/download/kustomize%2Fv${KUSTOMIZE_VERSION}/checksums.txt" | grep " ${k}\$" | sha256sum -c -; \
    tar -xzf "${k}" kustomize; \
    h="helm-v${HELM_VERSION}-linux-${TARGETARCH}.tar.gz"; \
    curl -fsSLO "https://get.helm.sh/${h}"; \
    echo "$(curl -fsSL "https://get.helm.sh/${h}.sha256sum" | cut -d' ' -f1)  ${h}" | sha256sum -c -; \
    tar -xzf "${h}" --strip-components=1 "linux-${TARGETARCH}/helm"; \
    ./kustomize version && ./helm version --short

FROM node:24-slim
# tini as PID 1: it forwards SIGTERM and SIGINT to node (node as PID 1 would not get the default
# handlers) and reaps the helm and kustomize processes renders start.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    # probot listens on localhost by default: unreachable from outside a container.
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=tools /tmp/tools/kustomize /tmp/tools/helm /usr/local/bin/
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build/src ./build/src
COPY package.json app.yml ./
USER node
EXPOSE 3000
# Renders write to /tmp only (mount it writable when the root filesystem is read-only); archives are
# kept there by commit (README: "Archives are cached on disk by commit").
ENV HOME=/tmp \
    REACHDIFF_ARCHIVE_CACHE_DIR=/tmp/reachdiff-archives
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "build/src/service/main.js"]
