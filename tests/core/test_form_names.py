"""Every form control has an accessible name, even where a template shows it without a <label>."""

from __future__ import annotations

import pytest

from gonghui.care.forms import ApplicationFilterForm, FileFilterForm
from gonghui.congress.models import SuggestionCampaign
from gonghui.congress.suggestion_forms import SuggestionFilterForm


@pytest.mark.django_db
def test_a_filter_select_rendered_alone_carries_its_label_as_its_name():
    form = SuggestionFilterForm(campaigns=SuggestionCampaign.objects.none())
    html = str(form["state"])
    assert f'aria-label="{form.fields["state"].label}"' in html


def test_every_visible_control_of_the_care_filters_is_named():
    for form in (ApplicationFilterForm(), FileFilterForm()):
        for bound in form.visible_fields():
            assert f'aria-label="{bound.label}"' in str(bound), bound.name
