"""The edge's health check for the engine (HEALTHCHECK / compose healthcheck): exit 0 when the proxy port answers
its origin-form GET /health with 200, as the isolation probe asks it. Reads nothing secret."""
import json
import socket
import sys

try:
    with open("/etc/claude-bottle/edge.json", encoding="utf-8") as f:
        port = int(json.load(f).get("listenPort") or 8080)
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        s.sendall(b"GET /health HTTP/1.0\r\n\r\n")
        sys.exit(0 if s.recv(64).startswith(b"HTTP/1.0 200 ") else 1)
except (OSError, ValueError) as e:
    print(f"claude-bottle edge health: {type(e).__name__}", file=sys.stderr)
    sys.exit(1)
