namespace ClaudeBottle.Bench;

/// <summary>The Python programs of the edge benchmark: the HTTPS origin, and the client that times requests to it.</summary>
internal static class EdgeScripts
{
    /// <summary>
    /// The outside world: HTTPS on 443 with the bench's own CA. It reads the whole body and answers a small JSON
    /// message, as Claude's API answers a non-streamed request; nothing is logged, so large bodies cost only their transfer.
    /// </summary>
    public const string Origin = """
        import http.server, json, socket, ssl

        class Origin(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body are two writes: with Nagle on, the body would wait for the client's delayed ACK (40 ms).
            disable_nagle_algorithm = True

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                received = len(self.rfile.read(length)) if length else 0
                payload = json.dumps({"id": "msg_bench", "type": "message", "received": received,
                                      "content": [{"type": "text", "text": "ok"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = answer

            def log_message(self, *args):
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain("/b/origin.crt", "/b/origin.key")
        # No session tickets after the handshake, and no Nagle from the first byte (accepted sockets inherit it): either
        # would hold the first response for the client's delayed ACK.
        context.num_tickets = 0
        server = http.server.ThreadingHTTPServer(("0.0.0.0", 443), Origin)
        server.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.serve_forever()
        """;

    /// <summary>
    /// The agent's side, given a JSON spec: one kept-alive connection through the proxy (CONNECT, TLS) for the small
    /// GETs and the large POSTs, then a new connection per GET; prints each request's milliseconds as JSON.
    /// </summary>
    public const string Client = """
        import http.client, json, socket, ssl, sys, time

        spec = json.loads(sys.argv[1])
        context = ssl.create_default_context(cafile=spec["cafile"])

        def connect():
            connection = http.client.HTTPSConnection(spec["proxy"], spec["port"], context=context, timeout=300)
            connection.set_tunnel(spec["host"], 443)
            connection.connect()
            # http.client writes a large body after its headers: without this, Nagle holds the body for a delayed ACK.
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return connection

        def message(size):
            # A /v1/messages body of about `size` bytes of ordinary prose: nothing a DLP rule should match.
            words = "the agent reads the repository, runs the tests and writes a short summary of what it changed. "
            text = (words * (size // len(words) + 1))[:size - 150]
            return json.dumps({"model": "claude-bench", "max_tokens": 1024,
                               "messages": [{"role": "user", "content": text}]}).encode()

        def call(connection, method, path, body=None):
            begun = time.perf_counter()
            connection.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
            response = connection.getresponse()
            data = response.read()
            elapsed = (time.perf_counter() - begun) * 1000
            if response.status != 200:
                sys.exit(f"{method} {path}: {response.status} {data[:300]!r}")
            return elapsed

        result = {}
        connection = connect()
        call(connection, "GET", "/warm-up")  # the tunnel and the handshake: not a per-request cost
        result["get"] = [call(connection, "GET", "/v1/models") for _ in range(spec["gets"])]
        for mib in spec["mib"]:
            body = message(mib * 1048576)
            result[f"post{mib}"] = [call(connection, "POST", "/v1/messages", body) for _ in range(spec["posts"])]
        connection.close()
        fresh = []
        for _ in range(spec["fresh"]):
            begun = time.perf_counter()
            connection = connect()
            call(connection, "GET", "/v1/models")
            connection.close()
            fresh.append((time.perf_counter() - begun) * 1000)
        result["fresh"] = fresh
        print(json.dumps(result))
        """;
}
