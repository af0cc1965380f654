"""Per-project learned suggesters: trained from the desk's decisions or labeled files, versioned
with a held-out score, used by runs once they exist, retrained after enough new decisions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from annotations import services
from annotations.errors import ValidationError
from annotations.models import SuggesterModel
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db

FACTS = [
    "The ministry said {n} people died in the floods in {year}.",
    "Exports rose by {n} percent in {year}, the statistics office reported.",
    "The court fined the company {n} million dollars in {year}.",
    "Police arrested {n} suspects after the raid in {year}.",
]
JUDGEMENTS = [
    "It was a shameful and cowardly decision.",
    "This is surely the worst government in memory.",
    "The plan is a disgrace to everyone involved.",
    "Frankly, the speech was absurd and embarrassing.",
]


def _article(i: int) -> tuple[str, list[str]]:
    facts = [f.format(n=10 + i, year=2000 + i) for f in FACTS]
    return " ".join(facts[:2] + JUDGEMENTS[:2] + facts[2:] + JUDGEMENTS[2:]), facts


@pytest.fixture
def labelled_desk(desk, reviewer):
    """Eight articles where the reviewer tagged every factual sentence as a CLAIM."""
    for i in range(8):
        text, facts = _article(i)
        document = make_document(desk, actor=reviewer, text=text, title=f"Article {i}")
        for fact in facts:
            make_span(document, reviewer, fact)
    return desk


def test_a_project_model_learns_its_claims_and_keeps_a_heldout_score(
    labelled_desk, settings, tmp_path
):
    settings.SUGGESTER_MODEL_DIR = tmp_path
    row = services.suggester_train(project=labelled_desk, label="CLAIM")
    assert (row.version, row.is_active, row.source) == (1, True, "project")
    assert (row.sentences, row.positives) == (64, 32)
    assert row.heldout["f1"] >= 0.9  # the two kinds of sentence are easy to tell apart
    assert (tmp_path / row.path).exists()


def test_a_run_uses_the_projects_model_instead_of_the_claim_rules(
    labelled_desk, reviewer, settings, tmp_path
):
    settings.SUGGESTER_MODEL_DIR = tmp_path
    row = services.suggester_train(project=labelled_desk, label="CLAIM")
    document = make_document(
        labelled_desk,
        actor=reviewer,
        text="Officials said 99 people died in 2031. What a disgraceful mess it was.",
    )
    run = services.suggestion_run_execute(run_id=document.suggestion_runs.get().pk)
    claims = document.suggestions.filter(label="CLAIM")
    assert [(c.suggester, c.suggester_version, c.text) for c in claims] == [
        ("claim-learned", row.suggester_version, "Officials said 99 people died in 2031.")
    ]
    assert f"model v{row.version} of this project" in claims[0].reason
    assert run.status == "done"


def test_retraining_makes_a_new_active_version_and_keeps_the_old_one(
    labelled_desk, settings, tmp_path
):
    settings.SUGGESTER_MODEL_DIR = tmp_path
    first = services.suggester_train(project=labelled_desk, label="CLAIM")
    second = services.suggester_train(project=labelled_desk, label="CLAIM")
    first.refresh_from_db()
    assert (first.is_active, second.is_active, second.version) == (False, True, 2)
    assert SuggesterModel.objects.filter(project=labelled_desk, label="CLAIM").count() == 2


def test_too_few_examples_are_refused_with_the_reason(desk, reviewer):
    document = make_document(desk, actor=reviewer, text="One fact: 3 people died in 2001.")
    make_span(document, reviewer, "3 people died in 2001.")
    with pytest.raises(ValidationError, match="Not enough examples to learn CLAIM"):
        services.suggester_train(project=desk, label="CLAIM")


def test_enough_new_decisions_make_a_retrain_due(labelled_desk, settings):
    settings.RETRAIN_AFTER_DECISIONS = 30
    assert services.retrain_if_due(project_id=labelled_desk.pk) == ["CLAIM"]  # 32 claims so far
    settings.RETRAIN_AFTER_DECISIONS = 40
    assert services.retrain_if_due(project_id=labelled_desk.pk) == []


def test_train_suggesters_command_learns_from_labeled_sentence_files(desk, settings, tmp_path):
    settings.SUGGESTER_MODEL_DIR = tmp_path / "models"
    data = tmp_path / "data" / "checkworthiness-en"
    data.mkdir(parents=True)
    rows = ["Sentence_id\tText\tclass_label"]
    for i in range(30):
        rows.append(f"{i}\t{FACTS[i % 4].format(n=i, year=1990 + i)}\tYes")
        rows.append(f"{100 + i}\t{JUDGEMENTS[i % 4]} Number {i}.\tNo")
    (data / "train.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("train_suggesters", desk.name, label="CLAIM", data=tmp_path / "data", stdout=out)
    row = SuggesterModel.objects.get(project=desk, label="CLAIM")
    assert row.sentences == 60 and row.source.endswith("checkworthiness-en/train.tsv")
    assert "CLAIM model v1: 60 sentences (30 yes)" in out.getvalue()


def test_train_suggesters_command_says_what_is_missing(desk, tmp_path):
    with pytest.raises(CommandError, match="No labeled sentences for OPINION"):
        call_command("train_suggesters", desk.name, label="OPINION", data=tmp_path)
    with pytest.raises(CommandError, match="No project 'Nowhere'"):
        call_command("train_suggesters", "Nowhere")
    with pytest.raises(CommandError, match="Not enough examples"):
        call_command("train_suggesters", desk.name, label="CLAIM", stdout=io.StringIO())
    assert not SuggesterModel.objects.exists()


QUOTE_ARTICLE = (
    "“We will rebuild the bridge by {year},” said Mayor {mayor} on Monday. Critics called the "
    "plan a “fantasy” in a statement.\n\n"
    "The council approved {n} million dollars for the work.\n\n"
    "“It is the biggest project in decades,” added {engineer}, the city engineer."
)
MAYORS = ["Ana Ruiz", "Bo Lind", "Cy Park", "Di Osei", "Ed Varga", "Flo Ness", "Gus Amar"]
ENGINEERS = ["Tom Berg", "Uma Roy", "Vic Hale", "Wes Chan", "Xia Moss", "Yan Toro", "Zed Kim"]


def _quote_article(i: int) -> str:
    return QUOTE_ARTICLE.format(year=2020 + i, mayor=MAYORS[i], n=10 + i, engineer=ENGINEERS[i])


def test_a_project_learns_its_quotes_and_speakers_from_its_own_quote_spans(
    desk, reviewer, settings, tmp_path
):
    settings.SUGGESTER_MODEL_DIR = tmp_path
    for i in range(6):
        document = make_document(desk, actor=reviewer, text=_quote_article(i), title=f"Bridge {i}")
        make_span(
            document,
            reviewer,
            f"We will rebuild the bridge by {2020 + i}",
            label="QUOTE",
            speaker=f"Mayor {MAYORS[i]}",
        )
        make_span(
            document,
            reviewer,
            "It is the biggest project in decades",
            label="QUOTE",
            speaker=ENGINEERS[i],
        )
    row = services.suggester_train(project=desk, label="QUOTE")
    assert (row.label, row.sentences, row.positives) == ("QUOTE", 6, 12)
    assert row.heldout["recall"] == 1.0 and row.heldout["speaker_accuracy"] == 1.0

    fresh = make_document(desk, actor=reviewer, text=_quote_article(6), title="Bridge 6")
    services.suggestion_run_execute(run_id=fresh.suggestion_runs.get().pk)
    quotes = fresh.suggestions.filter(label="QUOTE").order_by("start")
    assert [(q.suggester, q.text, q.speaker) for q in quotes] == [
        ("quote-learned", "We will rebuild the bridge by 2026", "Mayor Gus Amar"),
        ("quote-learned", "It is the biggest project in decades", "Zed Kim"),
    ]
    assert not fresh.suggestions.filter(label="QUOTE", text="fantasy").exists()


def test_quote_learning_needs_enough_annotated_articles(desk, reviewer):
    document = make_document(desk, actor=reviewer, text=_quote_article(0))
    make_span(
        document,
        reviewer,
        "We will rebuild the bridge by 2020",
        label="QUOTE",
        speaker="Mayor Ana Ruiz",
    )
    with pytest.raises(ValidationError, match="Not enough examples to learn QUOTE: 1 articles"):
        services.suggester_train(project=desk, label="QUOTE")
    with pytest.raises(CommandError, match="leave out --data"):
        call_command("train_suggesters", desk.name, label="QUOTE", data=Path("/nowhere"))


def test_a_desk_that_started_from_labeled_files_builds_its_own_model_on_that_one(
    labelled_desk, settings, tmp_path
):
    from annotations.services import learning
    from annotations.suggest import learned

    settings.SUGGESTER_MODEL_DIR = tmp_path
    sentences = [f.format(n=i, year=1990 + i) for i in range(10) for f in FACTS] + [
        f"{j} Number {i}." for i in range(10) for j in JUDGEMENTS
    ]
    labels = [True] * 40 + [False] * 40
    from_files = services.suggester_train(
        project=labelled_desk,
        label="CLAIM",
        sentences=sentences,
        labels=labels,
        source="files/checkworthiness-en/train.tsv",
    )
    own = services.suggester_train(project=labelled_desk, label="CLAIM")
    assert (from_files.version, own.version) == (1, 2)
    model = learned.load(tmp_path / own.path)
    assert model.settings["base"] is True
    assert "base" in dict(model.pipeline.named_steps["features"].transformer_list)
    learning._loaded.clear()
