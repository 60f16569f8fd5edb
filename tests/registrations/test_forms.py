"""The registration form's fields: built once per form class, region, language and questions, shared by instances."""

import pytest
from django.utils import translation

from tests.factories import RegistrationQuestionFactory, SeriesFactory
from webinars.registrations.forms import DetailsForm, RegistrationForm
from webinars.registrations.models import RegistrationQuestion

pytestmark = pytest.mark.django_db

DATA = {
    "name": "Анаит Петросян",
    "email": "Anahit@Example.org",
    "country": "AM",
    "organisation": "Музей",
    "institution_type": "state",
    "language": "ru",
    "consent_privacy": "on",
}


def test_instances_share_the_fields_but_not_their_dictionary():
    series = SeriesFactory()
    first, second = RegistrationForm(DATA, series=series), RegistrationForm({}, series=series)
    assert first.fields is not second.fields
    assert first.fields["name"] is second.fields["name"]  # built once, not deep-copied per request
    assert first.is_valid(), first.errors
    assert first.cleaned_data["email"] == "anahit@example.org"
    assert not second.is_valid() and "name" in second.errors  # the errors are each instance's own
    details = DetailsForm(series=series)
    assert "email" not in details.fields and "email" in RegistrationForm(series=series).fields  # removed from its own dict only


def test_a_question_edited_gets_a_new_field_and_the_language_its_own_labels():
    series = SeriesFactory()
    question = RegistrationQuestionFactory(
        series=series, label={"en": "Your role?", "ru": "Ваша роль?"}, kind=RegistrationQuestion.Kind.CHOICE, choices=["A", "B"]
    )
    field_name = f"q_{question.pk}"
    with translation.override("ru"):
        assert RegistrationForm(series=series).fields[field_name].label == "Ваша роль?"
    with translation.override("en"):
        form = RegistrationForm(series=series)
        assert form.fields[field_name].label == "Your role?"
        assert [value for value, _label in form.fields[field_name].choices] == ["", "A", "B"]
    question.label = {"en": "Your job?", "ru": "Ваша работа?"}
    question.choices = ["A", "B", "C"]
    question.save()
    series = type(series).objects.get(pk=series.pk)  # as the next request reads it
    with translation.override("en"):
        form = RegistrationForm(series=series)
        assert form.fields[field_name].label == "Your job?"
        assert [value for value, _label in form.fields[field_name].choices] == ["", "A", "B", "C"]
        assert not RegistrationForm({**DATA, field_name: "D"}, series=series).is_valid()


def test_the_series_region_comes_first_in_its_own_field_set():
    central_asia, caucasus = SeriesFactory(countries=["KZ", "UZ"]), SeriesFactory(countries=["GE"])
    with translation.override("en"):
        first = [code for code, _name in RegistrationForm(series=central_asia).fields["country"].choices][1:3]
        other = [code for code, _name in RegistrationForm(series=caucasus).fields["country"].choices][1:2]
    assert sorted(first) == ["KZ", "UZ"] and other == ["GE"]
