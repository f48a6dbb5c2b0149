"""pipelock's scan API (POST /api/v1/scan) as the edge uses it: text cut into pieces the API accepts, each scanned,
every failure reported as such so that the caller can fail closed."""
import asyncio
import concurrent.futures
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Optional

PIECE_CHARS = 500_000
PIECE_OVERLAP = 1_024
# pipelock's field limits count bytes; the launcher sets them to 1 MiB. A piece of 500,000 characters can be more.
PIECE_BYTES = 900_000


@dataclass
class Verdict:
    denied: bool = False
    rule_ids: list[str] = field(default_factory=list)
    error: Optional[str] = None  # the scan could not be made: the caller decides (fail closed)


def pieces(text: str) -> list[str]:
    """At most PIECE_CHARS characters (and PIECE_BYTES UTF-8 bytes) each, overlapping by PIECE_OVERLAP characters so
    that a value cut at a boundary is whole in one of them."""
    out: list[str] = []
    stack = [text]
    while stack:
        chunk = stack.pop()
        if len(chunk) <= PIECE_CHARS and len(chunk.encode("utf-8", "surrogatepass")) <= PIECE_BYTES:
            out.append(chunk)
            continue
        size = min(PIECE_CHARS, max(len(chunk) // 2 + PIECE_OVERLAP, PIECE_OVERLAP * 2))
        parts, start = [], 0
        while start < len(chunk):
            parts.append(chunk[start:start + size])
            if start + size >= len(chunk):
                break
            start += size - PIECE_OVERLAP
        stack.extend(reversed(parts))
    return out


class ScanClient:
    def __init__(self, url: str, token: str, bottle: str):
        self.url = url
        self.token = token
        self.bottle = bottle
        # Never through a proxy: the scan API is on the middle network, reached directly.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="scan")

    async def scan(self, kind: str, text: str) -> Verdict:
        verdict = Verdict()
        for piece in pieces(text):
            if not piece.strip():
                continue
            one = await asyncio.get_running_loop().run_in_executor(self.pool, self._scan_one, kind, piece)
            if one.error:
                return one
            if one.denied:
                verdict.denied = True
                verdict.rule_ids += [r for r in one.rule_ids if r not in verdict.rule_ids]
        return verdict

    def _scan_one(self, kind: str, piece: str) -> Verdict:
        field_name = "text" if kind == "dlp" else "content"
        body = json.dumps({"kind": kind, "input": {field_name: piece},
                           "context": {"request_id": "edge-" + secrets.token_hex(8), "agent_name": self.bottle}},
                          ensure_ascii=False).encode("utf-8", "surrogatepass")
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        try:
            with self.opener.open(request, timeout=15) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as e:
            code = ""
            try:
                code = json.loads(e.read()).get("errors", [{}])[0].get("code", "")
            except (ValueError, AttributeError, IndexError, OSError):
                pass
            return Verdict(error=f"the scan API answered {e.code}{' ' + code if code else ''}")
        except (OSError, ValueError) as e:
            return Verdict(error=f"the scan API could not be reached ({type(e).__name__})")
        if answer.get("status") != "completed" or answer.get("decision") not in ("allow", "warn", "deny"):
            return Verdict(error="the scan API did not complete the scan")
        if answer["decision"] != "deny":
            return Verdict()
        return Verdict(denied=True, rule_ids=[str(f.get("rule_id", "")) for f in answer.get("findings") or []])
