"""Re-keyers: the data each app keys on GONGHUI_FIELD_KEY, moved by `gonghui rotate-keys`.

Core owns the key (`core.keys`) and the command; each app that encrypts or hashes with the key
registers, in its `AppConfig.ready()`, how to move its rows from an old key to a new one, so the
command knows no app and an app added later is rotated too:

    rekeying.register(rekeying.Rekeyer(
        "members", rekey.rekey_id_numbers,
        done="重新加密身份证号 {count} 个", done_en="{count} ID numbers re-encrypted",
    ))

`rekey(old=, new=)` runs inside the command's one transaction and returns the rows it rewrote; it
raises `keys.WrongKey` when the old key does not open its data, and the whole rotation rolls
back. `refusal()`, if given, names data that cannot be moved right now (the command then
changes nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rekeyer:
    key: str  # its count's name in the audit event
    rekey: Callable[..., int]  # rekey(*, old: str, new: str) -> rows rewritten
    done: str  # the Chinese sentence of the command's report, with {count}
    done_en: str  # the same in English (the command speaks both)
    refusal: Callable[[], str] | None = None  # why the rotation must wait, or ""


# By key, in registration order (the order of INSTALLED_APPS): registering again replaces.
_REKEYERS: dict[str, Rekeyer] = {}


def register(rekeyer: Rekeyer) -> Rekeyer:
    _REKEYERS[rekeyer.key] = rekeyer
    return rekeyer


def rekeyers() -> list[Rekeyer]:
    return list(_REKEYERS.values())
