"""Importing through the API as a client does: the upload answers 202 with its job, the job is
run as the worker runs it (in this process: tests on the test transaction have no worker), and
the job is read back from its Location."""

from __future__ import annotations

from dataclasses import dataclass

from annotations import services


@dataclass
class Imported:
    status_code: int  # the upload's answer: 202, or 400/401/404 before any job
    body: dict  # the upload's answer's body
    job: dict | None = None  # the job as GET shows it once it ran

    @property
    def status(self) -> str:
        assert self.job is not None, (self.status_code, self.body)
        return self.job["status"]

    @property
    def report(self) -> dict:
        """What the import reported (the job's `result`)."""
        assert self.job is not None, (self.status_code, self.body)
        return self.job["result"]


def run_import(client, url: str, data, **kwargs) -> Imported:
    answer = client.post(url, data=data, **kwargs)
    body = answer.json()
    if answer.status_code != 202:
        return Imported(answer.status_code, body)
    assert answer["Location"] == body["url"] == f"/api/v1/imports/{body['id']}/"
    assert body["status"] == "queued"
    services.import_job_run(job_id=body["id"])  # what the worker does
    job = client.get(answer["Location"])
    assert job.status_code == 200
    return Imported(202, body, job.json())
