"""Writes of the care app: keyword-only, atomic, audited (DESIGN.md §4).

The ledger API other care areas use:

    ledger_record(*, actor, org, kind, category, amount, method, paid_on, member=None,
                  payee_name="", source=None, note="") -> LedgerEntry
    ledger_reverse(*, actor, entry, reason, reversed_on=None) -> LedgerEntry

`source` is the record paid for (an AssistanceApplication today; a visit or a drive later): the
entry's FK to the source's model is found by type, so a new source area adds a nullable FK (and
its partial UNIQUE constraint) to LedgerEntry and calls ledger_record with `source=`.
Totals are sums of entries (`LedgerEntry.objects.filter(...).total()`, queries.py).

One module per entity: `payments` (the ledger and paying an application), `standards`, `files`
(hardship files), `applications`, `decisions` (approve, reject, the override). Every public name
is re-exported here: callers write `services.ledger_record(...)`.
"""

from __future__ import annotations

# care.visiting shares these two checks (a redundant alias marks them re-exported).
from ._common import _money as _money
from ._common import _require as _require
from .applications import (
    APPLICATION_FIELDS,
    application_create,
    application_set_state,
    application_submit,
    application_update,
)
from .decisions import (
    application_approve,
    application_reject,
    approval_problems,
    approval_record,
    year_to_date,
)
from .files import (
    AUDITED_FILE_FIELDS,
    FILE_FIELDS,
    hardship_document_add,
    hardship_file_close,
    hardship_file_open,
    hardship_file_set_state,
    hardship_file_update,
    hardship_review,
    one_year_after,
    posixpath_basename,
)
from .payments import ENTRY_FIELDS, assistance_pay, ledger_record, ledger_reverse
from .standards import standard_for, standard_set

__all__ = [
    "APPLICATION_FIELDS",
    "AUDITED_FILE_FIELDS",
    "ENTRY_FIELDS",
    "FILE_FIELDS",
    "application_approve",
    "application_create",
    "application_reject",
    "application_set_state",
    "application_submit",
    "application_update",
    "approval_problems",
    "approval_record",
    "assistance_pay",
    "hardship_document_add",
    "hardship_file_close",
    "hardship_file_open",
    "hardship_file_set_state",
    "hardship_file_update",
    "hardship_review",
    "ledger_record",
    "ledger_reverse",
    "one_year_after",
    "posixpath_basename",
    "standard_for",
    "standard_set",
    "year_to_date",
]
