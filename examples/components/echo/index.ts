// Process entry: `node --import tsx examples/components/echo/index.ts` (env PORT, BLOCK_ID, INSTANCE_ID, AIOS_INIT_DATA).
import { runComponent } from "@aios/instance-sdk";
import echo from "./echo";

runComponent(echo);
