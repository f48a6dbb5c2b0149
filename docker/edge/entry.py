"""The edge's entry program. Reads the secrets (stdin, else the compose/swarm secret file), reads edge.json, makes the
run CA in the private tmpfs, publishes the certificates for the agent, then runs mitmproxy 8.1.1 in this process, so
that the secrets stay in this process's memory: never on a command line, in the environment or in a file.

Exit codes: 2 the configuration is unusable; 3 no secrets were given, or a credential names one that was not given."""
import asyncio
import json
import os
import signal
import socket
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from edge_ca import joined, make_ca, write_private, write_public  # noqa: E402
from edge_log import DecisionLog  # noqa: E402

CONFIG = "/etc/claude-bottle/edge.json"
SECRET_FILE = "/run/secrets/claude-bottle-edge"
PRIVATE = "/run/claude-bottle-edge"
PUBLIC = "/var/lib/claude-bottle-ca"
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
PIPELOCK_ADDRESS = "CLAUDE_BOTTLE_PIPELOCK_ADDRESS"


def fail(code: int, message: str):
    print(f"claude-bottle edge: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def read_secrets() -> dict[str, str]:
    line = b""
    if sys.stdin is not None:
        try:
            line = sys.stdin.buffer.readline()
        except (OSError, ValueError):
            line = b""
        finally:
            try:
                sys.stdin.close()
            except OSError:
                pass
    source = "stdin"
    if not line.strip():
        if not os.path.isfile(SECRET_FILE):
            fail(3, "no secrets were given (nothing on stdin and no /run/secrets/claude-bottle-edge); "
                    "a restarted edge cannot get them again: start the bottle again")
        try:
            with open(SECRET_FILE, "rb") as f:
                line, source = f.read(), SECRET_FILE
        except OSError as e:
            fail(3, f"the secrets file {SECRET_FILE} cannot be read ({e.strerror}): make it readable by uid 65534, "
                    "the edge's user (chown 65534:65534, chmod 0400)")
    try:
        document = json.loads(line)
        secrets = document["secrets"]
        if not isinstance(secrets, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in secrets.items()):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        fail(3, f'the secrets on {source} are not a JSON object {{"secrets": {{"NAME": "value", ...}}}}')
    # An example copied and not filled in: the edge would send empty credentials, and the agent would fail obscurely.
    empty = sorted(name for name, value in secrets.items() if not value)
    if empty:
        fail(3, f"the secrets on {source} give no value for {', '.join(empty)}: fill them in")
    return secrets


def read_config() -> dict:
    try:
        with open(CONFIG, encoding="utf-8") as f:
            config = json.load(f)
        for key in ("bottle", "upstreamProxy", "scanApi", "allowlist"):
            if key not in config:
                fail(2, f"{CONFIG}: $.{key} is missing; the launcher writes it: rebuild the bottle's plan")
        address = os.environ.get(PIPELOCK_ADDRESS)
        if address:
            config["upstreamProxy"] = at_address(config["upstreamProxy"], address)
            config["scanApi"]["url"] = at_address(config["scanApi"]["url"], address)
        return config
    except OSError as e:
        fail(2, f"{CONFIG} cannot be read ({e.strerror}); mount the edge's configuration there")
    except ValueError as e:
        fail(2, f"{CONFIG} is not valid JSON ({e})")


def at_address(url: str, address: str) -> str:
    """The URL with its host replaced by an address, its port and path kept. In Kubernetes the edge has no DNS (it holds
    the real credentials): the publisher gives it pipelock's Service address in PIPELOCK_ADDRESS instead of the name."""
    parsed = urllib.parse.urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    return parsed._replace(netloc=f"{host}:{parsed.port}" if parsed.port else host).geturl()


def reload_allowlist(edge) -> None:
    try:
        with open(CONFIG, encoding="utf-8") as f:
            allowlist = json.load(f)["allowlist"]
        if not isinstance(allowlist, list) or not all(isinstance(h, str) for h in allowlist):
            raise ValueError("$.allowlist is not a list of host names")
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"claude-bottle edge: {CONFIG} could not be read again ({e}); the allowlist stays as it was",
              file=sys.stderr, flush=True)
        return
    edge.allow_live(allowlist)


def check_names(config: dict, secrets: dict[str, str]) -> None:
    from edge_addon import NAME
    for index, credential in enumerate(config.get("credentials") or []):
        for name in NAME.findall(credential.get("template", "")):
            if name not in secrets:
                fail(3, f"{CONFIG}: $.credentials[{index}].template uses ${{{name}}}, which was not among the secrets "
                        f"given; set {name} in the launching environment and start the bottle again")


def prepare_files(config: dict) -> str:
    """Writes the CA key and mitmproxy's confdir into the tmpfs and the certificates into the shared volume; returns
    the upstream trust bundle's path."""
    key_pem, cert_pem = make_ca(config["bottle"], list(config["allowlist"]))
    confdir = os.path.join(PRIVATE, "mitmproxy")
    os.makedirs(confdir, mode=0o700, exist_ok=True)
    # mitmproxy reads its CA as one file: key, then certificate.
    write_private(os.path.join(confdir, "mitmproxy-ca.pem"), key_pem + cert_pem)
    del key_pem
    system = open(SYSTEM_BUNDLE, "rb").read() if os.path.isfile(SYSTEM_BUNDLE) else b""
    extra = b""
    if config.get("extraCaFile"):
        try:
            extra = open(config["extraCaFile"], "rb").read()
        except OSError as e:
            fail(2, f"{CONFIG}: $.extraCaFile {config['extraCaFile']} cannot be read ({e.strerror})")
    upstream = os.path.join(PRIVATE, "upstream-bundle.crt")
    write_private(upstream, joined(system, extra))
    write_public(PUBLIC, "ca.crt", cert_pem)
    write_public(PUBLIC, "agent-ca.crt", joined(extra, cert_pem))
    write_public(PUBLIC, "bundle.crt", joined(system, extra, cert_pem))
    return upstream


class Ready:
    """Says 'listening' once mitmproxy's server really listens (its running hook has run before this one's), and
    /health says ok once pipelock, the only way out, accepts connections."""

    def __init__(self, log: DecisionLog, port: int, upstream: str):
        self.log, self.port = log, port
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream = (parsed.hostname, parsed.port or 80)

    def watch_upstream(self):
        import edge_addon
        while True:
            try:
                with socket.create_connection(self.upstream, timeout=1):
                    edge_addon.UPSTREAM["ready"] = True
                    return
            except OSError:
                time.sleep(0.2)

    def running(self):
        from mitmproxy import ctx
        server = ctx.master.addons.get("proxyserver")
        if server is None or server.tcp_server is None:
            print("claude-bottle edge: the proxy could not listen", file=sys.stderr, flush=True)
            ctx.master.shutdown()
            return
        self.log.event("listening", listen=f"0.0.0.0:{self.port}")
        threading.Thread(target=self.watch_upstream, daemon=True).start()


async def run(config: dict, secrets: dict[str, str], upstream_bundle: str) -> None:
    from mitmproxy import options
    from mitmproxy.addons import termlog
    from mitmproxy.tools.dump import DumpMaster
    from edge_addon import Edge
    from edge_scan import ScanClient

    log = DecisionLog(config["bottle"])
    port = int(config.get("listenPort") or 8080)
    master = DumpMaster(options.Options(), with_termlog=False, with_dumper=False)
    # mitmproxy's own messages go to stderr: stdout carries decision lines only.
    master.addons.add(termlog.TermLog(out=sys.stderr, err=sys.stderr))
    scan = ScanClient(config["scanApi"]["url"], config["scanApi"]["token"], config["bottle"])
    edge = Edge(config, secrets, log, scan)
    master.addons.add(edge, Ready(log, port, config["upstreamProxy"]))
    # The app host rewrites edge.json and sends SIGHUP to allow a host live; only the allowlist is read again.
    asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, reload_allowlist, edge)
    master.options.update(
        mode=f"upstream:{config['upstreamProxy']}",
        listen_host="0.0.0.0",
        listen_port=port,
        confdir=os.path.join(PRIVATE, "mitmproxy"),
        ssl_verify_upstream_trusted_ca=upstream_bundle,
        # The leaf names only what the client asked for: an origin's other names could fall outside the CA's
        # name constraints and make the agent reject the certificate.
        upstream_cert=False,
        termlog_verbosity="warn",
    )
    await master.run()


def main() -> None:
    secrets = read_secrets()
    config = read_config()
    check_names(config, secrets)
    upstream_bundle = prepare_files(config)
    asyncio.run(run(config, secrets, upstream_bundle))


if __name__ == "__main__":
    main()
