"""The run's CA, made at start and never written outside the edge's private tmpfs: ECDSA P-256, valid for 30 days,
with name constraints that permit only the bottle's allowlisted domains, so that a leaked key signs nothing else."""
import datetime
import ipaddress
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def constrained_domains(allowlist: list[str]) -> list[str]:
    """The names the CA may sign for, each with every name under it (an X.509 DNS name constraint is a subtree)."""
    return [h[2:] if h.startswith("*.") else h for h in (entry.lower().rstrip(".") for entry in allowlist)]


def within(host: str, domains: list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def permitted_names(allowlist: list[str]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    for host in constrained_domains(allowlist):
        try:
            names.append(x509.IPAddress(ipaddress.ip_network(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    if not any(isinstance(n, x509.DNSName) for n in names):
        names.append(x509.DNSName("invalid"))  # no DNS subtree would leave every name unconstrained
    # Likewise for addresses: one that permits nothing, unless the allowlist names addresses itself.
    if not any(isinstance(n, x509.IPAddress) and n.value.version == 4 for n in names):
        names.append(x509.IPAddress(ipaddress.ip_network("0.0.0.0/32")))
    if not any(isinstance(n, x509.IPAddress) and n.value.version == 6 for n in names):
        names.append(x509.IPAddress(ipaddress.ip_network("::/128")))
    return names


def make_ca(bottle: str, allowlist: list[str]) -> tuple[bytes, bytes]:
    """Returns (key PEM, certificate PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"claude-bottle run CA ({bottle})"[:64])])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.NameConstraints(permitted_subtrees=permitted_names(allowlist), excluded_subtrees=None),
                       critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def write_private(path: str, data: bytes) -> None:
    """A file only this user can read, created new (the tmpfs is fresh at every start)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def write_public(directory: str, name: str, data: bytes) -> None:
    """Temp file and rename: the agent, which starts later, never reads half a bundle."""
    temp = os.path.join(directory, f".{name}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(temp, 0o644)
    os.replace(temp, os.path.join(directory, name))


def joined(*parts: bytes) -> bytes:
    return b"".join(p if p.endswith(b"\n") else p + b"\n" for p in parts if p)
