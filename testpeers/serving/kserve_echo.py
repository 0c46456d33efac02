"""KServe's Python model server serving the echo model over the Open Inference Protocol v2 (REST).

    python kserve_echo.py MODEL_NAME PORT

`kserve.ModelServer` with one `kserve.Model` whose `predict` does echo.py's work on the request's
tensors: each input tensor is a field (a BYTES tensor of shape [1] is its one string), the answer's
fields come back as tensors (`message`, `echoedAt`, `instanceId`: BYTES, shape [1]), as AIOS's
`/v2/models/<block>/infer` answers for the echo block. One uvicorn worker, on 127.0.0.1:PORT only
(KServe binds every interface by default), gRPC off, no per-request log line (KServe's latency log
and uvicorn's access log off, warnings only), as AIOS runs in the bench. Once it listens, one JSON
line `{"ready": true, ...}` goes to stdout; it stops when its stdin closes or on SIGTERM/SIGINT.
"""

import asyncio
import json
import logging
import os
import socket
import sys
import threading
import time
from importlib.metadata import version

import kserve
from kserve import InferOutput, InferRequest, InferResponse
from kserve.protocol.rest import server as rest_server

from echo import echo


class Echo(kserve.Model):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.instance_id = f"kserve-echo-{os.getpid()}"
        self.served = 0
        self.ready = True

    async def predict(
        self, payload: InferRequest, headers=None, response_headers=None
    ) -> InferResponse:
        data = {
            t.name: t.data[0] if t.datatype == "BYTES" and t.shape == [1] else t.data
            for t in payload.inputs
        }
        self.served += 1
        answer = echo(data, self.instance_id)
        return InferResponse(
            response_id=payload.id,
            model_name=self.name,
            infer_outputs=[
                InferOutput(name=k, shape=[1], datatype="BYTES", data=[v])
                for k, v in answer.items()
            ],
        )


def on_loopback() -> None:
    """KServe's REST server binds 0.0.0.0 with no option to change it: bound to 127.0.0.1 here."""
    init = rest_server.RESTServer.__init__

    def loopback_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.config.host = "127.0.0.1"

    rest_server.RESTServer.__init__ = loopback_init


def announce_when_listening(port: int, name: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            print(
                json.dumps(
                    {
                        "ready": True,
                        "url": f"http://127.0.0.1:{port}/v2/models/{name}/infer",
                        "kserve": version("kserve"),
                    }
                ),
                flush=True,
            )
            return
        except OSError:
            time.sleep(0.1)


def main() -> None:
    name, port = sys.argv[1], int(sys.argv[2])
    on_loopback()
    server = kserve.ModelServer(
        http_port=port,
        enable_grpc=False,
        enable_latency_logging=False,
        enable_docs_url=False,
    )
    for logger in ("kserve", "kserve.trace", "uvicorn", "uvicorn.access", "uvicorn.error"):
        logging.getLogger(logger).setLevel(logging.WARNING)
    threading.Thread(
        target=announce_when_listening, args=(port, name), daemon=True
    ).start()
    # The caller closing our stdin (or dying) ends the run: as a SIGTERM, which uvicorn handles.
    threading.Thread(
        target=lambda: (sys.stdin.read(), os.kill(os.getpid(), 15)), daemon=True
    ).start()
    server.start([Echo(name)])


if __name__ == "__main__":
    asyncio.set_event_loop(asyncio.new_event_loop())
    main()
