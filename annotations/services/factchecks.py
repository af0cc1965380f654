"""Fact-checks from ClaimReview: import a file or feed of them into a project.

A fact-check is keyed by (project, url, claim): importing the same feed again changes nothing,
and a review the publisher changed (a new rating, a corrected date) is updated in place. Items
that cannot be used are refused with their position and the reason; by default one refused item
refuses the file (nothing saved), as the JSONL import does, and ``keep_good_items`` saves the
others. New fact-checks' sentence embeddings are computed by a worker after the commit
(services.checking), never in the request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction

from annotations import policy
from annotations.errors import NotAllowed, ValidationError
from annotations.imports.claimreview import FileRefused, Refused, Review, read_claim_reviews
from annotations.models import FactCheck, Project
from annotations.services.common import record_event

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

# What a review sets on its fact-check; a re-import compares these.
_FIELDS = (
    "claim_reviewed",
    "rating_text",
    "rating_value",
    "rating",
    "publisher",
    "published_on",
    "claim_author",
    "claim_date",
    "source",
)
_URL_CHUNK = 1000


@dataclass
class FactCheckImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = True
    refused: list[Refused] = field(default_factory=list)


def fact_checks_import(
    *,
    project: Project,
    actor: User | None,
    data: bytes,
    name: str = "",
    keep_good_items: bool = False,
) -> FactCheckImportReport:
    """Read ClaimReview items from ``data`` (JSON, JSON-LD, a DataFeed or an HTML page) and
    upsert them as the project's fact-checks. ValidationError when the file cannot be read at
    all; otherwise a report (``committed`` False: some items were refused and nothing saved)."""
    if actor is not None and not policy.can_annotate(actor, project):
        raise NotAllowed("Only members of the project can import fact-checks into it.")
    try:
        read = read_claim_reviews(data)
    except FileRefused as exc:
        raise ValidationError(str(exc), field="file") from None
    report = FactCheckImportReport(refused=list(read.refused))
    reviews: dict[tuple[str, str], Review] = {}
    for position, review in read.reviews:
        key = (review.url, review.claim_key)
        if key in reviews:
            report.refused.append(
                Refused(position, "The same fact-check (url and claim) is earlier in the file.")
            )
            continue
        reviews[key] = review
    report.refused.sort(key=lambda r: r.position)
    if report.refused and not keep_good_items:
        report.committed = False
        return report

    with transaction.atomic():
        existing = _existing(project, reviews)
        create, update = [], []
        for key, review in reviews.items():
            values = {name: getattr(review, name) for name in _FIELDS}
            row = existing.get(key)
            if row is None:
                create.append(
                    FactCheck(
                        project=project,
                        url=review.url,
                        claim_key=review.claim_key,
                        imported_from=name[:300],
                        imported_by=actor,
                        **values,
                    )
                )
            elif any(getattr(row, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(row, f, v)
                row.imported_from, row.imported_by = name[:300], actor
                update.append(row)
            else:
                report.unchanged += 1
        # A concurrent import of the same feed may have made one first: the unique key keeps
        # one row, the later values.
        FactCheck.objects.bulk_create(
            create,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["project", "url", "claim_key"],
            update_fields=[*_FIELDS, "imported_from", "imported_by", "updated_at"],
        )
        if update:
            FactCheck.objects.bulk_update(
                update, [*_FIELDS, "imported_from", "imported_by", "updated_at"], batch_size=1000
            )
        report.created, report.updated = len(create), len(update)
        record_event(
            project_id=project.pk,
            obj=project,
            action="fact_checks_import",
            actor=actor,
            before=None,
            after=_summary(report, name),
        )
        if report.created or report.updated:
            project_id = project.pk
            transaction.on_commit(lambda: _embed_later(project_id))
    return report


def _existing(project: Project, reviews: dict[tuple[str, str], Review]) -> dict:
    urls = sorted({url for url, _ in reviews})
    found: dict[tuple[str, str], FactCheck] = {}
    for start in range(0, len(urls), _URL_CHUNK):
        rows = project.fact_checks.filter(url__in=urls[start : start + _URL_CHUNK]).defer("vector")
        for row in rows:
            found[(row.url, row.claim_key)] = row
    return found


def _summary(report: FactCheckImportReport, name: str) -> dict[str, Any]:
    return {
        "file": name[:300],
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "refused": len(report.refused),
    }


def _embed_later(project_id: int) -> None:
    """Hand the new fact-checks' embeddings to a worker; if the broker is down, the matching
    job computes what is missing when it next runs."""
    from annotations.tasks import embed_checked_claims

    try:
        embed_checked_claims.enqueue(project_id)
    except Exception as exc:  # any broker failure: the vectors are computed later
        log.warning("Could not enqueue the embeddings of project %s: %s", project_id, exc)
