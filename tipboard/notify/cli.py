"""``flask --app wsgi tipboard vapid-keys``: a new Web Push key pair for the configuration."""

from __future__ import annotations

import base64

import click
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tipboard.cli import tipboard_cli


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_vapid_keys() -> tuple[str, str]:
    """(private, public): the raw P-256 private number and the uncompressed public point, both
    base64url, the forms py_vapid reads and the browser's ``applicationServerKey`` takes."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(private), b64url(public)


@tipboard_cli.command("vapid-keys")
def vapid_keys_command():
    """Print a new VAPID key pair as settings (keep the private one secret)."""
    private, public = new_vapid_keys()
    click.echo(f"TIPBOARD_VAPID_PRIVATE_KEY={private}")
    click.echo(f"TIPBOARD_VAPID_PUBLIC_KEY={public}")
