"""A real Dovecot for the IMAP tests: passwd-file users, Maildir, a random loopback port, optional TLS.

Each server lives in its own directory made with mkdtemp (pytest's tmp_path is
mode 0700 under a root-only parent, and Dovecot's mail processes must not run
as root: as root we run them as `nobody`, so the mail directory belongs to
nobody and the server directory is traversable). `dovecot -F` runs in the
foreground as our child; stop() sends SIGTERM and waits. The TLS certificate
comes from a throwaway CA made with `cryptography`.
"""

from __future__ import annotations

import contextlib
import datetime
import imaplib
import ipaddress
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """(ca.pem, server.pem, server.key) for 127.0.0.1 and localhost, valid for a day."""
    now = datetime.datetime.now(datetime.UTC)

    def build(
        subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name
    ) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mailgate test CA")])
    ca = (
        build("mailgate test CA", ca_key, ca_name)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        build("localhost", key, ca.subject)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    paths[2].chmod(0o600)
    return paths


class Dovecot:
    def __init__(self, *, tls: bool = False) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="mailgate-dovecot-"))
        self.root.chmod(0o711)  # the mail user must reach mail/ below it
        self.tls = tls
        self.port = free_port()
        self.tls_port = free_port() if tls else 0
        self.users: dict[str, str] = {}
        self.process: subprocess.Popen[bytes] | None = None
        self.ca_file = make_certificates(self.root)[0] if tls else None
        (self.root / "mail").mkdir()
        if os.geteuid() == 0:  # Dovecot refuses mail access as uid 0
            nobody = pwd.getpwnam("nobody")
            self.mail_uid, self.mail_gid = nobody.pw_uid, nobody.pw_gid
            os.chown(self.root / "mail", self.mail_uid, self.mail_gid)
            internal, login = "root", "dovenull"
        else:
            self.mail_uid, self.mail_gid = os.getuid(), os.getgid()
            internal = login = pwd.getpwuid(os.getuid()).pw_name
        self.config = self.root / "dovecot.conf"
        self.config.write_text(self._config(internal, login), encoding="utf-8")
        (self.root / "users").write_text("", encoding="utf-8")

    def _config(self, internal: str, login: str) -> str:
        r = self.root
        tls = (
            f"ssl = yes\nssl_cert = <{r}/server.pem\nssl_key = <{r}/server.key\n"
            if self.tls
            else "ssl = no\n"
        )
        imaps = (
            f"  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {self.tls_port}\n"
            "    ssl = yes\n  }\n"
            if self.tls
            else "  inet_listener imaps {\n    port = 0\n  }\n"
        )
        return f"""\
instance_name = mailgate-test-{r.name}
base_dir = {r}/run
state_dir = {r}/state
protocols = imap
listen = 127.0.0.1
{tls}disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
log_path = {r}/dovecot.log
default_internal_user = {internal}
default_internal_group = {"root" if internal == "root" else internal}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{r}/mail/%u
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {r}/users
}}
userdb {{
  driver = static
  args = uid={self.mail_uid} gid={self.mail_gid} home={r}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
{imaps}}}
"""

    def add_user(self, name: str, password: str) -> None:
        self.users[name] = password
        lines = "".join(f"{u}:{{PLAIN}}{p}::::\n" for u, p in self.users.items())
        (self.root / "users").write_text(lines, encoding="utf-8")

    def start(self, timeout: float = 15.0) -> None:
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: stop() ends the children too
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self._why()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start: {self._why()}")

    def _why(self) -> str:
        log = self.root / "dovecot.log"
        stderr = b""
        if self.process and self.process.poll() is not None and self.process.stderr:
            stderr = self.process.stderr.read()
        return stderr.decode(errors="replace") + (log.read_text() if log.exists() else "")

    def stop(self) -> None:
        """Stop like a service manager does: the master, then whatever of its group is left.

        Dovecot's master exits on SIGTERM but lets running imap processes finish their
        sessions; a real restart (systemd kills the cgroup) drops those connections too.
        """
        if self.process is not None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None

    def close(self) -> None:
        if self.process is not None:  # a throwaway server: no need for a graceful stop
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def doveadm(self, *args: str) -> str:
        result = subprocess.run(
            [DOVEADM, "-c", str(self.config), *args], capture_output=True, text=True, timeout=30
        )
        if result.returncode != 0:
            raise RuntimeError(f"doveadm {' '.join(args)}: {result.stderr}")
        return result.stdout

    def client(self, user: str) -> imaplib.IMAP4:
        """A logged-in stdlib client for putting mail in and looking at flags (test side only)."""
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        client.login(user, self.users[user])
        return client

    def append(self, user: str, messages: list[bytes], folder: str = "INBOX") -> None:
        client = self.client(user)
        try:
            for raw in messages:
                status, data = client.append(folder, None, None, raw)
                assert status == "OK", data
        finally:
            client.logout()

    def append_via_doveadm(self, user: str, messages: list[bytes], folder: str) -> None:
        """Deliver straight into the store, as the MTA would (no IMAP involved)."""
        for raw in messages:
            subprocess.run(
                [DOVEADM, "-c", str(self.config), "save", "-u", user, "-m", folder],
                input=raw,
                check=True,
                capture_output=True,
                timeout=30,
            )

    def tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))
