"""批准 is shown only to a user who may approve (issue 12 §4): the chair who recorded a visit, or
who applied for a member, is refused by the service, so the page does not offer the button;
another approver of the union sees it and it works."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from gonghui.care import services
from gonghui.care.enums import ApplicationKind, ApplicationState, VisitState
from gonghui.care.models import Visit
from tests.care.visit_factories import make_visit, set_condolence_standards

pytestmark = pytest.mark.django_db


def _approve_form(page: str, url: str) -> bool:
    return f'action="{url}"' in page


def test_the_recorder_of_a_visit_is_not_offered_approval_but_another_approver_is(
    tree, chair, welfare, helped, client_for
):
    set_condolence_standards(tree.school1)
    visit = make_visit(tree.school1, [helped], recorder=chair)
    detail = reverse("care:visit_detail", args=[visit.pk])
    approve = reverse("care:visit_approve", args=[visit.pk])

    assert not _approve_form(client_for(chair).get(detail).content.decode(), approve)
    welfare_client = client_for(welfare)
    assert _approve_form(welfare_client.get(detail).content.decode(), approve)
    welfare_client.post(approve)
    assert Visit.objects.get(pk=visit.pk).state == VisitState.APPROVED


def test_the_applicant_is_not_offered_approval_but_another_approver_is(
    tree, chair, welfare, helped, client_for
):
    application = services.application_create(
        actor=chair, member=helped, kind=ApplicationKind.HARDSHIP_AID, amount_requested=Decimal("500"),
        reason="家庭困难", submit=True,
    )  # fmt: skip
    detail = reverse("care:application_detail", args=[application.pk])
    approve = reverse("care:application_approve", args=[application.pk])

    chair_page = client_for(chair).get(detail).content.decode()
    assert not _approve_form(chair_page, approve) and "不予批准" not in chair_page
    welfare_client = client_for(welfare)
    assert _approve_form(welfare_client.get(detail).content.decode(), approve)
    welfare_client.post(approve, {"amount": "500", "note": ""})
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED and application.approved_by == welfare
