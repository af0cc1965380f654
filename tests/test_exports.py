"""The export endpoint: every format exact, streamed, filtered, scoped to the user's projects."""

from __future__ import annotations

import csv
import io
import json

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Document, Span
from tests.export_data import TEXTS, approve, build_project
from tests.factories import make_document, make_span
from tests.import_jobs import run_import

pytestmark = pytest.mark.django_db


def export(api, user, project, **params):
    response = api(user).get(f"/api/v1/projects/{project.pk}/export/", params)
    return response


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def exported(desk, reviewer):
    return build_project(desk, reviewer)


def texts_by_id(project) -> dict[int, str]:
    return dict(Document.objects.filter(project=project).values_list("id", "text"))


# --- reading each format back ---------------------------------------------------------------
def conll_documents(
    data: bytes, texts: dict[int, str]
) -> dict[int, list[tuple[str, int, int, str]]]:
    """{document id: [(token, start, end, tag)]}: documents come in id order."""
    ids = iter(sorted(texts))
    documents: dict[int, list[tuple[str, int, int, str]]] = {}
    doc_id = None
    for line in data.decode().split("\n"):
        assert not line.startswith("#"), "no comment lines"
        if line == "-DOCSTART- -X- O O":
            doc_id = next(ids)
            documents[doc_id] = []
        elif line:
            token, start, end, tag = line.split("\t")
            documents[doc_id].append((token, int(start), int(end), tag))
    return documents


def spans_from(fmt: str, data: bytes, texts: dict[int, str]) -> list[tuple[int, int, int, str]]:
    """(document id, start, end, exact) of every span the export states."""
    found = []
    if fmt == "jsonl":
        for line in data.decode().splitlines():
            doc = json.loads(line)
            assert doc["text"] == texts[doc["id"]]
            assert [s[:3] for s in doc["label"]] == [
                [s["start"], s["end"], s["label"]] for s in doc["spans"]
            ]
            found += [(doc["id"], s["start"], s["end"], s["text"]) for s in doc["spans"]]
    elif fmt == "w3c":
        collection = json.loads(data)
        for annotation in collection["first"]["items"]:
            page = annotation["target"]["scope"]
            doc_id = int(page.rstrip("/").rsplit("/", 1)[1])
            position, quote = annotation["target"]["selector"]
            found.append((doc_id, position["start"], position["end"], quote["exact"]))
    elif fmt == "csv":
        from annotations.export.csvfile import unneutralise

        for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig"))):
            assert row["offset_unit"] == "codepoint"
            text = unneutralise(row["text"])
            found.append((int(row["document_id"]), int(row["start"]), int(row["end"]), text))
    elif fmt == "conll":
        for doc_id, rows in conll_documents(data, texts).items():
            found += [(doc_id, start, end, token) for token, start, end, _ in rows]
    elif fmt == "claimreview":
        for review in json.loads(data):
            doc_id = int(review["url"].split("/documents/")[1].split("/")[0])
            span = Span.objects.get(pk=int(review["url"].rsplit("#span-", 1)[1]))
            found.append((doc_id, span.start, span.end, review["claimReviewed"]))
    return found


@pytest.mark.parametrize("fmt", ["jsonl", "w3c", "csv", "conll", "claimreview"])
def test_every_span_in_every_format_reads_back_exactly_from_its_document(
    api, desk, reviewer, exported, fmt
):
    response = export(api, reviewer, desk, format=fmt)
    assert response.status_code == 200
    texts = texts_by_id(desk)
    found = spans_from(fmt, body(response), texts)
    assert found, "the export is empty"
    for doc_id, start, end, exact in found:
        assert texts[doc_id][start:end] == exact


def test_jsonl_round_trip_through_import_gives_byte_identical_spans(
    api, desk, reviewer, exported, other_desk, outsider, other_moderator
):
    first = body(export(api, reviewer, desk, format="jsonl"))
    answer = run_import(
        api(outsider),
        f"/api/v1/projects/{other_desk.pk}/documents/import/",
        data=first,
        content_type="application/x-ndjson",
    )
    assert answer.status == "done", answer.report
    assert answer.report["spans_created"] == 9

    # Imported spans await review, so the second export asks for every status.
    second = body(export(api, other_moderator, other_desk, format="jsonl", status="all"))

    def comparable(data: bytes) -> list[bytes]:
        lines = []
        for line in data.decode().splitlines():
            doc = orjson.loads(line)
            keep = ("label", "start", "end", "text", "prefix", "suffix", "speaker", "note")
            spans = [{k: s[k] for k in keep} for s in doc["spans"]]
            lines.append(orjson.dumps([doc["text"], doc["label"], spans, doc["meta"]]))
        return sorted(lines)

    assert comparable(first) == comparable(second)
    assert len(comparable(second)) == len(TEXTS)


def test_jsonl_line_has_doccano_label_every_span_field_verdict_and_metadata(
    api, desk, reviewer, exported
):
    lines = [json.loads(x) for x in body(export(api, reviewer, desk)).decode().splitlines()]
    emoji = next(doc for doc in lines if doc["meta"]["metadata"] == {"lang": "emoji"})
    assert emoji["offset_unit"] == "codepoint"
    assert emoji["meta"]["title"] == "The emoji article"
    assert emoji["meta"]["published_on"] == "2024-05-01"
    growth = next(s for s in emoji["spans"] if s["text"].startswith("🇮🇳"))
    assert [growth["start"], growth["end"], "CLAIM"] in emoji["label"]
    assert growth["verdict"]["rating"] == "mostly_false"
    assert growth["verdict"]["evidence_links"] == ["https://example.org/gdp"]
    quote = next(s for s in emoji["spans"] if s["label"] == "QUOTE")
    assert quote["speaker"] == "Ana Núñez"
    assert {"id", "prefix", "suffix", "note", "author", "origin", "review_status"} <= set(quote)


# --- W3C: JSON-LD with the W3C context's terms ---------------------------------------------
OA, AS, DC, RDF = (
    "http://www.w3.org/ns/oa#",
    "http://www.w3.org/ns/activitystreams#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
)


def _count_keys(node) -> int:
    if isinstance(node, dict):
        return sum(1 + _count_keys(v) for k, v in node.items() if k != "@context")
    if isinstance(node, list):
        return sum(_count_keys(v) for v in node)
    return 0


def test_w3c_export_expands_as_json_ld_with_the_w3c_context_dropping_nothing(
    api, desk, reviewer, exported
):
    from pyld import jsonld

    from annotations.export.w3c import context_document, document_loader

    collection = json.loads(body(export(api, reviewer, desk, format="w3c")))
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"

    # The W3C context as shipped with the app, served without a network.
    loader = document_loader()
    expanded = jsonld.expand(collection, {"documentLoader": loader})
    # A key outside the context would be dropped by expansion: count that none was.
    compacted = jsonld.compact(expanded, context_document(), {"documentLoader": loader})
    assert _count_keys(compacted) == _count_keys(collection)

    flat = json.dumps(expanded)
    for iri in ("hasTarget", "hasSelector", "TextPositionSelector", "TextQuoteSelector"):
        assert OA + iri in flat
    assert OA + "assessing" in flat and OA + "tagging" in flat
    items = collection["first"]["items"]
    growth = next(a for a in items if a["target"]["selector"][1]["exact"].startswith("🇮🇳"))
    purposes = {b["purpose"]: b for b in growth["body"]}
    assert purposes["tagging"]["value"] == "CLAIM"
    assert purposes["assessing"]["value"] == "mostly_false"
    assert purposes["describing"]["value"] == "Official data says 6.1%."
    assert purposes["linking"]["source"] == "https://example.org/gdp"
    assert "code points" in collection["label"]


# --- ClaimReview -----------------------------------------------------------------------------
def test_claimreview_covers_claims_with_approved_verdicts_with_every_google_field(
    api, desk, reviewer, exported
):
    reviews = json.loads(body(export(api, reviewer, desk, format="claimreview")))
    by_claim = {r["claimReviewed"]: r for r in reviews}
    # The population claim's verdict is still pending: it is not published.
    assert set(by_claim) == {"🇮🇳 growth hit 7% in 2023", "Mq\u0307ta had 1,204 voters"}
    growth = by_claim["🇮🇳 growth hit 7% in 2023"]
    assert growth["@context"] == "https://schema.org" and growth["@type"] == "ClaimReview"
    assert growth["url"].startswith("http://testserver/documents/")
    assert growth["author"] == {"@type": "Organization", "name": "The desk"}
    assert growth["datePublished"]
    assert growth["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    item = growth["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"]["name"] == "Voice"
    assert [a["url"] for a in item["appearance"]] == ["https://example.org/a"]
    assert item["firstAppearance"]["url"] == "https://example.org/a"
    assert item["datePublished"] == "2024-05-01"
    unverifiable = by_claim["Mq\u0307ta had 1,204 voters"]["reviewRating"]
    assert unverifiable == {"@type": "Rating", "alternateName": "Unverifiable"}


# --- CoNLL -----------------------------------------------------------------------------------
def test_conll_tokens_with_the_whitespace_between_them_give_back_the_text(
    api, desk, reviewer, exported
):
    data = body(export(api, reviewer, desk, format="conll"))
    texts = texts_by_id(desk)
    tokens = conll_documents(data, texts)
    assert set(tokens) == set(texts)
    for doc_id, rows in tokens.items():
        text, rebuilt, position = texts[doc_id], [], 0
        for token, start, end, _ in rows:
            gap = text[position:start]
            assert gap.strip() == "", f"text between tokens is not whitespace: {gap!r}"
            rebuilt += [gap, token]
            position = end
        rebuilt.append(text[position:])
        assert "".join(rebuilt) == text


def test_conll_overlap_keeps_the_span_that_starts_first_and_counts_the_dropped(api, desk, reviewer):
    doc = make_document(desk, actor=reviewer, text="He said the tax rose 5% last year.")
    outer = make_span(doc, reviewer, "the tax rose 5% last year", label="QUOTE", speaker="He")
    inner = make_span(doc, reviewer, "rose 5%")
    approve(outer, inner)
    data = body(export(api, reviewer, desk, format="conll")).decode()
    tags = [line.split("\t")[3] for line in data.split("\n") if line and line[0] != "-"]
    assert tags == ["O", "O", "B-QUOTE", "I-QUOTE", "I-QUOTE", "I-QUOTE", "I-QUOTE", "I-QUOTE",
                    "I-QUOTE", "O"]  # fmt: skip


# --- filters and scope -----------------------------------------------------------------------
def _span_texts(data: bytes) -> set[str]:
    return {s["text"] for line in data.decode().splitlines() for s in json.loads(line)["spans"]}


def test_export_reads_approved_spans_by_default_and_every_live_span_with_status_all(
    api, desk, reviewer, moderator, exported
):
    approved = _span_texts(body(export(api, reviewer, desk)))
    assert "専門家" not in approved and "The village" not in approved
    everything = _span_texts(body(export(api, moderator, desk, status="all")))
    assert {"専門家", "The village"} <= everything
    rejected = _span_texts(body(export(api, moderator, desk, status="rejected")))
    # Unreviewed work is the moderators' to export, not a reviewer's.
    assert export(api, reviewer, desk, status="all").status_code == 403
    assert rejected == {"The village"}


def test_export_filters_by_label_reviewer_document_and_since(
    api, desk, reviewer, second_reviewer, exported
):
    docs = exported
    theirs = make_span(docs["emoji"], second_reviewer, "the minister said", label="OPINION")
    approve(theirs)
    assert _span_texts(body(export(api, reviewer, desk, reviewer="ravi"))) == {"the minister said"}
    quotes = _span_texts(body(export(api, reviewer, desk, label="QUOTE")))
    assert quotes == {"we saw it ourselves", "人口は増加している", "\u200fשלום"}
    only_cjk = _span_texts(body(export(api, reviewer, desk, document=docs["cjk"].pk)))
    assert only_cjk == {"東京の人口は1400万人です。", "人口は増加している"}
    later = Span.objects.get(pk=theirs.pk).updated_at.isoformat()
    assert _span_texts(body(export(api, reviewer, desk, since=later))) == {"the minister said"}


def test_filters_never_reach_another_projects_data(
    api, desk, reviewer, moderator, exported, other_desk, outsider
):
    foreign = make_document(other_desk, actor=outsider, text="Secret figures: 99 ships.")
    approve(make_span(foreign, outsider, "99 ships"))
    for params in (
        {"reviewer": "otto"},
        {"reviewer": "otto", "status": "all"},
        {"document": foreign.pk},
        {"document": foreign.pk, "status": "all"},
    ):
        for fmt in ("jsonl", "csv", "w3c"):
            response = export(api, moderator, desk, format=fmt, **params)
            assert response.status_code == 200
            data = body(response)
            assert b"99 ships" not in data and b"Secret" not in data
        listed = api(reviewer).get(f"/api/v1/projects/{desk.pk}/spans/", params).json()
        assert listed["results"] == []
    # and the outsider cannot export the desk at all
    assert export(api, outsider, desk).status_code == 404
    assert export(api, None, desk).status_code == 401


def test_bad_filters_and_formats_are_400_naming_the_parameter(api, desk, reviewer):
    assert export(api, reviewer, desk, format="xml").json() == {
        "format": [
            "Unknown format 'xml'; choose one of "
            "jsonl, jsonl-compact, w3c, claimreview, conll, csv, xlsx, labelstudio, spacy."
        ]
    }
    assert "status" in export(api, reviewer, desk, status="maybe").json()
    assert "since" in export(api, reviewer, desk, since="yesterday").json()
    assert "document" in export(api, reviewer, desk, document="0").json()
    assert "label" in export(api, reviewer, desk, label="claim!").json()


# --- streaming ------------------------------------------------------------------------------
def test_export_streams_with_a_file_name_and_the_offset_unit(api, desk, reviewer, exported):
    response = export(api, reviewer, desk, format="csv")
    assert response.streaming
    assert response["Content-Disposition"] == (
        f'attachment; filename="the-desk-{__import__("datetime").date.today():%Y%m%d}.csv"'
    )
    assert response["X-Offset-Unit"] == "codepoint"
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_export_query_count_does_not_grow_with_the_rows(api, desk, reviewer):
    client = api(reviewer)

    def queries_for(n_docs: int) -> int:
        for i in range(n_docs):
            doc = make_document(desk, actor=reviewer, text=f"Doc {i} says 5 things and 6 more.")
            approve(make_span(doc, reviewer, "5 things"), make_span(doc, reviewer, "6 more"))
        with CaptureQueriesContext(connection) as queries:
            body(client.get(f"/api/v1/projects/{desk.pk}/export/"))
        return len(queries)

    assert queries_for(2) == queries_for(40)


@pytest.mark.parametrize("fmt", ["jsonl", "jsonl-compact", "w3c", "csv"])
def test_a_span_that_no_longer_matches_its_document_stops_the_export(
    api, desk, reviewer, exported, fmt
):
    # Only a bug or a hand edit in the database could do this: the span's text keeps its
    # length (the database checks that) but not its characters.
    span = Span.objects.get(text="we saw it ourselves")
    Span.objects.filter(pk=span.pk).update(text="we saw it OURSELVES")
    response = export(api, reviewer, desk, format=fmt)
    assert response.status_code == 500
    assert f"Span {span.pk}" in response.json()["detail"]


def test_a_mismatch_after_the_first_chunk_aborts_the_stream_instead_of_finishing_it(
    api, desk, reviewer
):
    from annotations.export import ExportMismatch

    filler = "A long report line with 12 numbers in it. " * 400
    for _ in range(8):  # ~130 KB before the bad span
        doc = make_document(desk, actor=reviewer, text=filler)
        approve(make_span(doc, reviewer, "12 numbers"))
    last = make_document(desk, actor=reviewer, text="Finally 7 ships sank.")
    bad = make_span(last, reviewer, "7 ships")
    approve(bad)
    Span.objects.filter(pk=bad.pk).update(text="9 ships")
    response = export(api, reviewer, desk, format="jsonl")
    assert response.status_code == 200
    chunks = iter(response.streaming_content)
    assert next(chunks)
    with pytest.raises(ExportMismatch):
        for _ in chunks:
            pass


# --- the span list ---------------------------------------------------------------------------
def test_span_list_pages_with_a_cursor_and_takes_the_same_filters(api, desk, reviewer, exported):
    client = api(reviewer)
    page = client.get(f"/api/v1/projects/{desk.pk}/spans/", {"page_size": 4}).json()
    seen = [s["id"] for s in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [s["id"] for s in page["results"]]
    assert sorted(seen, reverse=True) == seen
    assert len(seen) == Span.objects.filter(document__project=desk).count()
    quotes = client.get(f"/api/v1/projects/{desk.pk}/spans/", {"label": "QUOTE"}).json()
    assert {s["label"] for s in quotes["results"]} == {"QUOTE"}
    pending = client.get(f"/api/v1/projects/{desk.pk}/spans/", {"status": "pending"}).json()
    assert [s["text"] for s in pending["results"]] == ["専門家"]


def test_document_list_takes_the_span_filters(api, desk, reviewer, exported):
    listed = (
        api(reviewer).get(f"/api/v1/projects/{desk.pk}/documents/", {"status": "rejected"}).json()
    )
    assert [d["title"] for d in listed["results"]] == ["The combining article"]


def test_the_schema_documents_the_new_endpoints_with_their_limits_and_swagger_loads(
    api, reviewer, client
):
    import yaml

    schema = yaml.safe_load(api(reviewer).get("/api/schema/").content)
    export_op = schema["paths"]["/api/v1/projects/{project_id}/export/"]["get"]
    params = {p["name"]: p["schema"] for p in export_op["parameters"]}
    assert sorted(params["format"]["enum"]) == [
        "claimreview", "conll", "csv", "jsonl", "jsonl-compact", "labelstudio", "spacy", "w3c", "xlsx"
    ]  # fmt: skip
    assert params["status"]["default"] == "approved"
    assert params["reviewer"]["maxLength"] == 150
    assert params["document"]["maximum"] == 10**18 - 1  # 18 digits, as the URLs take ids
    assert {"application/x-ndjson", "text/csv", "text/plain", "application/ld+json"} <= set(
        export_op["responses"]["200"]["content"]
    )
    import_op = schema["paths"]["/api/v1/projects/{project_id}/documents/import/"]["post"]
    assert "all or nothing" in import_op["description"]
    assert "202" in import_op["responses"]
    job_op = schema["paths"]["/api/v1/imports/{job_id}/"]["get"]
    assert {"status", "lines_read", "spans_written", "errors", "result"} <= set(
        schema["components"]["schemas"]["ImportJob"]["properties"]
    ), job_op
    assert "multipart/form-data" in import_op["requestBody"]["content"]
    spans_op = schema["paths"]["/api/v1/projects/{project_id}/spans/"]["get"]
    assert {p["name"] for p in spans_op["parameters"]} >= {"cursor", "page_size", "since"}
    client.force_login(reviewer)
    assert client.get("/api/docs/").status_code == 200
