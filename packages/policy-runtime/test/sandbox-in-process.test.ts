import { loadPolicyInstance } from "../src/sandbox";
import { describeSandboxContract, loadWith } from "./sandbox-contract";

// Fatal-OOM bombs are left out: in this process they would abort the test runner (see README).
describeSandboxContract("isolated-vm in-process", loadWith({ isolation: "in-process" }, loadPolicyInstance), {
  containsFatalOom: false,
});
