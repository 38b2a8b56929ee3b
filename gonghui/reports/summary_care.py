"""The summary's care section (帮扶慰问): every care figure of the period, in the words unions use.

Visits first (people and person-times, cash and gifts, the festival visits of retirees, then
each occasion with its person-times and cash, so 住院 and 丧事 visits are named), then
assistance, student aid, hardship files, donation drives, 体检/妇检 with their cost, 疗休养 with
its cost, and the 帮扶慰问 total. Whatever care figure the prose does not name is still stated
(`Figures.rest`), so nothing the records hold is left to the appendix alone.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from gonghui.care import queries as care_queries

from .summary_figures import Context, fmt_amount, sentence

CARE_KEYS = (
    "care.condolence.times",
    "care.hardship_aid.times",
    "care.student_aid.times",
    "care.donation.campaigns",
    "care.health.checkup.attended",
    "care.health.women.attended",
    "care.recuperation.trips",
    "care.files.open",
)


def _visits(c: Context) -> str:
    f = c.f
    text = _("全年共走访慰问职工%(times)s人次（%(people)s人），发放慰问金%(amount)s元") % {
        "times": f.s("care.condolence.times"),
        "people": f.s("care.condolence.people"),
        "amount": f.s("care.condolence.amount"),
    }
    if f.n("care.condolence.gift_value"):
        text += _("，发放慰问品折合%(n)s元") % {"n": f.s("care.condolence.gift_value")}
    if f.n("care.condolence.retirees"):
        text += _("，走访慰问离退休老同志%(n)s人") % {"n": f.s("care.condolence.retirees")}
        if f.n("care.condolence.festival_retirees"):
            text += _("（其中节日走访%(n)s人）") % {"n": f.s("care.condolence.festival_retirees")}
    elif f.n("care.condolence.festival_retirees"):
        text += _("，节日走访慰问离退休老同志%(n)s人") % {"n": f.s("care.condolence.festival_retirees")}
    occasions = []
    for key, fact in f.by_key.items():
        if (
            not (key.startswith("care.condolence.") and key.endswith(".times"))
            or "occasion" not in fact.extra
        ):
            continue
        amount_key = key.removesuffix(".times") + ".amount"
        if not fact.value and not f.n(amount_key):
            continue
        phrase = _("%(label)s%(n)s人次") % {"label": fact.label, "n": f.s(key)}
        if f.n(amount_key):
            phrase += _("（慰问金%(amount)s元）") % {"amount": f.s(amount_key)}
        occasions.append(phrase)
    if occasions:
        text += _("，其中%(list)s") % {"list": "、".join(occasions)}
    return text


def _health(c: Context) -> list[str]:
    f = c.f
    parts = []
    for kind in ("checkup", "women"):
        key = f"care.health.{kind}"
        if not (f.n(f"{key}.attended") or f.n(f"{key}.amount")):
            continue
        text = _("组织%(label)s%(n)s人，应检%(eligible)s人，受检率%(rate)s") % {
            "label": f.by_key[f"{key}.attended"].label.removesuffix("人数"),
            "n": f.s(f"{key}.attended"),
            "eligible": f.s(f"{key}.eligible"),
            "rate": f.s(f"{key}.rate"),
        }
        if f.n(f"{key}.amount"):
            text += _("，支出费用%(amount)s元") % {"amount": f.s(f"{key}.amount")}
        parts.append(text)
    return parts


def care(c: Context) -> str:
    f = c.f
    if not any(f.n(key) for key in CARE_KEYS) and not f.n("care.total"):
        return ""
    parts: list[str] = []
    if f.n("care.condolence.times"):
        parts.append(_visits(c))
    if f.n("care.hardship_aid.times") or f.n("care.hardship_aid.amount"):
        parts.append(
            _("帮扶困难职工%(people)s人、%(times)s人次，发放帮扶金%(amount)s元")
            % {
                "people": f.s("care.hardship_aid.people"),
                "times": f.s("care.hardship_aid.times"),
                "amount": f.s("care.hardship_aid.amount"),
            }
        )
    if f.n("care.student_aid.times") or f.n("care.student_aid.amount"):
        parts.append(
            _("开展金秋助学，资助困难职工子女%(people)s人、%(times)s人次，发放助学金%(amount)s元")
            % {
                "people": f.s("care.student_aid.people"),
                "times": f.s("care.student_aid.times"),
                "amount": f.s("care.student_aid.amount"),
            }
        )
    if f.n("care.total") and (f.n("care.condolence.times") or f.n("care.hardship_aid.times")
                              or f.n("care.student_aid.times")):  # fmt: skip
        parts.append(_("帮扶慰问支出合计%(amount)s元") % {"amount": f.s("care.total")})
    if f.n("care.files.open") or f.n("care.files.opened"):
        text = _("建立困难职工档案%(open)s份，其中本年度新建%(opened)s份") % {
            "open": f.s("care.files.open"),
            "opened": f.s("care.files.opened"),
        }
        if f.n("care.files.overdue"):
            text += _("，逾期未复核%(n)s份") % {"n": f.s("care.files.overdue")}
        parts.append(text)
    if f.n("care.donation.campaigns"):
        text = _("组织捐款活动%(n)s次，倡议%(asked)s人次，%(donors)s人次参与，募集善款%(amount)s元") % {
            "n": f.s("care.donation.campaigns"),
            "asked": f.s("care.donation.asked"),
            "donors": f.s("care.donation.donors"),
            "amount": f.s("care.donation.amount"),
        }
        if f.raw("care.donation.rate") is not None:
            text += _("，参与率%(rate)s") % {"rate": f.s("care.donation.rate")}
        if f.n("care.donation.used"):
            text += _("，使用善款%(used)s元") % {"used": f.s("care.donation.used")}
        best = care_queries.largest_donation_drive(c.org, c.period.start, c.period.end, subtree=c.subtree)
        if best is not None and f.n("care.donation.campaigns") > 1:
            text += _("，其中“%(title)s”募集%(amount)s元") % {
                "title": best["title"],
                "amount": fmt_amount(best["amount"]),
            }
        elif best is not None:
            text += _("（“%(title)s”）") % {"title": best["title"]}
        parts.append(text)
    parts += _health(c)
    if f.n("care.recuperation.trips") or f.n("care.recuperation.amount"):
        parts.append(
            _("组织疗休养%(trips)s批次、%(times)s人次，支出疗休养费用%(amount)s元")
            % {
                "trips": f.s("care.recuperation.trips"),
                "times": f.s("care.recuperation.times"),
                "amount": f.s("care.recuperation.amount"),
            }
        )
    rest = f.rest([key for key in f.by_key if key.startswith("care.")])
    if rest:
        parts.append(_("此外，%(list)s") % {"list": rest})
    return sentence(parts)
