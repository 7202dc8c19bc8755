"""Deliveries over https: the relay dials the address the SSRF guard checked, and presents the
URL's host name for TLS (SNI, certificate check) and in ``Host`` (contract sections 1, 4).

The receiver is a real local TLS server whose certificate names ``localhost`` only (no IP
address), issued by a CA made here and trusted through ``TALLY_WEBHOOK_CA_BUNDLE``: a
delivery gets through only if the certificate was checked against the host name while the
connection went to the checked address.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from webhooks.models import Attempt, Delivery
from webhooks.relay import Relay

HOST = "localhost"


@dataclass
class Issued:
    ca: Path
    cert: Path
    key: Path


def issue(directory: Path, *, name: str) -> Issued:
    """A CA, and a server certificate it signs for the DNS name ``name`` alone."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Webhook test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    issued = Issued(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    issued.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    issued.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    issued.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return issued


@dataclass
class TLSReceiver:
    """A local https receiver answering 200; notes the SNI names, Host headers and peers."""

    issued: Issued
    server_names: list[str | None] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    local_addresses: list[str] = field(default_factory=list)

    def start(self) -> None:
        family, _, _, _, address = socket.getaddrinfo(HOST, 0, type=socket.SOCK_STREAM)[0]
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.issued.cert, self.issued.key)
        context.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.hosts.append(self.headers["Host"])
                receiver.local_addresses.append(self.connection.getsockname()[0])
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            address_family = family
            daemon_threads = True

            def get_request(self):
                sock, peer = super().get_request()
                return context.wrap_socket(sock, server_side=True), peer

        self.server = Server((address[0], 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"https://{HOST}:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def tls_receiver(issued: Issued):
    receiver = TLSReceiver(issued)
    receiver.start()
    return receiver


@pytest.fixture
def https_relay(settings, tmp_path):
    """``make(name, trusted)``: a TLS receiver whose certificate names ``name``, its CA
    trusted or not, and a relay made after the setting (as a worker reads it at start)."""
    made = []

    def make(name: str, *, trusted: bool = True) -> tuple[TLSReceiver, Relay]:
        issued = issue(tmp_path, name=name)
        settings.TALLY_WEBHOOK_CA_BUNDLE = str(issued.ca) if trusted else ""
        receiver, relay = tls_receiver(issued), Relay(listen=False)
        made.append((receiver, relay))
        return receiver, relay

    yield make
    for receiver, relay in made:
        relay.pool.shutdown(wait=True)
        receiver.close()


def test_an_https_delivery_dials_the_checked_address_and_presents_the_host_name(
    https_relay, endpoint_factory, order_factory
):
    # given an https receiver on localhost, its CA trusted by the setting
    receiver, relay = https_relay(HOST)
    endpoint_factory(receiver.url, event_types=["wix.pricing_plans.v2.order_created"])
    checked_ip = socket.getaddrinfo(HOST, 0, type=socket.SOCK_STREAM)[0][4][0]
    # when an order is created and the relay runs
    order_factory()
    relay.run_until_idle()
    # then it arrived over TLS at the checked address, with the host name as SNI and Host
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED
    assert receiver.server_names == [HOST]
    assert receiver.hosts == [f"{HOST}:{receiver.server.server_address[1]}"]
    assert receiver.local_addresses == [checked_ip]


def test_an_https_receiver_whose_certificate_names_another_host_is_refused(
    https_relay, endpoint_factory, order_factory
):
    # given a receiver on localhost presenting a trusted certificate for another name
    receiver, relay = https_relay("elsewhere.example")
    endpoint_factory(receiver.url, event_types=["wix.pricing_plans.v2.order_created"])
    # when the relay posts to it
    order_factory()
    relay.run_until_idle()
    # then nothing was sent; the attempt failed with a TLS error and will be retried
    assert receiver.hosts == []
    attempt = Attempt.objects.get()
    assert attempt.http_status is None and attempt.error.startswith("TLS error")
    assert "Hostname mismatch" in attempt.error
    assert Delivery.objects.get().status == Delivery.Status.PENDING


def test_an_https_receiver_signed_by_an_untrusted_ca_is_refused(
    https_relay, endpoint_factory, order_factory
):
    # given a receiver whose CA is not in the system store nor in the setting
    receiver, relay = https_relay(HOST, trusted=False)
    endpoint_factory(receiver.url, event_types=["wix.pricing_plans.v2.order_created"])
    # when the relay posts to it
    order_factory()
    relay.run_until_idle()
    # then nothing was sent: the certificate was not trusted
    assert receiver.hosts == []
    assert "unable to get local issuer certificate" in Attempt.objects.get().error
