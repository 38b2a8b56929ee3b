"""Ballots sealed while a poll is open (DESIGN.md §5).

While a poll is open the audit log says who voted and when, and a heap table keeps rows in insert
order, so a readable ballot row would name its voter to anyone holding the database. Each ballot
is therefore stored sealed at casting: its choices and its receipt are encrypted (AES-256-GCM, a
random nonce, padded to a fixed size so the length says nothing) under a key derived per poll from
a server-side secret that the database never holds, like the ID-number key of `members.privacy`.
The row keeps only a keyed hash of the receipt (for uniqueness). `services.shuffle_ballots`
unseals them inside the closing transaction, where they are also rewritten in a random order;
from then on choices and receipts are plain (they are published once the result is released).

The secret: GONGHUI_FIELD_KEY (`core.keys`), never SECRET_KEY; `manage.py rotate-keys` reseals
open ballots under a new key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gonghui.core import keys

SEALED = "sealed"  # the only key of a sealed ballot's stored choices
BLOCK = 512  # plaintexts are padded to a multiple of this, so sizes do not tell ballots apart
NONCE_BYTES = 12
HASH_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class SealError(Exception):
    """A sealed ballot that this server's secret cannot open (wrong secret, or altered)."""


def poll_key(poll_id: int, secret: str | None = None) -> bytes:
    """The poll's 256-bit key: HMAC-SHA256 of the poll id under the server-side secret."""
    master = keys.material("gonghui-ballot-key", secret)
    return hmac.new(master, f"poll:{poll_id}".encode(), hashlib.sha256).digest()


def _aad(poll_id: int) -> bytes:
    return f"gonghui-ballot:{poll_id}".encode()


def seal(poll_id: int, choices: dict[str, Any], receipt: str, *, secret: str | None = None) -> dict[str, str]:
    """The stored form of a ballot cast in an open poll: {"sealed": base64(nonce + ciphertext)}."""
    plain = json.dumps({"c": choices, "r": receipt}, ensure_ascii=False, sort_keys=True).encode()
    size = -(-(len(plain) + 1) // BLOCK) * BLOCK
    padded = plain + b" " * (size - len(plain))
    nonce = os.urandom(NONCE_BYTES)
    token = nonce + AESGCM(poll_key(poll_id, secret)).encrypt(nonce, padded, _aad(poll_id))
    return {SEALED: base64.b64encode(token).decode()}


def is_sealed(stored: Any) -> bool:
    return isinstance(stored, dict) and set(stored) == {SEALED}


def unseal(poll_id: int, stored: dict[str, str], *, secret: str | None = None) -> tuple[dict[str, Any], str]:
    """(choices, receipt) of a sealed ballot; SealError if the secret does not open it."""
    try:
        token = base64.b64decode(stored[SEALED])
        nonce, body = token[:NONCE_BYTES], token[NONCE_BYTES:]
        plain = AESGCM(poll_key(poll_id, secret)).decrypt(nonce, body, _aad(poll_id))
    except (InvalidTag, ValueError, KeyError) as error:
        raise SealError("the ballot cannot be opened with this secret") from error
    data = json.loads(plain.decode())
    return data["c"], data["r"]


def receipt_tag(poll_id: int, receipt: str, length: int = 12, *, secret: str | None = None) -> str:
    """What the receipt column holds while the poll is open: a keyed hash of the receipt (unique
    like the receipt), so the open ballot box cannot be matched to the receipt list published
    after release."""
    digest = hmac.new(poll_key(poll_id, secret), b"receipt:" + receipt.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")
    chars = []
    for _index in range(length):
        number, rest = divmod(number, len(HASH_ALPHABET))
        chars.append(HASH_ALPHABET[rest])
    return "".join(chars)
