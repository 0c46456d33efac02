// Process entry: `node --import tsx examples/components/language-detect/index.ts` (env from the process driver).
import { runComponent } from "@aios/instance-sdk";
import languageDetect from "./language-detect";

runComponent(languageDetect);
