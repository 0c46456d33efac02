"""The echo work of AIOS's echo component (examples/components/echo/echo.ts), shared by the peers.

It answers its input with every field kept, `echoedAt` (an ISO-8601 time, milliseconds, UTC) and
`instanceId` (who served it): what `model.echo` does with its default parameters (no delay, no
upper-casing), so each system serves the same model.
"""

from datetime import datetime, timezone


def now_iso() -> str:
    """As JavaScript's `new Date().toISOString()`: `2026-01-02T03:04:05.678Z`."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def echo(data: dict, instance_id: str) -> dict:
    return {**data, "echoedAt": now_iso(), "instanceId": instance_id}
