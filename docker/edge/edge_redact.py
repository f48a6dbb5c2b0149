"""Puts placeholders back where the real values would reach the agent: in response headers and bodies, as the value
itself and as its standard base64 (contract §3 step 6), and in event streams chunk by chunk."""
import base64
import zlib
from typing import Optional

SCAN_LIMIT = 1_048_576  # what an event stream keeps for the injection scan at its end


class Redactor:
    def __init__(self, secrets: dict[str, str], placeholders: dict[str, str]):
        pairs: list[tuple[bytes, bytes]] = []
        for name, value in secrets.items():
            if not value:
                continue
            placeholder = placeholders.get(name) or "[claude-bottle redacted]"
            pairs.append((value.encode(), placeholder.encode()))
            encoded = base64.b64encode(value.encode()).rstrip(b"=")
            replacement = base64.b64encode(placeholder.encode()).rstrip(b"=")
            if len(encoded) >= 8:
                pairs.append((encoded, replacement))
        # Longest first, so that a value containing another is replaced whole.
        self.pairs = sorted(pairs, key=lambda p: len(p[0]), reverse=True)
        self.longest = max((len(n) for n, _ in self.pairs), default=0)

    def redact(self, data: bytes) -> tuple[bytes, int]:
        count = 0
        for needle, replacement in self.pairs:
            if needle in data:
                count += data.count(needle)
                data = data.replace(needle, replacement)
        return data, count

    def contains(self, data: bytes) -> bool:
        return any(needle in data for needle, _ in self.pairs)

    def held_back(self, data: bytes) -> int:
        """How many trailing bytes could be the start of a value that the next chunk completes: only those wait."""
        for k in range(min(len(data), self.longest - 1), 0, -1):
            tail = data[-k:]
            if any(needle.startswith(tail) for needle, _ in self.pairs):
                return k
        return 0


class StreamRedactor:
    """A response.stream callable for text/event-stream: decodes gzip/deflate if the origin compressed, redacts with a
    carry-over so that a value split across chunks is still caught, and keeps the (redacted) text for a scan at the end."""

    def __init__(self, redactor: Redactor, encoding: Optional[str]):
        self.redactor = redactor
        self.decoder = zlib.decompressobj(47 if encoding == "gzip" else zlib.MAX_WBITS) if encoding in ("gzip", "deflate") else None
        self.pending = b""
        self.collected = bytearray()
        self.redactions = 0

    def __call__(self, chunk: bytes) -> bytes:
        end = not chunk  # mitmproxy calls with b"" once the stream is over
        if self.decoder is not None:
            chunk = self.decoder.flush() if end else self.decoder.decompress(chunk)
        data, count = self.redactor.redact(self.pending + chunk)
        self.redactions += count
        keep = 0 if end else self.redactor.held_back(data)
        self.pending = data[len(data) - keep:] if keep else b""
        out = data[:len(data) - keep] if keep else data
        if len(self.collected) < SCAN_LIMIT:
            self.collected += out[:SCAN_LIMIT - len(self.collected)]
        return out
