// Process entry: `node --import tsx examples/components/greeter-with-sidecar/index.ts`.
// Runs beside its init container (prepare.ts) and side-car (stamp-server.ts): see README.md.
import { runComponent } from "@aios/instance-sdk";
import greeter from "./greeter";

runComponent(greeter);
