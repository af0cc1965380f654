"""Fact-checks from schema.org ClaimReview: the reader field by field and in every shape a
publisher serves (an array, one object, @graph, a DataFeed, a page's JSON-LD), the import
(idempotent, updates in place, refusals named), and the API and page that take the files."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from annotations import services
from annotations.errors import NotAllowed, ValidationError
from annotations.imports.claimreview import (
    FileRefused,
    claim_key,
    desk_rating,
    read_claim_reviews,
)
from annotations.models import AuditEvent, FactCheck

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checkers.example/2019/04/sri-lanka-toll",
    "claimReviewed": "More than 350 people were killed in the Easter Sunday bombings in Sri Lanka",
    "author": {"@type": "Organization", "name": "Checkers Weekly"},
    "datePublished": "2019-05-02T09:30:00+00:00",
    "reviewRating": {
        "@type": "Rating",
        "alternateName": "Mostly False",
        "ratingValue": "2",
        "bestRating": "5",
        "worstRating": "1",
    },
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "A minister"},
        "datePublished": "2019-04-23",
        "appearance": [
            {"@type": "CreativeWork", "url": "https://news.example/minister-toll"},
            {"@type": "CreativeWork", "url": "https://other.example/toll"},
        ],
    },
}


def review(**changes):
    return {**REVIEW, **changes}


def raw(value) -> bytes:
    return json.dumps(value).encode()


# --- the reader --------------------------------------------------------------------------------


def test_a_claim_review_is_read_field_by_field():
    read = read_claim_reviews(raw(REVIEW))
    assert read.refused == []
    [(position, r)] = read.reviews
    assert position == 1
    assert r.claim_reviewed == REVIEW["claimReviewed"]
    assert r.claim_key == claim_key(REVIEW["claimReviewed"])
    assert r.url == "https://checkers.example/2019/04/sri-lanka-toll"
    assert (r.rating_text, r.rating_value, r.rating) == ("Mostly False", 0.25, "mostly_false")
    assert r.publisher == "Checkers Weekly"
    assert r.published_on == date(2019, 5, 2)
    assert r.claim_author == "A minister"
    assert r.claim_date == date(2019, 4, 23)
    assert r.source == "https://news.example/minister-toll"


def test_the_claim_key_sets_case_punctuation_and_spacing_aside():
    assert claim_key("Five  people DIED!") == claim_key("five people died")
    assert claim_key("five people died") != claim_key("six people died")


def test_rating_scales_and_names():
    def rating(**given):
        [(_, r)] = read_claim_reviews(raw(review(reviewRating=given))).reviews
        return r.rating_text, r.rating_value, r.rating

    # schema.org's defaults: best 5, worst 1; numbers may be strings
    assert rating(ratingValue=5) == ("", 1.0, "")
    assert rating(ratingValue="1", alternateName="Pants on Fire!") == (
        "Pants on Fire!",
        0.0,
        "false",
    )
    assert rating(ratingValue=3, bestRating=10, worstRating=0) == ("", 0.3, "")
    # "not on the scale" values, and a scale with no width, give no number
    assert rating(ratingValue=-1, alternateName="Misleading") == ("Misleading", None, "misleading")
    assert rating(ratingValue=2, bestRating=1, worstRating=1, alternateName="x") == ("x", None, "")
    assert desk_rating("  Half-True ") == "mixed"
    assert desk_rating("Four Pinocchios") == "false"
    assert desk_rating("Something else") == ""


def test_names_and_addresses_in_their_many_shapes():
    node = review(
        url=None,
        **{"@id": "https://checkers.example/#review"},
        author=[{"@type": "Person", "name": "Ann"}, "Bob", {"name": "Ann"}],
        itemReviewed={
            "@type": "Claim",
            "author": "Someone",
            "firstAppearance": {"@type": "CreativeWork", "@id": "https://first.example/"},
            "appearance": "https://later.example/",
        },
    )
    [(_, r)] = read_claim_reviews(raw(node)).reviews
    assert r.url == "https://checkers.example/#review"
    assert r.publisher == "Ann, Bob"
    assert (r.claim_author, r.source) == ("Someone", "https://first.example/")
    node = review(author=None, publisher={"@type": "Organization", "name": "The Publisher"})
    [(_, r)] = read_claim_reviews(raw(node)).reviews
    assert r.publisher == "The Publisher"
    node = review(url=None, mainEntityOfPage={"@id": "https://page.example/a"})
    [(_, r)] = read_claim_reviews(raw(node)).reviews
    assert r.url == "https://page.example/a"


def test_a_feed_with_a_bad_item_reads_the_others_and_names_the_bad_one():
    feed = [
        review(url="https://a.example/1"),
        review(url="https://a.example/2", claimReviewed="   "),
        "not an object",
        review(url="ftp://a.example/3"),
        review(url="https://a.example/4", reviewRating={"@type": "Rating"}),
        {"@type": "WebPage", "url": "https://a.example/page"},
        review(url="https://a.example/6", datePublished="sometime"),
    ]
    read = read_claim_reviews(raw(feed))
    assert [position for position, _ in read.reviews] == [1, 7]
    assert read.reviews[1][1].published_on is None  # an unreadable date is no date
    refused = {r.position: r for r in read.refused}
    assert sorted(refused) == [2, 3, 4, 5, 6]
    assert "claimReviewed" in refused[2].reason
    assert "not an object" in refused[3].reason
    assert "url" in refused[4].reason
    assert "reviewRating" in refused[5].reason
    assert "Not a ClaimReview (WebPage)" in refused[6].reason
    assert refused[6].what == "https://a.example/page"


def test_a_single_object_a_graph_and_a_data_feed():
    assert len(read_claim_reviews(raw(REVIEW)).reviews) == 1
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Checkers"},  # other nodes of a page are skipped
            review(url="https://a.example/1"),
            {"@type": ["schema:ClaimReview"], **{k: v for k, v in REVIEW.items() if k != "@type"}},
        ],
    }
    read = read_claim_reviews(raw(graph))
    assert (len(read.reviews), read.refused) == (2, [])
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {"@type": "DataFeedItem", "item": [review(url="https://a.example/1")]},
            {"@type": "DataFeedItem", "item": review(url="https://a.example/2")},
            review(url="https://a.example/3"),
        ],
    }
    read = read_claim_reviews(raw(feed))
    assert [r.url for _, r in read.reviews] == [f"https://a.example/{i}" for i in (1, 2, 3)]


def test_a_page_with_embedded_json_ld():
    page = f"""<!doctype html><html><head><title>Fact check</title>
    <script type="application/ld+json">{json.dumps(REVIEW)}</script>
    <script type='application/ld+json'>{{ not json </script>
    <script TYPE="application/ld+json">{json.dumps({"@type": "Organization", "name": "X"})}
    </script></head><body>...</body></html>""".encode()
    read = read_claim_reviews(page)
    assert [r.url for _, r in read.reviews] == [REVIEW["url"]]
    [refused] = read.refused
    assert "JSON-LD block 2" in refused.reason


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "neither JSON nor a page"),
        (b"<html>no json-ld</html>", "neither JSON nor a page"),
        (b"[1, 2", "not valid JSON"),
        (b"[]", "No ClaimReview found"),
        (json.dumps({"@type": "WebPage"}).encode(), "Not a ClaimReview"),
    ],
)
def test_files_that_cannot_be_read_say_why(data, reason):
    try:
        read = read_claim_reviews(data)
    except FileRefused as exc:
        assert reason in str(exc)
    else:
        assert any(reason in r.reason for r in read.refused)


def test_unstorable_text_is_refused_in_its_place():
    read = read_claim_reviews(raw([review(claimReviewed="A\u0000B")]))
    assert read.reviews == [] and "NUL" in read.refused[0].reason


# --- the import --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_fact_checks_and_a_second_import_changes_nothing(desk, reviewer):
    feed = raw([review(url="https://a.example/1"), review(url="https://a.example/2")])
    report = services.fact_checks_import(project=desk, actor=reviewer, data=feed, name="feed.json")
    assert (report.created, report.updated, report.unchanged, report.committed) == (2, 0, 0, True)
    check = FactCheck.objects.get(url="https://a.example/1")
    assert (check.project, check.publisher, check.rating_text, check.rating) == (
        desk,
        "Checkers Weekly",
        "Mostly False",
        "mostly_false",
    )
    assert (check.imported_from, check.imported_by, check.claim_date) == (
        "feed.json",
        reviewer,
        date(2019, 4, 23),
    )
    again = services.fact_checks_import(project=desk, actor=reviewer, data=feed, name="feed.json")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert FactCheck.objects.count() == 2
    changed = raw([review(url="https://a.example/1", reviewRating={"alternateName": "False"})])
    third = services.fact_checks_import(project=desk, actor=reviewer, data=changed)
    assert (third.created, third.updated) == (0, 1)
    check.refresh_from_db()
    assert (check.rating_text, check.rating, check.rating_value) == ("False", "false", None)
    events = AuditEvent.objects.filter(action="fact_checks_import")
    assert [e.after["created"] for e in events.order_by("id")] == [2, 0, 0]


@pytest.mark.django_db
def test_one_page_may_review_several_claims_and_the_same_review_twice_is_refused(desk, reviewer):
    same_page = [
        review(claimReviewed="Claim one"),
        review(claimReviewed="Claim two"),
        review(claimReviewed="claim ONE."),  # the same claim again
    ]
    report = services.fact_checks_import(
        project=desk, actor=reviewer, data=raw(same_page), keep_good_items=True
    )
    assert report.created == 2
    [refused] = report.refused
    assert refused.position == 3 and "earlier in the file" in refused.reason


@pytest.mark.django_db
def test_refused_items_refuse_the_file_unless_asked_to_keep_the_good_ones(desk, reviewer):
    feed = raw([review(url="https://a.example/1"), review(url="nowhere")])
    report = services.fact_checks_import(project=desk, actor=reviewer, data=feed)
    assert (report.committed, report.created, FactCheck.objects.count()) == (False, 0, 0)
    assert report.refused[0].position == 2
    kept = services.fact_checks_import(
        project=desk, actor=reviewer, data=feed, keep_good_items=True
    )
    assert (kept.committed, kept.created, len(kept.refused)) == (True, 1, 1)


@pytest.mark.django_db
def test_only_members_import_and_an_unreadable_file_is_a_validation_error(desk, outsider):
    with pytest.raises(NotAllowed):
        services.fact_checks_import(project=desk, actor=outsider, data=raw(REVIEW))
    with pytest.raises(ValidationError) as exc:
        services.fact_checks_import(project=desk, actor=None, data=b"nothing")
    assert "file" in exc.value.errors


# --- the API and the page ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_imports_a_file_and_refuses_bad_items_with_400(desk, reviewer, api):
    client = api(reviewer)
    url = f"/api/v1/projects/{desk.pk}/fact-checks/"
    bad = raw(
        [review(url="https://a.example/1"), review(url="https://a.example/2", claimReviewed="")]
    )
    response = client.post(url, data=bad, content_type="application/ld+json")
    assert response.status_code == 400
    assert response.json()["refused"] == [
        {"position": 2, "reason": "It has no claimReviewed (the claim that was checked).",
         "what": "https://a.example/2"}
    ]  # fmt: skip
    assert FactCheck.objects.count() == 0
    response = client.post(url + "?keep_good_items=true", data=bad, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 1
    response = client.post(url, data=b"\x00garbage", content_type="application/json")
    assert response.status_code == 400 and "file" in response.json()
    listed = client.get(url).json()
    [item] = listed["results"]
    assert item["url"] == "https://a.example/1" and item["rating"] == "mostly_false"
    assert "vector" not in item


@pytest.mark.django_db
def test_the_api_takes_a_multipart_upload_and_is_scoped(desk, reviewer, outsider, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/api/v1/projects/{desk.pk}/fact-checks/"
    upload = SimpleUploadedFile("reviews.json", raw([REVIEW]), content_type="application/json")
    response = api(reviewer).post(url, {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert FactCheck.objects.get().imported_from == "reviews.json"
    assert api(outsider).get(url).status_code == 404
    assert (
        api(outsider).post(url, data=raw(REVIEW), content_type="application/json").status_code
        == 404
    )
    assert api(None).get(url).status_code in (401, 403)


@pytest.mark.django_db
def test_the_fact_checks_page_lists_them_and_takes_a_file(client, desk, reviewer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(reviewer)
    url = reverse("fact-checks", args=[desk.pk])
    assert "No fact-checks yet" in client.get(url).content.decode()
    upload = SimpleUploadedFile(
        "feed.json", raw([REVIEW, review(url="bad")]), content_type="application/json"
    )
    page = client.post(url, {"file": upload, "keep_good_items": "on"}, follow=True)
    html = page.content.decode()
    assert "1 new" in html and "Item 2" in html and "It has no url" in html
    assert "Checkers Weekly" in html and "Mostly False" in html
