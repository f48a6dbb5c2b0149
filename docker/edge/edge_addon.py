"""The mitmproxy 8.1.1 addon: per request, in the contract's order (§3): destination check, method/path rules, DLP
through pipelock's scan API, credential injection on the declared host only; per response: redaction of real values,
then the injection scan. Also the health answer and the pass-through hosts, both decided in the next_layer hook."""
import re
import sys

from mitmproxy import http
from mitmproxy.proxy import commands, events, layer, layers
from mitmproxy.proxy.layers import modes

from edge_ca import constrained_domains, within
from edge_log import DecisionLog, flow_url
from edge_redact import Redactor, StreamRedactor
from edge_rules import Rule, Rules, host_matches
from edge_scan import ScanClient

PLACEHOLDER_MARK = "[claude-bottle placeholder]"
HEALTH_REQUEST = b"GET /health "
TEXT_TYPES = re.compile(r"^(text/|application/(.+\+)?(json|xml|javascript|ecmascript)\b)", re.IGNORECASE)
NAME = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
REFUSED = "claude_bottle_refused"


# Set once pipelock's proxy port has accepted a connection (entry.py): until then the edge is up but has no way out,
# and the isolation probe, which waits for 200 here, must not let the agent start.
UPSTREAM = {"ready": False}


class HealthLayer(layer.Layer):
    """Answers an origin-form 'GET /health' sent to the proxy port itself (not through a tunnel), then closes."""

    answered = False

    def _handle_event(self, event):
        if not self.answered and isinstance(event, events.DataReceived) and event.connection == self.context.client:
            self.answered = True
            yield commands.SendData(self.context.client,
                                    b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n" if UPSTREAM["ready"] else
                                    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 25\r\n\r\npipelock not reached yet\n")
            yield commands.CloseConnection(self.context.client)
        yield from ()


class Edge:
    def __init__(self, config: dict, secrets: dict[str, str], log: DecisionLog, scan: ScanClient):
        self.log = log
        self.scan = scan
        self.rules = Rules([Rule.parse(r) for r in config.get("rules") or []])
        self.pass_through = list(config.get("passThrough") or [])
        self.allowlist = list(config.get("allowlist") or [])
        # What the run CA was constrained to at start (entry.py made it from the same list): it can sign for nothing else.
        self.ca_domains = constrained_domains(self.allowlist)
        # Hosts allowed live that the CA may not sign for: their tunnels are relayed unopened. Unlike pass-through
        # hosts, their plain HTTP is still checked, since it needs no certificate.
        self.live_unopened: list[str] = []
        self.warn_only = list(config.get("warnOnlyHosts") or [])
        self.placeholders = sorted((p for p in (config.get("placeholders") or {}).values() if p), key=len, reverse=True)
        self.redactor = Redactor(secrets, config.get("placeholders") or {})
        # Rendered once: the real header values exist only here, in memory.
        self.credentials = [
            (c["name"], c["host"].lower(), c["header"], NAME.sub(lambda m: secrets[m.group(1)], c["template"]))
            for c in config.get("credentials") or []
        ]

    # --- connections -----------------------------------------------------------------------------------------------

    def next_layer(self, nextlayer: layer.NextLayer) -> None:
        # This hook runs after mitmproxy's own next_layer addon, whose choice is already in the stack.
        stack = [l for l in nextlayer.context.layers if l is not nextlayer.layer]
        data = nextlayer.data_client()
        if len(stack) == 1 and isinstance(stack[0], modes.HttpProxy):
            if data.startswith(HEALTH_REQUEST):
                self.replace(nextlayer, HealthLayer)
            elif HEALTH_REQUEST.startswith(data):
                self.replace(nextlayer, None)  # could still become the health request: wait for more bytes
            return
        # A tunnel to a pass-through host is relayed undecrypted. Decided on the CONNECT target alone, never on the
        # TLS SNI (which mitmproxy's ignore_hosts also honours): a client could otherwise name a pass-through host in
        # its SNI and reach any allowlisted host without rules, DLP or injection.
        address = nextlayer.context.server.address
        if len(stack) >= 2 and address and self.relayed_unopened(address[0]) and not isinstance(nextlayer.layer, layers.TCPLayer):
            self.replace(nextlayer, lambda context: layers.TCPLayer(context, ignore=True))

    @staticmethod
    def replace(nextlayer: layer.NextLayer, make) -> None:
        """Drops mitmproxy's choice (a layer adds itself to the stack when made) before making ours."""
        if nextlayer.layer is not None and nextlayer.layer in nextlayer.context.layers:
            nextlayer.context.layers.remove(nextlayer.layer)
        nextlayer.layer = make(nextlayer.context) if make else None

    def http_connect(self, flow: http.HTTPFlow) -> None:
        # mitmproxy answers a CONNECT itself before it opens the tunnel upstream, so pipelock's refusal would come too
        # late for the agent to see it: the agent would get a certificate the run CA may not sign, and a TLS error
        # instead of "the proxy refused". pipelock still decides for every host that passes here.
        host = flow.request.host.lower().rstrip(".")
        if not any(host_matches(entry, host) for entry in self.allowlist):
            flow.metadata[REFUSED] = True
            reason = f"domain not in allowlist: {host}"
            flow.response = http.Response.make(403, f"claude-bottle: refused: {reason}\n".encode(), {"Content-Type": "text/plain; charset=utf-8"})
            self.log.event("blocked", level="warn", method="CONNECT", target=f"{host}:{flow.request.port}", scanner="allowlist", reason=reason)

    def allow_live(self, allowlist: list[str]) -> None:
        """Takes the allowlist as reread on SIGHUP (a host allowed from the dashboard). A new host outside the CA's
        names has its tunnels relayed unopened, as a pass-through host's are: the agent would refuse a certificate the
        CA may not sign. pipelock, told first, decides on every CONNECT as before."""
        added = [h for h in (e.lower().rstrip(".") for e in allowlist) if h not in self.allowlist]
        for host in added:
            inspected = within(host, self.ca_domains)
            if not inspected:
                self.live_unopened = self.live_unopened + [host]
            self.log.event("allowed_live", target=host, scanner="dashboard", inspected=inspected,
                           reason="allowed for the rest of the run from the dashboard" + ("" if inspected else "; relayed without inspection"))
        self.allowlist = [h.lower().rstrip(".") for h in allowlist]

    def is_pass_through(self, host: str) -> bool:
        return any(host_matches(p, host) for p in self.pass_through)

    def relayed_unopened(self, host: str) -> bool:
        return self.is_pass_through(host) or host.lower().rstrip(".") in self.live_unopened

    # --- requests --------------------------------------------------------------------------------------------------

    async def request(self, flow: http.HTTPFlow) -> None:
        try:
            await self._request(flow)
        except Exception as e:  # never let a failure forward an unchecked request (the text names no value)
            self.refuse(flow, "dlp", f"the edge failed to check the request ({type(e).__name__})")

    async def _request(self, flow: http.HTTPFlow) -> None:
        request = flow.request
        host = request.host.lower().rstrip(".")
        if self.is_pass_through(host):
            return
        named = self.host_header_host(request)
        if named is not None and named != host:
            return self.refuse(flow, "host", "the Host header names another host than the connection's destination")

        rule = self.rules.for_host(host)
        if rule is not None and (why := rule.refusal(request.method, request.path)) is not None:
            return self.refuse(flow, "rule", why, rule=rule.name)

        text = self.dlp_text(flow)
        # The agent never holds a real value; one in a request was learned some other way, and goes nowhere, not even to
        # its declared host (the edge sets that header itself).
        if self.redactor.contains(text.encode("utf-8", "replace")):
            return self.refuse(flow, "dlp", "the request carries the real value of one of the bottle's credentials")
        verdict = await self.scan.scan("dlp", text)
        if verdict.error:
            return self.refuse(flow, "dlp", f"the request could not be scanned: {verdict.error}")
        if verdict.denied:
            return self.refuse(flow, "dlp", "DLP match: " + ", ".join(verdict.rule_ids))

        for name, credential_host, header, value in self.credentials:
            # Never in clear text: a plain-HTTP request to the declared host keeps the agent's placeholder.
            if credential_host == host and request.scheme == "https":
                request.headers[header] = value
                self.log.event("credential_injected", method=request.method, url=flow_url(request),
                               header=header, credential=name)

    @staticmethod
    def host_header_host(request: http.Request):
        value = request.host_header
        if not value:
            return None
        value = value.strip().lower()
        if value.startswith("["):
            return value[1:value.find("]")] if "]" in value else value
        return value.rsplit(":", 1)[0].rstrip(".") if value.count(":") == 1 else value.rstrip(".")

    def dlp_text(self, flow: http.HTTPFlow) -> str:
        request = flow.request
        head = "".join(f"{k}: {v}\n" for k, v in request.headers.items(multi=True))
        body = (request.get_content(strict=False) or b"").decode("utf-8", "replace")
        text = f"{request.method} {request.url}\n{head}\n\n{body}"
        # A placeholder is shaped like a real token on purpose; it is worthless, so it must not trip the DLP.
        for placeholder in self.placeholders:
            text = text.replace(placeholder, PLACEHOLDER_MARK)
        return text

    def refuse(self, flow: http.HTTPFlow, scanner: str, reason: str, rule=None) -> None:
        flow.metadata[REFUSED] = True
        label = f"rule {rule}" if rule else scanner
        flow.response = http.Response.make(403, f"claude-bottle: refused by {label}: {reason}\n".encode(),
                                           {"Content-Type": "text/plain; charset=utf-8"})
        self.log.event("blocked", level="warn", method=flow.request.method, url=flow_url(flow.request),
                       scanner=scanner, reason=reason, rule=rule)

    # --- responses -------------------------------------------------------------------------------------------------

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        try:
            self._responseheaders(flow)
        except Exception as e:  # the body is then buffered, and response() redacts it and its headers whole
            print(f"claude-bottle edge: response headers not handled ({type(e).__name__})", file=sys.stderr, flush=True)

    def _responseheaders(self, flow: http.HTTPFlow) -> None:
        response = flow.response
        self.redact_headers(flow)
        if response.headers.get("content-type", "").lower().startswith("text/event-stream"):
            encoding = response.headers.get("content-encoding", "").lower().strip() or None
            if encoding in (None, "identity", "gzip", "deflate"):
                if encoding in ("gzip", "deflate"):
                    del response.headers["content-encoding"]
                    response.headers.pop("content-length", None)
                response.stream = StreamRedactor(self.redactor, encoding)
            # Other encodings (br, zstd) are buffered and handled whole in response().

    def redact_headers(self, flow: http.HTTPFlow) -> None:
        headers = flow.response.headers
        for name in list(headers.keys()):
            values = headers.get_all(name)
            redacted = [self.redactor.redact(v.encode("utf-8", "surrogateescape"))[0].decode("utf-8", "surrogateescape")
                        for v in values]
            if redacted != values:
                headers.set_all(name, redacted)
                self.log.event("redacted", method=flow.request.method, url=flow_url(flow.request), where=f"header {name}")

    async def response(self, flow: http.HTTPFlow) -> None:
        if flow.metadata.get(REFUSED) or self.is_pass_through(flow.request.host):
            return
        try:
            await self._response(flow)
        except Exception as e:
            self.block_response(flow, "prompt_injection", f"the edge failed to check the response ({type(e).__name__})")

    async def _response(self, flow: http.HTTPFlow) -> None:
        response = flow.response
        warn_only = any(host_matches(h, flow.request.host) for h in self.warn_only)
        if isinstance(response.stream, StreamRedactor):
            if response.stream.redactions:
                self.log.event("redacted", method=flow.request.method, url=flow_url(flow.request), where="event stream")
            text = bytes(response.stream.collected).decode("utf-8", "replace")
            await self.scan_injection(flow, text, flag_only=True)
            return
        self.redact_headers(flow)  # again: an addon or trailer-less path may have changed them since responseheaders
        try:
            content = response.get_content(strict=True)
        except ValueError:
            content = None
        if content is None:
            if response.raw_content and self.redactor.contains(response.raw_content):
                self.block_response(flow, "dlp", "the response carries a credential in an encoding the edge cannot rewrite")
            return
        redacted, count = self.redactor.redact(content)
        if count:
            response.content = redacted
            self.log.event("redacted", method=flow.request.method, url=flow_url(flow.request), where="body")
        content_type = response.headers.get("content-type", "")
        if redacted and TEXT_TYPES.match(content_type):
            is_stream = content_type.lower().startswith("text/event-stream")
            await self.scan_injection(flow, redacted.decode("utf-8", "replace"), flag_only=warn_only or is_stream)

    async def scan_injection(self, flow: http.HTTPFlow, text: str, flag_only: bool) -> None:
        if not text.strip():
            return
        flag_only = flag_only or any(host_matches(h, flow.request.host) for h in self.warn_only)
        verdict = await self.scan.scan("prompt_injection", text)
        if verdict.error:
            reason = f"the response could not be scanned: {verdict.error}"
        elif verdict.denied:
            reason = "prompt injection: " + ", ".join(verdict.rule_ids)
        else:
            return
        if flag_only:
            self.log.event("flagged", level="warn", method=flow.request.method, url=flow_url(flow.request),
                           scanner="prompt_injection", reason=reason)
        else:
            self.block_response(flow, "prompt_injection", reason)

    def block_response(self, flow: http.HTTPFlow, scanner: str, reason: str) -> None:
        flow.response = http.Response.make(403, f"claude-bottle: response refused by {scanner}: {reason}\n".encode(),
                                           {"Content-Type": "text/plain; charset=utf-8"})
        self.log.event("blocked", level="warn", method=flow.request.method, url=flow_url(flow.request),
                       scanner=scanner, reason=reason)
