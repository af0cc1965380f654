"""Test data. Documents and spans are made through the services, so every row a test sees went
through the same checks as real input."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from annotations import services
from annotations.models import Project


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Desk {n}")


def make_document(project, *, text="A short article. It says 42 things.", actor=None, **fields):
    fields.setdefault("title", "An article")
    return services.document_import(project=project, actor=actor, text=text, **fields)


def make_span(document, author, phrase, *, label="CLAIM", occurrence=0, **fields):
    """A span over the given phrase of the document (its nth occurrence)."""
    start = -1
    for _ in range(occurrence + 1):
        start = document.text.index(phrase, start + 1)
    return services.span_create(
        document=document,
        actor=author,
        label=label,
        start=start,
        end=start + len(phrase),
        text=phrase,
        **fields,
    )
