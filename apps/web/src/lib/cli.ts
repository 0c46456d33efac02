/** The exact commands empty states tell the user to run (from the repository root). */
export const CLI = {
  applyCluster: "npx aios apply -f examples/specs/local-cluster.json",
  applyComponents: "npx aios apply -f examples/specs/components.json",
  applyBlock: "npx aios apply -f block.json",
  applyVdag: "npx aios apply -f vdag.json",
  applyPolicy: "npx aios apply -f policy.json",
  deployFunction: "npx aios function deploy tally --policy counter:1.0.0-stable --cluster local",
  createGraph: 'npx aios graph create tally-then-stats --graph \'{"tally":["stats"]}\'',
  submitJob:
    "npx aios policy job submit word-stats:1.0.0-stable --cluster local --input '\"some text\"' --wait",
  startAgent:
    "AIOS_CLUSTER_ID=<cluster> AIOS_QUEUE_URL=<redis-url> node --import tsx apps/agents/src/main.ts",
  startExecutor:
    "AIOS_API_URL=<api-url> AIOS_TOKEN=<operator-token> AIOS_EXECUTOR_NAME=<name> npm start -w @aios/policy-executor",
  start: "npm start",
  createToken: "npx aios token create --role viewer --name NAME --expires 30d",
  uploadAsset: "npx aios asset upload model.bin --name my-model --version 1.0.0 --tag stable",
  putSpec: "npx aios specs put my-service:1.0.0-stable -f examples/templates/one-model-service.json",
  addContainerRegistry:
    "npx aios container-registry add ghcr --url ghcr.io --username USER --password-env REGISTRY_PASSWORD",
} as const;
