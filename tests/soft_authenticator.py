"""A software WebAuthn authenticator (EC P-256, "none" attestation) that answers the options our server
sends the way a browser would hand the answer back: JSON with base64url fields."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.encode_cbor import encode_cbor

UP, UV, AT = 0x01, 0x04, 0x40


def b64u(data: bytes) -> str:
    return bytes_to_base64url(data)


@dataclass
class SoftAuthenticator:
    origin: str = "http://shop.test"
    rp_id: str = "shop.test"
    user_verified: bool = True
    sign_count: int = 0
    credential_id: bytes = field(default_factory=lambda: os.urandom(16))
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    user_handle: bytes | None = None

    def _flags(self, extra: int = 0) -> bytes:
        return bytes([UP | (UV if self.user_verified else 0) | extra])

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return encode_cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind: str, challenge: str, origin: str | None = None) -> bytes:
        data = {"type": kind, "challenge": challenge, "origin": origin or self.origin, "crossOrigin": False}
        return json.dumps(data).encode()

    def register(self, options_json: str, *, origin: str | None = None, rp_id: str | None = None) -> str:
        """The answer to `navigator.credentials.create()` for these options."""
        options = json.loads(options_json)
        from webauthn import base64url_to_bytes

        self.user_handle = base64url_to_bytes(options["user"]["id"])
        auth_data = (
            hashlib.sha256((rp_id or self.rp_id).encode()).digest()
            + self._flags(AT)
            + struct.pack(">I", self.sign_count)
            + bytes(16)  # AAGUID
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_key()
        )
        attestation = encode_cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return json.dumps(
            {
                "id": b64u(self.credential_id),
                "rawId": b64u(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64u(client_data),
                    "attestationObject": b64u(attestation),
                    "transports": ["internal"],
                },
                "clientExtensionResults": {},
            }
        )

    def assert_(
        self,
        options_json: str,
        *,
        origin: str | None = None,
        count: int | None = None,
        user_handle: bytes | None = None,
    ) -> str:
        """The answer to `navigator.credentials.get()`: the counter goes up by one unless `count` is given."""
        options = json.loads(options_json)
        if count is None:
            self.sign_count += 1
            count = self.sign_count
        auth_data = hashlib.sha256(self.rp_id.encode()).digest() + self._flags() + struct.pack(">I", count)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        handle = user_handle if user_handle is not None else self.user_handle
        return json.dumps(
            {
                "id": b64u(self.credential_id),
                "rawId": b64u(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64u(client_data),
                    "authenticatorData": b64u(auth_data),
                    "signature": b64u(signature),
                    "userHandle": b64u(handle) if handle else None,
                },
                "clientExtensionResults": {},
            }
        )
