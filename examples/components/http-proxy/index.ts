// Process entry: `node --import tsx examples/components/http-proxy/index.ts` (env from the process driver).
import { runComponent } from "@aios/instance-sdk";
import httpProxy from "./http-proxy";

runComponent(httpProxy);
