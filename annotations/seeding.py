"""Load the seed articles (seeds/manifest.json) into the demo project, idempotently."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from annotations import services
from annotations.models import Project, Role

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
GUIDE_USERNAME = "annotation-guide"


@dataclass
class SeedReport:
    project: Project
    documents_created: list[str] = field(default_factory=list)
    spans_created: int = 0


@transaction.atomic
def seeds_load(*, seeds_dir: Path = SEEDS_DIR) -> SeedReport:
    manifest = json.loads((seeds_dir / "manifest.json").read_text(encoding="utf-8"))
    project, _ = services.project_get_or_create(**manifest["project"])
    report = SeedReport(project=project)

    guide, _ = services.user_get_or_create(username=GUIDE_USERNAME)
    if guide.is_active or guide.first_name != "Annotation guide":
        guide.is_active = False  # an author of examples, not a person who logs in
        guide.first_name = "Annotation guide"
        guide.save(update_fields=["is_active", "first_name"])
    services.membership_set(project=project, user=guide, role=Role.REVIEWER)

    documents = {}
    for entry in manifest["documents"]:
        document = project.documents.filter(external_id=entry["external_id"]).first()
        if document is None:
            text = (seeds_dir / entry["file"]).read_text(encoding="utf-8")
            document = services.document_import(
                project=project,
                actor=None,
                text=text,
                title=entry["title"],
                outlet=entry["outlet"],
                author=entry["author"],
                source_url=entry["source_url"],
                published_on=entry["published_on"],
                external_id=entry["external_id"],
                metadata=entry["metadata"],
            )
            report.documents_created.append(document.title)
        documents[entry["external_id"]] = document

    for example in manifest["example_spans"]:
        document = documents[example["document"]]
        start = document.text.find(example["text"])
        if start < 0:
            raise ValueError(f"Seed span not found in {example['document']}: {example['text']!r}")
        end = start + len(example["text"])
        # Deleted ones count too: a reviewer who removed an example does not get it back.
        if document.spans.filter(
            author=guide, label=example["label"], start=start, end=end
        ).exists():
            continue
        services.span_create(
            document=document,
            actor=guide,
            label=example["label"],
            start=start,
            end=end,
            text=example["text"],
            speaker=example.get("speaker", ""),
        )
        report.spans_created += 1
    return report
