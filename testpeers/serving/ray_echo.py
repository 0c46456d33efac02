"""Ray Serve's echo model: one deployment, one replica, called over Ray Serve's HTTP proxy.

The request is the body AIOS's block data plane takes, `{"packet": {session_id, seq_no, ts, data}}`,
and the answer is `{"packet": ...}` with `data` echoed (echo.py), as the AIOS echo block answers.
"""

import os

from ray import serve
from starlette.requests import Request

from echo import echo

# One replica; no CPU reserved (each deployment would wait for one of Ray's 2 logical CPUs
# otherwise); up to 64 requests at once at a replica, as AIOS's executor sends every request in
# flight to its instance: with Serve's default of 5, the proxy holds the rest back and retries.
DEPLOYMENT = {"num_replicas": 1, "ray_actor_options": {"num_cpus": 0}, "max_ongoing_requests": 64}


@serve.deployment(**DEPLOYMENT)
class Echo:
    def __init__(self) -> None:
        self.instance_id = f"ray-echo-{os.getpid()}"
        self.served = 0

    async def __call__(self, request: Request) -> dict:
        packet = (await request.json())["packet"]
        self.served += 1
        return {"packet": {**packet, "data": echo(packet.get("data", {}), self.instance_id)}}


app = Echo.bind()
