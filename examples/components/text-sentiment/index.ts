// Process entry: `node --import tsx examples/components/text-sentiment/index.ts` (env from the process driver).
import { runComponent } from "@aios/instance-sdk";
import sentiment from "./sentiment";

runComponent(sentiment);
