"""Care (帮扶 · 慰问 · 助学): the payout ledger, hardship files, assistance applications, standards.

The ledger is the one record of care money. Every payout of every care area (assistance,
student aid, and later condolence visits and donation payouts) is one `LedgerEntry`; entries
are append-only, and a correction is a reversing entry with the negated amount. A source record
(the application, later the visit or the drive) is an explicit nullable foreign key on the
entry, each with a partial UNIQUE constraint so the database itself refuses a second payment.

One module per entity: `ledger`, `applications` (with the standards), `files` (hardship files),
`visits`, `donations`, `health`. Django finds the models through this module, which imports
them all; callers write `from gonghui.care.models import LedgerEntry`.
"""

from __future__ import annotations

from ..occasion_models import VisitOccasion, occasion_name  # noqa: F401  (VisitOccasion: registered with the app here)
from ._common import APPLICATION_POLICY, CAMPAIGN_POLICY, CENT, FILE_POLICY, ZERO, fen_sum, from_fen
from .applications import AssistanceApplication, CareStandard
from .donations import Donation, DonationCampaign, DonationUse
from .files import HardshipDocument, HardshipFile, HardshipReview
from .health import HealthAttendance, HealthCampaign, RecuperationTrip
from .ledger import SOURCE_FIELDS, LedgerEntry, LedgerQuerySet
from .visits import VISIT_POLICY, CondolenceStandard, LifeEventReport, Visit, VisitMember, VisitPhoto

__all__ = [
    "APPLICATION_POLICY",
    "CAMPAIGN_POLICY",
    "CENT",
    "FILE_POLICY",
    "SOURCE_FIELDS",
    "VISIT_POLICY",
    "ZERO",
    "AssistanceApplication",
    "CareStandard",
    "CondolenceStandard",
    "Donation",
    "DonationCampaign",
    "DonationUse",
    "HardshipDocument",
    "HardshipFile",
    "HardshipReview",
    "HealthAttendance",
    "HealthCampaign",
    "LedgerEntry",
    "LedgerQuerySet",
    "LifeEventReport",
    "RecuperationTrip",
    "Visit",
    "VisitMember",
    "VisitPhoto",
    "fen_sum",
    "from_fen",
]
