"""The public forms copy their fields for each instance as Django would (``field_copy``): each
form gets fields of its own, equal to what ``copy.deepcopy`` gives, and what the direct copy
does not know is still copied by Django. They clean their fields without a BoundField each,
with the same outcome as Django's loop."""

import copy

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers.records.forms import RegistrationForm, ServiceRequestForm
from privacysite.form_copy import FieldCopyingForm, field_copy

pytestmark = pytest.mark.django_db


def state(obj):
    """A field's or widget's attributes, the widget's own included, for comparing copies."""
    return {
        key: state(value) if isinstance(value, forms.Widget) else value
        for key, value in vars(obj).items()
    }


@pytest.mark.parametrize("form_class", [RegistrationForm, ServiceRequestForm])
def test_each_field_is_copied_as_django_copies_it(seeded, form_class):
    form = form_class()
    for name, field in form_class.base_fields.items():
        ours, django = field_copy(field), copy.deepcopy(field)
        assert type(ours) is type(django) and type(ours.widget) is type(django.widget)
        assert state(ours) == state(django), name
        # What Django copies is a new object in ours too; the rest is shared, as in Django's.
        for attr in ("widget", "error_messages", "validators"):
            assert getattr(ours, attr) is not getattr(field, attr), (name, attr)
        assert ours.widget.attrs is not field.widget.attrs
        if isinstance(field, forms.ChoiceField):
            assert ours.choices is not field.choices
            assert ours.widget.choices is not field.widget.choices
    assert set(form.fields) > set(form_class.base_fields)  # and the purpose boxes


def test_changing_one_forms_fields_changes_no_other_form(seeded):
    first, second = RegistrationForm(), RegistrationForm()
    kind = first.fields["kind"]
    kind.widget.attrs["class"] = "changed"
    kind.choices.append(("other", "Other"))
    kind.widget.choices.append(("other", "Other"))
    kind.error_messages["required"] = "changed"
    kind.validators.append(lambda value: None)
    kind.label = "changed"
    first.fields["email"].widget.attrs["autocomplete"] = "off"
    first.fields["purpose_surveys"].label = "changed"
    first.fields["purpose_surveys"].widget.attrs["disabled"] = True

    for form in (second, RegistrationForm()):
        kind = form.fields["kind"]
        assert "class" not in kind.widget.attrs
        assert [value for value, _ in kind.choices] == ["individual", "business"]
        assert [value for value, _ in kind.widget.choices] == ["individual", "business"]
        assert kind.error_messages["required"] != "changed"
        assert kind.validators == [] and kind.label != "changed"
        assert form.fields["email"].widget.attrs["autocomplete"] == "email"
        assert form.fields["purpose_surveys"].label != "changed"
        assert "disabled" not in form.fields["purpose_surveys"].widget.attrs
    assert "class" not in RegistrationForm.base_fields["kind"].widget.attrs


def test_a_purposes_box_shows_its_current_wording(seeded):
    from consents.models import Purpose
    from consents.selectors import consents_cache_clear

    Purpose.objects.filter(code="surveys").update(description_vi="Khảo sát mới")
    consents_cache_clear()
    assert RegistrationForm().fields["purpose_surveys"].label == "Khảo sát mới"


class Mixed(FieldCopyingForm):
    group = forms.ModelChoiceField(queryset=Group.objects.all())
    when = forms.SplitDateTimeField()
    grouped = forms.ChoiceField(choices=[("Fruit", [("a", "Apple"), ("p", "Pear")])])
    plain = forms.ChoiceField(choices=[("a", "A")], widget=forms.Select(attrs={"size": 1}))


def test_what_the_direct_copy_does_not_know_is_copied_by_django():
    first, second = Mixed(), Mixed()
    # A ModelChoiceField gets its own queryset, a MultiValueField its own subfields.
    assert first.fields["group"].queryset is not second.fields["group"].queryset
    assert first.fields["when"].fields[0] is not second.fields["when"].fields[0]
    # Grouped choices are copied deeply: a group's options are a list.
    first.fields["grouped"].choices[0][1].append(("x", "X"))
    assert [value for value, _ in second.fields["grouped"].choices[0][1]] == ["a", "p"]
    assert first.fields["plain"].widget.attrs is not second.fields["plain"].widget.attrs
    assert state(first.fields["plain"]) == state(copy.deepcopy(Mixed.base_fields["plain"]))


class DjangosCleaning:
    """The same form, cleaned by Django's own loop (a BoundField per field)."""

    _clean_fields = forms.BaseForm._clean_fields


class RegistrationByDjango(DjangosCleaning, RegistrationForm):
    pass


class ServiceRequestByDjango(DjangosCleaning, ServiceRequestForm):
    pass


def outcome(form):
    valid = form.is_valid()
    return valid, form.cleaned_data, form.errors.get_json_data()


TYPED = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "on", "individual", "business", "0903123456", "a@b.vn", "hosting"]),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
@pytest.mark.parametrize(
    ("ours", "djangos"),
    [(RegistrationForm, RegistrationByDjango), (ServiceRequestForm, ServiceRequestByDjango)],
)
def test_a_form_is_cleaned_as_djangos_loop_cleans_it(seeded, ours, djangos, data):
    names = [*ours().fields, "services"]
    typed = data.draw(st.dictionaries(st.sampled_from(names), TYPED))
    posted = QueryDict(mutable=True)
    for name, value in typed.items():
        posted.setlist(name, [value, value] if name == "services" else [value])
    assert outcome(ours(posted)) == outcome(djangos(posted))


class Unusual(FieldCopyingForm):
    """Fields the direct path must leave to Django: disabled, a file, a clean_<name>."""

    locked = forms.CharField(disabled=True, initial="kept")
    upload = forms.FileField(required=False)
    when = forms.SplitDateTimeField(required=False)
    code = forms.CharField(required=False)

    def clean_code(self):
        if self.cleaned_data["code"] == "bad":
            raise ValidationError("bad code", code="bad")
        return self.cleaned_data["code"].upper()


class UnusualByDjango(DjangosCleaning, Unusual):
    pass


@pytest.mark.parametrize(
    "posted",
    [
        {"locked": "changed", "code": "abc", "when_0": "2026-11-27", "when_1": "08:00"},
        {"code": "bad", "when_0": "not a date", "when_1": "08:00"},
        {},
    ],
)
@pytest.mark.parametrize("prefix", [None, "p"])
def test_unusual_fields_are_cleaned_as_django_cleans_them(posted, prefix):
    files = {"upload": SimpleUploadedFile("a.txt", b"x")}
    if prefix:  # each name as a prefixed form sends it
        posted = {f"{prefix}-{name}": value for name, value in posted.items()}
        files = {f"{prefix}-{name}": value for name, value in files.items()}
    ours = Unusual(posted, files, prefix=prefix)
    djangos = UnusualByDjango(posted, files, prefix=prefix)
    assert outcome(ours) == outcome(djangos)
    assert ours.is_valid() or ours.errors
    if "locked" in posted:
        assert ours.cleaned_data["locked"] == "kept" and ours.cleaned_data["code"] == "ABC"
