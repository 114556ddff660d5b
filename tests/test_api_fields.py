"""The one strict-field family (claims/api/fields.py), shared by the REST API and the Google face."""

from __future__ import annotations

import json

import pytest
from rest_framework import serializers

from claims.api import fields
from claims.api import google_serializers as gs
from claims.models import Claim
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401


class Note(fields.StrictSerializer):
    title = fields.StrictCharField(max_length=20)
    link = fields.StrictURLField(required=False)
    count = fields.StrictIntegerField(required=False)
    urgent = fields.StrictBooleanField(required=False)
    code = serializers.CharField(read_only=True)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": 42}, "title", "Not a valid string."),
        ({"title": "bad \ud800 text"}, "title", "Contains characters that are not valid Unicode."),
        ({"title": "ok", "link": "ftp://files.example/x"}, "link", "Enter a valid http or https URL."),
        ({"title": "ok", "count": "3"}, "count", "A valid integer is required."),
        ({"title": "ok", "urgent": "yes"}, "urgent", "Must be a valid boolean."),
        ({"title": "ok", "colour": "red"}, "colour", "Unknown or read-only field."),
        ({"title": "ok", "code": "x"}, "code", "Unknown or read-only field."),
    ],
)
def test_strict_fields_refuse_what_drf_would_coerce(data, field, message):
    serializer = Note(data=data)
    assert not serializer.is_valid()
    assert [str(m) for m in serializer.errors[field]] == [message]


def test_unknown_and_invalid_keys_are_reported_together():
    serializer = Note(data={"title": 1, "colour": "red"})
    assert not serializer.is_valid()
    assert set(serializer.errors) == {"title", "colour"}


def test_the_google_face_uses_the_same_family_with_its_own_message():
    assert issubclass(gs.StrictSerializer, fields.StrictSerializer)
    assert isinstance(gs.GoogleClaimReviewMarkupPageSerializer().fields["pageUrl"], fields.StrictURLField)
    assert isinstance(gs.FlexibleDateField(), fields.StrictCharField)
    serializer = gs.GoogleClaimAuthorSerializer(data={"name": "A", "nickname": "B"})
    assert not serializer.is_valid()
    assert [str(m) for m in serializer.errors["nickname"]] == ["Unknown field."]


@pytest.mark.django_db
def test_a_lone_surrogate_is_a_400_not_a_server_error(reviewer):
    body = json.dumps({"text": "bad \ud800 text", "language": "en", "claimant": "Someone"})
    response = client_for(reviewer).post(f"{API}/claims/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "text" in response.json()
    assert not Claim.objects.exists()
