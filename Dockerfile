# One image for every AIOS process (api, web, agent, block executors and instances); the
# Kubernetes manifests in k8s/ choose the command. Build: docker build -t aios .
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
RUN npm ci --no-audit --no-fund \
  && cd apps/web && node ../../node_modules/next/dist/bin/next build
USER node
