"""The exports and imports read by the tools people use, with the real readers: spaCy
(`spacy convert` on the CoNLL export, DocBin on the spaCy export), doccano's UTF-16 offsets and
its edited files, Label Studio, pyld on the W3C export, pandas on the CSV, openpyxl on the XLSX."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
import regex

from annotations import services
from annotations.models import Document, Span, Suggestion
from tests.export_data import approve, build_project
from tests.factories import make_document, make_span
from tests.import_jobs import run_import

pytestmark = pytest.mark.django_db

# Numbers, abbreviations and a hashtag that a naive splitter cuts, with spans across them.
NEWS = (
    "The U.S. economy grew 3.2 percent, Mr. Lee said. #Growth beat forecasts.\n"
    "Dr. Ana Núñez disagreed: “the 3.2 figure is revised”."
)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def export(api, user, project, **params):
    return api(user).get(f"/api/v1/projects/{project.pk}/export/", params)


def post(api, user, project, data: bytes, content_type="application/x-ndjson", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return run_import(
        api(user),
        f"/api/v1/projects/{project.pk}/documents/import/?{query}",
        data=data,
        content_type=content_type,
    )


@pytest.fixture
def exported(desk, reviewer):
    docs = build_project(desk, reviewer)
    news = make_document(desk, actor=reviewer, title="News", text=NEWS)
    approve(
        make_span(news, reviewer, "The U.S. economy grew 3.2 percent"),
        make_span(news, reviewer, "#Growth beat forecasts", label="OPINION"),
        make_span(news, reviewer, "the 3.2 figure is revised", label="QUOTE", speaker="Ana Núñez"),
    )
    docs["news"] = news
    return docs


def live_spans(project, **filters):
    return Span.objects.filter(document__project=project, deleted_at__isnull=True, **filters)


def span_set(project):
    return sorted(
        (s.document.text, s.label, s.start, s.end, s.text, s.speaker, s.note)
        for s in live_spans(project).select_related("document")
    )


# --- offsets in other units ------------------------------------------------------------------
def clusters(text: str) -> list[str]:
    return regex.findall(r"\X", text, regex.DOTALL)


def test_jsonl_export_in_utf16_and_graphemes_puts_every_span_on_its_words(
    api, desk, reviewer, exported
):
    for unit in ("utf16", "grapheme"):
        response = export(api, reviewer, desk, offset_unit=unit)
        assert response["X-Offset-Unit"] == unit
        for line in body(response).decode().splitlines():
            doc = json.loads(line)
            assert doc["offset_unit"] == unit
            text = doc["text"]
            for span, (start, end, label) in zip(doc["spans"], doc["label"], strict=True):
                assert (span["start"], span["end"], span["label"]) == (start, end, label)
                if unit == "utf16":  # as JavaScript slices a string
                    units = text.encode("utf-16-le")
                    assert units[2 * start : 2 * end].decode("utf-16-le") == span["text"]
                else:
                    assert "".join(clusters(text)[start:end]) == span["text"]


def test_emoji_shift_utf16_offsets_past_code_points(api, desk, reviewer, exported):
    line = next(
        json.loads(x)
        for x in body(export(api, reviewer, desk, offset_unit="utf16")).decode().splitlines()
        if json.loads(x)["meta"]["metadata"] == {"lang": "emoji"}
    )
    growth = next(s for s in line["spans"] if s["text"].startswith("🇮🇳"))
    stored = Span.objects.get(text=growth["text"])
    assert growth["start"] == stored.start + 1  # 😀 before it takes two UTF-16 code units


@pytest.mark.parametrize("fmt", ["csv", "conll", "labelstudio", "xlsx", "jsonl", "claimreview"])
def test_every_format_states_the_unit_asked_for(api, desk, reviewer, exported, fmt):
    response = export(api, reviewer, desk, format=fmt, offset_unit="utf16")
    assert response.status_code == 200
    assert response["X-Offset-Unit"] == "utf16"
    data = body(response)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert {row["offset_unit"] for row in rows} == {"utf16"}
    elif fmt == "labelstudio":
        assert {task["data"]["offset_unit"] for task in json.loads(data)} == {"utf16"}


def test_an_unknown_unit_is_a_400_naming_it_and_the_allowed_ones(api, desk, reviewer, exported):
    answer = export(api, reviewer, desk, offset_unit="bytes")
    assert answer.status_code == 400
    assert answer.json() == {
        "offset_unit": ["Unknown offset unit 'bytes'; use one of codepoint, utf16, grapheme."]
    }
    w3c = export(api, reviewer, desk, format="w3c", offset_unit="utf16").json()
    assert "counts Unicode code points only" in w3c["offset_unit"][0]
    imported = post(api, reviewer, desk, b'{"text": "x"}\n', offset_unit="bytes")
    assert imported.status_code == 400 and "offset_unit" in imported.body


def test_import_honours_the_file_unit_and_a_line_unit_wins(api, desk, reviewer):
    text = "😀😀 The toll rose to 12."
    units = len("😀😀 ".encode("utf-16-le")) // 2  # 6 code units, 3 code points
    end = units + len("The toll rose to 12")
    lines = [
        {"text": text, "label": [[units, end, "CLAIM"]], "external_id": "file-unit"},
        {"text": text, "label": [[3, 3 + 19, "CLAIM"]], "offset_unit": "codepoint"},
        {"text": text, "label": [[1, 2, "CLAIM"]], "offset_unit": "furlongs"},
    ]
    data = b"".join(json.dumps(x, ensure_ascii=False).encode() + b"\n" for x in lines)
    answer = post(api, reviewer, desk, data, offset_unit="utf16", keep_good_lines="true")
    assert answer.status == "done", answer.report
    assert [e["line"] for e in answer.report["errors"]] == [3]
    assert "Unknown offset unit 'furlongs'" in answer.report["errors"][0]["reason"]
    assert {s.text for s in live_spans(desk)} == {"The toll rose to 12"}
    assert live_spans(desk).count() == 2
    split = post(api, reviewer, desk, b'{"text": "x\\ud83d\\ude00y", "label": [[0, 2, "CLAIM"]]}\n',
                 offset_unit="utf16")  # fmt: skip
    assert "between the two UTF-16 code units" in split.report["errors"][0]["reason"]


# --- doccano ---------------------------------------------------------------------------------
def test_a_doccano_edited_file_comes_back_with_its_edits_and_every_span_on_its_words(
    api, desk, reviewer, exported, other_desk, outsider
):
    """Exported in UTF-16 for doccano; there a reviewer removed one span and added one; doccano
    exports `label` (UTF-16, emoji before the spans) and leaves our `spans` as they were."""
    exported_lines = [
        json.loads(x)
        for x in body(export(api, reviewer, desk, offset_unit="utf16")).decode().splitlines()
    ]
    emoji = next(x for x in exported_lines if x["meta"]["metadata"] == {"lang": "emoji"})
    text = emoji["text"]
    units = text.encode("utf-16-le")

    def at(phrase: str) -> list[int]:
        start = len(text[: text.index(phrase)].encode("utf-16-le")) // 2
        return [start, start + len(phrase.encode("utf-16-le")) // 2]

    removed = next(s for s in emoji["spans"] if s["label"] == "OPINION")
    added = "Ana Núñez"
    emoji["label"] = [x for x in emoji["label"] if x[2] != "OPINION"] + [[*at(added), "OPINION"]]
    # doccano's export: its own id, our other keys kept as they were, `label` edited.
    edited = {"id": 99, **{k: v for k, v in emoji.items() if k != "id"}}
    answer = post(api, outsider, other_desk, json.dumps(edited, ensure_ascii=False).encode())
    assert answer.status == "done", answer.report
    report = answer.report
    assert report["warning_count"] == 1
    warning = report["warnings"][0]
    assert warning["line"] == 1
    assert (
        "`label` and `spans` disagree (1 in `label` only, 1 in `spans` only" in warning["message"]
    )
    document = Document.objects.get(project=other_desk)
    got = {(s.label, s.text, s.speaker) for s in document.spans.all()}
    assert got == {
        ("CLAIM", "🇮🇳 growth hit 7% in 2023", ""),
        ("QUOTE", "we saw it ourselves", "Ana Núñez"),  # kept from `spans`
        ("OPINION", added, ""),
    }
    assert removed["text"] not in {s.text for s in document.spans.all()}
    for span in document.spans.all():
        assert document.text[span.start : span.end] == span.text
    assert units  # the file counted UTF-16 code units throughout


def test_a_doccano_file_of_its_own_with_utf16_offsets_imports_with_the_parameter(
    api, desk, reviewer
):
    text = "🇮🇳 says 👨‍👩‍👧 families grew."
    start = len(text[: text.index("families")].encode("utf-16-le")) // 2
    line = {"text": text, "entities": [{"id": 1, "label": "CLAIM", "start_offset": start,
                                         "end_offset": start + len("families grew")}]}  # fmt: skip
    answer = post(api, reviewer, desk, json.dumps(line).encode(), offset_unit="utf16")
    assert answer.status == "done", answer.report
    assert live_spans(desk).get().text == "families grew"


# --- spaCy -----------------------------------------------------------------------------------
def token_aligned(spans, boundaries):
    starts, ends = {b[0] for b in boundaries}, {b[1] for b in boundaries}
    return [s for s in spans if s.start in starts and s.end in ends]


def test_spacy_convert_reads_the_conll_export_with_every_aligned_span(
    api, desk, reviewer, exported, tmp_path
):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    from annotations.export.conll import kept_spans

    data = body(export(api, reviewer, desk, format="conll"))
    text = data.decode()
    assert "\n#" not in "\n" + text  # no comment lines
    assert text.count("-DOCSTART- -X- O O") == Document.objects.filter(project=desk).count()
    for sentence in text.split("\n\n"):
        rows = [r for r in sentence.split("\n") if r and not r.startswith("-DOCSTART-")]
        if rows:
            assert not rows[0].split("\t")[3].startswith("I-"), "a sentence starts inside a span"
    source = tmp_path / "desk.conll"
    source.write_bytes(data)
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "spacy", "convert", str(source), str(out), "--converter", "ner"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    docs = list(DocBin().from_disk(out / "desk.spacy").get_docs(Vocab()))
    documents = list(Document.objects.filter(project=desk).order_by("pk"))
    assert len(docs) == len(documents)
    for doc, document in zip(docs, documents, strict=True):
        rows = [
            line.split("\t")
            for line in text.split("-DOCSTART- -X- O O\n")[documents.index(document) + 1].split(
                "\n"
            )
            if line
        ]
        assert [t.text for t in doc] == [r[0] for r in rows]
        boundaries = [(int(r[1]), int(r[2])) for r in rows]
        spans = live_spans(desk, document=document, review_status="approved")
        kept, _ = kept_spans(list(spans))
        expected = set()
        for span in token_aligned(kept, boundaries):
            first = boundaries.index(next(b for b in boundaries if b[0] == span.start))
            last = boundaries.index(next(b for b in boundaries if b[1] == span.end))
            expected.add((span.label, first, last + 1))
        got = {(ent.label_, ent.start, ent.end) for ent in doc.ents}
        assert expected <= got
        assert len(got) == len(kept)
    news = docs[[d.pk for d in documents].index(exported["news"].pk)]
    words = [t.text for t in news]
    assert "U.S." in words and "3.2" in words and "Mr." in words and "Dr." in words
    assert "＃" in words  # the hashtag's sign, never the start of a comment line
    growth = next(e for e in news.ents if e.label_ == "CLAIM")
    assert growth.text == "The U.S. economy grew 3.2 percent"


def test_the_spacy_export_is_a_docbin_with_every_aligned_span_in_the_sc_group(
    api, desk, reviewer, exported
):
    import spacy
    from spacy.tokens import DocBin

    response = export(api, reviewer, desk, format="spacy")
    assert response["Content-Type"] == "application/octet-stream"
    nlp = spacy.blank("en")
    docs = list(DocBin().from_bytes(body(response)).get_docs(nlp.vocab))
    by_id = {doc.user_data["document_id"]: doc for doc in docs}
    documents = Document.objects.filter(project=desk)
    assert set(by_id) == {d.pk for d in documents}
    for document in documents:
        doc = by_id[document.pk]
        assert doc.text == document.text  # emoji, CJK, combining marks and RTL exactly
        boundaries = [(t.idx, t.idx + len(t.text)) for t in doc]
        spans = list(live_spans(desk, document=document, review_status="approved"))
        got = {(s.label_, s.start_char, s.end_char) for s in doc.spans["sc"]}
        for span in token_aligned(spans, boundaries):
            assert (span.label, span.start, span.end) in got
        assert len(doc.spans["sc"]) == len(spans)  # overlapping spans are all kept
    emoji = by_id[exported["emoji"].pk]
    assert {s.text for s in emoji.spans["sc"]} >= {
        "🇮🇳 growth hit 7% in 2023",
        "👨‍👩‍👧 families agreed, “we saw it ourselves”",
        "we saw it ourselves",
    }
    quote = next(s for s in emoji.user_data["spans"] if s["label"] == "QUOTE")
    assert quote["speaker"] == "Ana Núñez"


# --- Label Studio ----------------------------------------------------------------------------
def test_label_studio_export_read_back_by_the_importer_gives_identical_spans(
    api, desk, reviewer, moderator, exported, other_desk, outsider
):
    doc = exported["emoji"]
    Suggestion.objects.create(
        document=doc, label="QUOTE", start=doc.text.index("we saw"), end=doc.text.index("we saw") + 19,
        text="we saw it ourselves", score=0.8, reason="quotation marks", suggester="quotes",
        suggester_version="3", speaker="Ana Núñez",
    )  # fmt: skip
    tasks = json.loads(body(export(api, moderator, desk, format="labelstudio", status="all")))
    emoji = next(t for t in tasks if t["data"]["document_id"] == doc.pk)
    assert emoji["predictions"][0]["model_version"] == "quotes 3"
    assert emoji["predictions"][0]["result"][0]["value"]["labels"] == ["QUOTE"]
    answer = post(
        api, outsider, other_desk, json.dumps(tasks).encode(), "application/json",
        format="labelstudio",
    )  # fmt: skip
    assert answer.status == "done", answer.report
    assert span_set(other_desk) == span_set(desk)
    copied = Document.objects.get(project=other_desk, title="The emoji article")
    assert copied.metadata == {"lang": "emoji"} and copied.source_url == "https://example.org/a"


def test_label_studio_json_min_records_are_read_with_labels_speakers_and_notes(api, desk, reviewer):
    text = "“We won”, said Lee. Turnout was 61%."
    records = [
        {
            "id": 12, "text": text, "title": "Vote", "annotator": 3, "annotation_id": 40,
            "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z",
            "lead_time": 3.2,
            "label": [
                {"start": 1, "end": 7, "text": "We won", "labels": ["QUOTE"]},
                {"start": 20, "end": 35, "text": "Turnout was 61%", "labels": ["CLAIM"]},
            ],
            "speaker": [{"start": 1, "end": 7, "text": ["Lee"]}],
            "note": {"start": 20, "end": 35, "text": ["check the count"]},
        }
    ]  # fmt: skip
    answer = post(api, reviewer, desk, json.dumps(records).encode(), "application/json",
                  format="labelstudio")  # fmt: skip
    assert answer.status == "done", answer.report
    got = sorted((s.label, s.text, s.speaker, s.note) for s in live_spans(desk))
    assert got == [
        ("CLAIM", "Turnout was 61%", "", "check the count"),
        ("QUOTE", "We won", "Lee", ""),
    ]
    assert Document.objects.get(project=desk).title == "Vote"


# --- W3C -------------------------------------------------------------------------------------
def test_a_single_w3c_annotation_expands_alone_offline_with_the_shipped_context(
    api, desk, reviewer, exported
):
    from pyld import jsonld

    from annotations.export.w3c import document_loader

    collection = json.loads(body(export(api, reviewer, desk, format="w3c")))
    page = collection["first"]
    assert collection["id"].startswith("http://testserver/api/v1/projects/")
    assert page["id"] and page["partOf"] == collection["id"]
    annotation = page["items"][0]
    assert annotation["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert annotation["target"]["source"] == "https://example.org/a"  # the article
    expanded = jsonld.expand(annotation, {"documentLoader": document_loader()})
    node = expanded[0]
    assert node["@id"] == annotation["id"]
    assert node["@type"] == ["http://www.w3.org/ns/oa#Annotation"]
    target = node["http://www.w3.org/ns/oa#hasTarget"][0]
    assert target["http://www.w3.org/ns/oa#hasSource"] == [{"@id": "https://example.org/a"}]


def test_the_w3c_export_imports_back_as_it_is(
    api, desk, reviewer, moderator, exported, other_desk, outsider
):
    w3c = body(export(api, reviewer, desk, format="w3c"))
    # Into the same project: every annotation finds its document and its span; nothing is new.
    again = post(api, moderator, desk, w3c, "application/ld+json", format="w3c")
    assert again.status == "done", again.report["errors"]
    assert again.report["documents_updated"] == 5 and again.report["spans_created"] == 0
    # Into another project that has the articles (same URL for all: the quotes pick each one).
    for document in Document.objects.filter(project=desk):
        make_document(other_desk, actor=outsider, title=document.title, text=document.text,
                      source_url=document.source_url)  # fmt: skip
    answer = post(api, outsider, other_desk, w3c, "application/ld+json", format="w3c",
                  keep_good_lines="true")  # fmt: skip
    assert answer.status == "done", answer.report["errors"]
    # The article with no URL was named by its page on the desk, which this project cannot see.
    [unmatched] = answer.report["errors"]
    assert f"/documents/{exported['news'].pk}/" in unmatched["reason"]
    assert span_set(other_desk) == sorted(
        (s.document.text, s.label, s.start, s.end, s.text, s.speaker, s.note)
        for s in live_spans(desk, review_status="approved").select_related("document")
        if s.document.source_url
    )
    # A project without the articles: refused, naming the address.
    lonely = post(api, outsider, other_desk, w3c.replace(b"example.org/a", b"example.org/b"),
                  "application/ld+json", format="w3c")  # fmt: skip
    assert lonely.status == "failed"
    assert (
        "No document of this project is at 'https://example.org/b'"
        in (lonely.report["errors"][0]["reason"])
    )


# --- spreadsheets ----------------------------------------------------------------------------
FORMULAS = "=1+1 is a formula, +3 too, -2 also, @SUM(A1) and a plain line."


@pytest.fixture
def formulas(desk, reviewer):
    doc = make_document(desk, actor=reviewer, title='=HYPERLINK("x")', text=FORMULAS)
    spans = [make_span(doc, reviewer, phrase) for phrase in ("=1+1", "+3", "-2", "@SUM(A1)")]
    approve(*spans, make_span(doc, reviewer, "a plain line"))
    services.verdict_set(span=Span.objects.get(pk=spans[0].pk), actor=reviewer, rating="true")
    from tests.export_data import approve_verdict

    approve_verdict(spans[0])
    return doc


def test_csv_opened_by_pandas_has_formula_cells_neutralised_and_text_intact(
    api, desk, reviewer, exported, formulas
):
    import pandas as pd

    data = body(export(api, reviewer, desk, format="csv"))
    assert data.startswith("\ufeff".encode())
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8", dtype=str, keep_default_na=False)
    assert frame.columns[0] == "document_id"  # the byte-order mark is not in the name
    texts = set(frame["text"])
    assert {"'=1+1", "'+3", "'-2", "'@SUM(A1)"} <= texts
    assert {"a plain line", "東京の人口は1400万人です。", "🇮🇳 growth hit 7% in 2023"} <= texts
    assert set(frame["document_title"]) >= {'\'=HYPERLINK("x")', "The cjk article"}
    assert "'true" in set(frame["verdict_rating"])  # never the boolean TRUE
    inferred = pd.read_csv(io.BytesIO(data), encoding="utf-8")  # pandas guessing types
    assert inferred["verdict_rating"].dtype != bool
    assert "'true" in set(inferred["verdict_rating"])
    plain = body(export(api, reviewer, desk, format="csv", spreadsheet_safe="false"))
    assert not plain.startswith("\ufeff".encode())
    raw = pd.read_csv(io.BytesIO(plain), encoding="utf-8", dtype=str, keep_default_na=False)
    assert {"=1+1", "+3", "-2", "@SUM(A1)"} <= set(raw["text"])


def test_xlsx_read_by_openpyxl_keeps_texts_as_text_and_numbers_as_numbers(
    api, desk, reviewer, exported, formulas
):
    from openpyxl import load_workbook

    response = export(api, reviewer, desk, format="xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True)["spans"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    records = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    texts = {r["text"] for r in records}
    assert {"=1+1", "+3", "-2", "@SUM(A1)", "東京の人口は1400万人です。"} <= texts
    formula = next(r for r in records if r["text"] == "=1+1")
    assert formula["verdict_rating"] == "true" and isinstance(formula["start"], int)
    for record in records:
        document = Document.objects.get(pk=record["document_id"])
        assert document.text[record["start"] : record["end"]] == record["text"]


# --- imports: byte-order mark, update by external id ------------------------------------------
def test_a_file_starting_with_a_byte_order_mark_is_accepted(api, desk, reviewer):
    line = {"text": "Police said 253 people died.", "label": [[12, 27, "CLAIM"]]}
    answer = post(api, reviewer, desk, "\ufeff".encode() + json.dumps(line).encode() + b"\n")
    assert answer.status == "done", answer.report


def test_reimport_with_on_existing_update_adds_new_spans_and_keeps_a_reviewers_work(
    api, desk, reviewer, moderator
):
    text = "Police said 253 people died. The mayor said 12 were hurt."
    first = {"text": text, "external_id": "wire-1", "label": [[12, 27, "CLAIM"]]}
    assert post(api, reviewer, desk, json.dumps(first).encode()).status == "done"
    span = live_spans(desk).get()
    Span.objects.filter(pk=span.pk).update(review_status="approved", note="checked")
    refused = post(api, reviewer, desk, json.dumps(first).encode())
    assert (
        refused.status == "failed"
        and "already has a document" in refused.report["errors"][0]["reason"]
    )
    hurt = [text.index("12 were"), text.index("12 were") + len("12 were hurt"), "CLAIM"]
    second = first | {"label": [[12, 27, "CLAIM"], hurt]}
    answer = post(api, reviewer, desk, json.dumps(second).encode(), on_existing="update")
    assert answer.status == "done", answer.report
    assert answer.report["documents_updated"] == 1 and answer.report["spans_created"] == 1
    assert answer.report["documents_created"] == 0
    kept = Span.objects.get(pk=span.pk)
    assert (kept.review_status, kept.note) == ("approved", "checked")
    assert Document.objects.filter(project=desk).count() == 1
    services.span_delete(span=Span.objects.get(text="12 were hurt"), actor=reviewer)
    again = post(api, reviewer, desk, json.dumps(second).encode(), on_existing="update").report
    assert again["spans_created"] == 0
    assert any("deleted here were not brought back" in w["message"] for w in again["warnings"])
    changed = first | {"text": text + " Updated."}
    different = post(api, reviewer, desk, json.dumps(changed).encode(), on_existing="update")
    assert "has a different text" in different.report["errors"][0]["reason"]
