"""Starts Ray on this machine and serves one application over Ray Serve's HTTP proxy, for the bench.

    python ray_serve.py echo|chain PORT TEMP_DIR

Ray runs with as little as it takes: 2 logical CPUs, no dashboard, no usage stats, a 100 MB object
store, its node on 127.0.0.1, its session files under TEMP_DIR (the caller removes it). Serve's
proxy listens on 127.0.0.1:PORT, the application at `/<echo|chain>`. Nothing is logged per request
(Serve's access log off, warnings only), as AIOS runs in the bench. Once the proxy routes to the
application, one JSON line `{"ready": true, ...}` goes to stdout. It then serves until its stdin
closes or it gets SIGTERM or SIGINT, and shuts Serve and Ray down before exiting.

Ray's own processes (GCS, raylet, its agents, log monitor) run in this process's process group;
its workers (Serve's controller, proxy and replicas) are the raylet's children in groups of their
own and exit when the raylet does. The caller keeps their ids to kill any that outlive a shutdown.
"""

import json
import os
import signal
import sys
import threading
import time
import urllib.request

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import ray  # noqa: E402  (after the environment above)
from ray import serve  # noqa: E402

APPS = {"echo": "ray_echo", "chain": "ray_chain"}
QUIET = {"log_level": "WARNING", "enable_access_log": False}


def main() -> None:
    name, port, temp_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    stop = threading.Event()
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        object_store_memory=100 * 1024 * 1024,
        _temp_dir=temp_dir,
        logging_level="WARNING",
        log_to_driver=False,
    )
    # After ray.init, which installs handlers of its own that end the process at once (leaving
    # Ray's agents behind): these let the shutdown below run.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    # The caller closing our stdin (or dying) ends the run too.
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    try:
        serve.start(
            http_options={"host": "127.0.0.1", "port": port},
            logging_config=QUIET,
        )
        app = __import__(APPS[name]).app
        serve.run(app, name=name, route_prefix=f"/{name}", logging_config=QUIET)
        wait_until_served(port, name)
        print(
            json.dumps(
                {
                    "ready": True,
                    "app": name,
                    "url": f"http://127.0.0.1:{port}/{name}",
                    "ray": ray.__version__,
                }
            ),
            flush=True,
        )
        stop.wait()
    finally:
        try:
            serve.shutdown()
        finally:
            ray.shutdown()


def wait_until_served(port: int, name: str) -> None:
    """Until the proxy routes to the application (a GET reaches it: any HTTP answer but 404/503)."""
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/routes", timeout=5) as res:
                if f"/{name}" in json.loads(res.read()):
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"Ray Serve did not route /{name} within 120 s")
        time.sleep(0.2)


if __name__ == "__main__":
    main()
