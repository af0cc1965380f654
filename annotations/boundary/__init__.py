"""Where a request meets the app: what it refuses before any view runs (characters PostgreSQL
cannot store, a form body over the limit), and what every error looks like to the client (JSON
under /api/, a short page elsewhere; never Django's bare HTML to an API client).

- responses.py: the bodies of those answers, JSON or HTML, one definition each.
- middleware.py: BoundaryMiddleware, the checks before any view and the database's loss after.
- views.py: the error handlers factcheck/urls.py names (400, 403, 404, 500).

The bounds themselves are annotations.domain.bounds; the API's own parser and exception
handler (annotations.api.parsers, annotations.api.errors) apply them inside DRF.
"""
