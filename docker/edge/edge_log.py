"""The edge's decision lines: one JSON object per line on stdout, the only thing the edge writes there. The app host
reads them as it reads pipelock's. A line never holds a secret value or a placeholder: callers pass names only."""
import datetime
import json
import sys


class DecisionLog:
    def __init__(self, bottle: str):
        self.bottle = bottle

    def event(self, event: str, level: str = "info", **fields) -> None:
        line = {
            "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": level,
            "event": event,
            "agent": self.bottle,
        }
        line.update({k: v for k, v in fields.items() if v is not None})
        sys.stdout.write(json.dumps(line, separators=(",", ":")) + "\n")
        sys.stdout.flush()


def flow_url(request) -> str:
    """scheme://host[:port]/path: the query string can carry anything, so it never reaches a log."""
    default = 443 if request.scheme == "https" else 80
    port = "" if request.port == default else f":{request.port}"
    path = request.path.split("?", 1)[0].split("#", 1)[0] or "/"
    return f"{request.scheme}://{request.host}{port}{path}"
