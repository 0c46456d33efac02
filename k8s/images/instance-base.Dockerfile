# The base of a component's own image (containerRegistryInfo.containerImage, run by the agents'
# Kubernetes driver): Node 20, the instance SDK (@aios/instance-sdk) with the workspace packages it
# needs (policy-runtime, service-kit, contracts) and their dependencies, tsx among them, at /aios.
# A component copies its folder under /aios/components/, where `import "@aios/instance-sdk"`
# resolves from /aios/node_modules (examples/components/echo/Dockerfile):
#
#   FROM aios-instance-base
#   COPY . /aios/components/mine
#   CMD ["node", "--import", "tsx", "/aios/components/mine/index.ts"]
#
# The driver runs it with PORT, HOST (the pod's address) and the instance's variables set.
# Build from the repository's root:
#   docker build -f k8s/images/instance-base.Dockerfile -t aios-instance-base .
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /aios
COPY package.json package-lock.json ./
COPY packages/instance-sdk/ packages/instance-sdk/
COPY packages/policy-runtime/ packages/policy-runtime/
COPY packages/service-kit/ packages/service-kit/
COPY packages/contracts/ packages/contracts/
# The SDK's workspace only, without the repository's install scripts (they build the other
# workspaces); isolated-vm is then compiled for this Node.
RUN npm ci --workspace @aios/instance-sdk --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm rebuild isolated-vm

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /aios
COPY --from=build /aios /aios
RUN mkdir -p /aios/components
USER node
