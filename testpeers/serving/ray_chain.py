"""A 3-step chain as a Ray Serve deployment graph (model composition with deployment handles).

The ingress deployment (`Chain`, the counterpart of AIOS's vDAG controller) takes the body AIOS's vDAG
data plane takes, `{"data": {...}, "session_id": ...}`, and hands the data through three echo
deployments in turn (`step1` → `step2` → `step3`, one replica each, each doing echo.py's work), each
call a deployment handle's remote call; it answers `{"data": <step3's output>}`.
"""

import os

from ray import serve
from ray.serve.handle import DeploymentHandle
from starlette.requests import Request

from echo import echo

# One replica; no CPU reserved (each deployment would wait for one of Ray's 2 logical CPUs
# otherwise); up to 64 requests at once at a replica, as AIOS's executor sends every request in
# flight to its instance: with Serve's default of 5, the proxy holds the rest back and retries.
DEPLOYMENT = {"num_replicas": 1, "ray_actor_options": {"num_cpus": 0}, "max_ongoing_requests": 64}

STEPS = ("step1", "step2", "step3")


@serve.deployment(**DEPLOYMENT)
class Step:
    def __init__(self, label: str) -> None:
        self.instance_id = f"ray-{label}-{os.getpid()}"

    async def infer(self, data: dict) -> dict:
        return echo(data, self.instance_id)


@serve.deployment(**DEPLOYMENT)
class Chain:
    def __init__(self, *steps: DeploymentHandle) -> None:
        self.steps = steps

    async def __call__(self, request: Request) -> dict:
        data = (await request.json()).get("data", {})
        for step in self.steps:
            data = await step.infer.remote(data)
        return {"data": data}


app = Chain.bind(*(Step.options(name=label).bind(label) for label in STEPS))
