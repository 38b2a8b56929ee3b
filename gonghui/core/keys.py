"""The one server-side secret that keys personal data and ballots: GONGHUI_FIELD_KEY.

Everything that must survive a change of SECRET_KEY is derived from it, each purpose under its
own label: the Fernet key of ID numbers and the HMAC key of their lookup hashes
(`members.privacy`), the per-poll keys of sealed ballots and receipt tags (`voting.sealing`), and
the HMAC key of paper ballot codes (`voting.services.code_hash`). SECRET_KEY (sessions, CSRF,
password reset links) may then be changed at will.

The database never holds the key, so a backup without the key cannot give back ID numbers: the key
is backed up with the database, but kept apart from it. `manage.py rotate-keys` moves the data
from an old key to a new one.

With DEBUG on and no key, a fixed development key is used (system check warning gonghui.W010);
with DEBUG off and no key, the system check gonghui.E010 stops the server from starting, and any
use of the key raises ImproperlyConfigured.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The development key. It is the old development SECRET_KEY, from which demo databases made before
# GONGHUI_FIELD_KEY was required were keyed: `rotate-keys --old-key <this>` moves such data.
DEV_KEY = "dev-only-insecure-key-change-me-in-production"
MIN_LENGTH = 32

MISSING_MESSAGE = (
    "未设置加密密钥 GONGHUI_FIELD_KEY（用于加密身份证号、投票和纸质随机码），服务不能启动。"
    "GONGHUI_FIELD_KEY is not set: it encrypts ID numbers and keys ballots and paper codes. "
    'Generate one with `python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"` and back it up with the database (but apart from it).'
)

logger = logging.getLogger(__name__)
_warned = False


def configured_key() -> str:
    """GONGHUI_FIELD_KEY as configured (may be empty)."""
    return str(getattr(settings, "GONGHUI_FIELD_KEY", "") or "")


def field_key() -> str:
    """The secret in use: GONGHUI_FIELD_KEY, or the development key with DEBUG on. Never SECRET_KEY."""
    global _warned
    key = configured_key()
    if key:
        return key
    if settings.DEBUG:
        if not _warned:
            logger.warning("GONGHUI_FIELD_KEY is not set: using the insecure development key (DEBUG on).")
            _warned = True
        return DEV_KEY
    raise ImproperlyConfigured(MISSING_MESSAGE)


def material(purpose: str, secret: str | None = None) -> bytes:
    """32 bytes for one purpose, derived from the secret (default: the key in use).

    sha256("<purpose>:<secret>"): the labels "gonghui-field-key" and "gonghui-ballot-key" are
    the derivations stored data already uses, so existing installations keep reading their data.
    """
    secret = field_key() if secret is None else secret
    return hashlib.sha256(f"{purpose}:{secret}".encode()).digest()


def fingerprint(secret: str | None = None) -> str:
    """A short name of a key that does not give it away (the first 12 hex digits of its sha256): the
    backup manifest records it, so a restore can tell whether the key in use is the right one."""
    secret = field_key() if secret is None else secret
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


class WrongKey(Exception):
    """Stored data that the old key given to a rotation does not open (nothing is changed).

    `what` names the data (Chinese); `failed` of `total` rows did not open; `new_opens` tells
    whether the new key opens them instead (the data was rotated already)."""

    def __init__(self, what: str, *, failed: int, total: int, new_opens: bool) -> None:
        super().__init__(f"{what}: {failed} of {total} rows do not open with the old key")
        self.what, self.failed, self.total, self.new_opens = what, failed, total, new_opens
