"""Every form control has an accessible name, even where a template shows it without a <label>."""

from __future__ import annotations

import pytest
from django import forms

from gonghui.care.forms import ApplicationFilterForm, FileFilterForm
from gonghui.congress.models import SuggestionCampaign
from gonghui.congress.suggestion_forms import SuggestionFilterForm
from gonghui.core.forms import BootstrapMixin


@pytest.mark.django_db
def test_a_filter_select_rendered_alone_carries_its_label_as_its_name():
    form = SuggestionFilterForm(campaigns=SuggestionCampaign.objects.none())
    html = str(form["state"])
    assert f'aria-label="{form.fields["state"].label}"' in html


def test_every_select_of_the_care_filters_is_named():
    for form in (ApplicationFilterForm(), FileFilterForm()):
        for bound in form.visible_fields():
            if isinstance(bound.field.widget, forms.CheckboxInput):
                continue  # shown with its own <label>
            assert f'aria-label="{bound.label}"' in str(bound), bound.name


def test_a_required_field_and_each_box_of_a_group_keep_the_names_their_labels_give():
    """A required field's visible label reads "名称 *"; a checkbox group's boxes are named by
    their own option labels: an aria-label would hide both."""

    class Form(BootstrapMixin, forms.Form):
        name = forms.CharField(label="名称")
        people = forms.MultipleChoiceField(
            label="联署人", required=False, choices=[("1", "李秀兰")], widget=forms.CheckboxSelectMultiple
        )
        agree = forms.BooleanField(label="同意", required=False)

    form = Form()
    for name in ("name", "people", "agree"):
        assert "aria-label" not in str(form[name]), name
