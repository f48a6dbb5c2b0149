"""Which hosts a name pattern covers, and the bottle's method/path rules (contract §3 step 2)."""
import urllib.parse
from dataclasses import dataclass
from typing import Optional


def host_matches(pattern: str, host: str) -> bool:
    """'*.d' covers d and every subdomain of d; anything else is an exact, case-insensitive name."""
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern.startswith("*."):
        return host == pattern[2:] or host.endswith(pattern[1:])
    return host == pattern


def normalise_path(raw: str) -> Optional[list[str]]:
    """The path's segments as the origin will resolve them, or None for a path the rules refuse to judge: an encoded
    slash or backslash would be one segment here and two at an origin that decodes it."""
    path = raw.split("?", 1)[0].split("#", 1)[0]
    lowered = path.lower()
    if "%2f" in lowered or "%5c" in lowered:
        return None
    segments: list[str] = []
    for segment in urllib.parse.unquote(path).split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    return segments


def _prefix_matches(prefix: str, segments: list[str]) -> bool:
    wanted = [s for s in prefix.split("/") if s]
    return len(segments) >= len(wanted) and all(w == "*" or w == s for w, s in zip(wanted, segments))


@dataclass(frozen=True)
class Rule:
    name: str
    host: str
    methods: tuple[str, ...]
    allow: tuple[str, ...]
    deny: tuple[str, ...]

    @staticmethod
    def parse(raw: dict) -> "Rule":
        return Rule(str(raw["name"]), str(raw["host"]), tuple(m.upper() for m in raw.get("methods") or []),
                    tuple(raw.get("allow") or []), tuple(raw.get("deny") or []))

    def refusal(self, method: str, raw_path: str) -> Optional[str]:
        """Why this rule refuses the request (text without values), or None when it lets it through."""
        if self.methods and method.upper() not in self.methods:
            return f"method {method.upper()} is not one of {', '.join(self.methods)}"
        segments = normalise_path(raw_path)
        if segments is None:
            return "the path has an encoded slash or backslash"
        if self.allow and not any(_prefix_matches(p, segments) for p in self.allow):
            return "the path is not under an allowed prefix"
        if any(_prefix_matches(p, segments) for p in self.deny):
            return "the path is under a denied prefix"
        return None


class Rules:
    def __init__(self, rules: list[Rule]):
        # Exact hosts first, then wildcards, each in the manifest's order: the first match applies.
        self.ordered = [r for r in rules if not r.host.startswith("*.")] + [r for r in rules if r.host.startswith("*.")]

    def for_host(self, host: str) -> Optional[Rule]:
        return next((r for r in self.ordered if host_matches(r.host, host)), None)
