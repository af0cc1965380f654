"""A project whose texts hold emoji, CJK, combining marks and right-to-left script, with
approved, pending and rejected spans, verdicts, a speaker and overlapping spans."""

from __future__ import annotations

from datetime import date

from annotations import services
from annotations.models import ReviewStatus, Span, Verdict
from tests.factories import make_document, make_span

TEXTS = {
    "emoji": (
        "Emoji 😀 first: the minister said 🇮🇳 growth hit 7% in 2023.\n"
        "👨‍👩‍👧 families agreed, “we saw it ourselves”, said Ana Núñez."
    ),
    "cjk": "東京の人口は1400万人です。専門家は「人口は増加している」と述べた。",
    # q + combining dot above has no precomposed form: it stays two code points after NFC.
    "combining": "The village of Mq\u0307ta had 1,204 voters; Zoë counted them twice.",
    "rtl": "قال الوزير إن التضخم بلغ 5٪ في عام 2023. \u200fשלום, אמר הדובר.",
}


def approve(*spans: Span) -> None:
    Span.objects.filter(pk__in=[s.pk for s in spans]).update(review_status=ReviewStatus.APPROVED)


def approve_verdict(span: Span) -> None:
    """Approve the verdict of the desk claim the span is a mention of."""
    Verdict.objects.filter(desk_claim_id=span.desk_claim_id).update(
        review_status=ReviewStatus.APPROVED
    )


def build_project(project, reviewer, *, other_reviewer=None):
    """Documents and spans; returns {name: document}. Everything approved unless noted."""
    docs = {
        name: make_document(
            project,
            actor=reviewer,
            title=f"The {name} article",
            text=text,
            outlet="Voice",
            source_url="https://example.org/a",
            published_on=date(2024, 5, 1),
            metadata={"lang": name},
        )
        for name, text in TEXTS.items()
    }
    e, c, m, r = docs["emoji"], docs["cjk"], docs["combining"], docs["rtl"]
    growth = make_span(e, reviewer, "🇮🇳 growth hit 7% in 2023")
    quote = make_span(e, reviewer, "we saw it ourselves", label="QUOTE", speaker="Ana Núñez")
    family = make_span(
        e, reviewer, "👨‍👩‍👧 families agreed, “we saw it ourselves”", label="OPINION"
    )
    population = make_span(c, reviewer, "東京の人口は1400万人です。")
    cjk_quote = make_span(c, reviewer, "人口は増加している", label="QUOTE", speaker="専門家")
    voters = make_span(m, reviewer, "Mq\u0307ta had 1,204 voters")
    zoe = make_span(m, reviewer, "Zoë counted them twice", label="OPINION")
    inflation = make_span(r, reviewer, "التضخم بلغ 5٪ في عام 2023")
    hebrew = make_span(r, reviewer, "\u200fשלום", label="QUOTE", speaker="הדובר")
    approve(growth, quote, family, population, cjk_quote, voters, zoe, inflation, hebrew)
    services.verdict_set(
        span=Span.objects.get(pk=growth.pk),
        actor=reviewer,
        rating="mostly_false",
        rationale="Official data says 6.1%.",
        evidence_links=["https://example.org/gdp"],
    )
    services.verdict_set(span=Span.objects.get(pk=voters.pk), actor=reviewer, rating="unverifiable")
    services.verdict_set(span=Span.objects.get(pk=population.pk), actor=reviewer, rating="true")
    approve_verdict(growth)
    approve_verdict(voters)
    # population's verdict stays pending; spans below stay pending or are rejected.
    make_span(c, reviewer, "専門家", label="OPINION")  # pending
    rejected = make_span(m, reviewer, "The village", label="OPINION")
    Span.objects.filter(pk=rejected.pk).update(review_status=ReviewStatus.REJECTED)
    if other_reviewer is not None:
        theirs = make_span(e, other_reviewer, "the minister said", label="OPINION")
        approve(theirs)
    return docs
