"""A project's full backup, and its restore into an empty project of this installation or
another: one JSON Lines file of typed records, streamed out and read back a line at a time.

The file (format "factcheck-project-backup", version 1), one JSON object a line, each with its
`type`, in this order:

    backup      the header: format, version, when, the source project's id and name
    project     its description and ClaimReview publishing fields
    user        every account the records name (username, first and last name)
    membership  who had which role (listed; not restored, see below)
    story       a story: title, times
    desk_claim  a desk claim: wording, version, who made it, times
    document    a document with every field (text, metadata, story and its place in it,
                version, deleted_at), then its
      suggestion  machine suggestions with their decisions (status, who, when), and its
      span        spans with every field: author, desk claim, the suggestion it came from,
                  review state, reason, who reviewed and when, version, deleted_at, times
    rating      each member's rating of a desk claim
    verdict     each desk claim's verdict with its review state and article address
    event       the history (AuditEvent): object, action, actor, before, after, time
    end         how many records of each type came before: a file cut short is refused

Records name each other by their ids in the source (`id`, and `document`, `desk_claim`,
`story`, `suggestion` ... in the records that point at one) and accounts by username; a
reference always points at a record earlier in the file. Times are ISO 8601 with their offset,
dates ISO dates.

Restoring (annotations.services.backup.project_restore) gives every record a new id and
rewrites the references, keeps the times, versions, review states and deleted states as they
were, and recomputes what is derived (the story job's signatures; the desk claims' search
vectors). Accounts are matched by username; one this installation lacks is created inactive,
with no usable password: it authors what it authored and cannot log in. Memberships are not
restored (who may work on the project is this installation's superusers' decision): the report
lists them. The history keeps its actors and times; an event's object and the ids inside its
before and after states are rewritten to the new ids; an object no longer in the source when
the backup was made (a verdict removed, a membership) keeps its events under the negated old
id, which no object has. Suggestion runs and learned suggester models are not in the backup.
"""

from annotations.backup.records import FORMAT, VERSION

__all__ = ["FORMAT", "VERSION"]
