"""Fetching a generated document the way a browser does: the export URL queues a job and
redirects to its status page; the worker (the ImmediateBackend, on commit) builds the file; the
file link serves it. `fetch_export` returns the file's response, or the export URL's own
response when it did not start a job (a 404, a 403 page, a redirect back with a message)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.test import TestCase
from django.urls import resolve, reverse

from gonghui.core.exports.models import ExportJob


def start_export(client: Any, url: str, data: Any = None) -> Any:
    """GET the export URL with the job's on-commit queueing run at once."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.get(url, data)


def job_of(response: Any) -> ExportJob | None:
    """The export job a response redirected to, if it did."""
    if response.status_code != 302:
        return None
    match = resolve(response["Location"].split("?")[0])
    if match.view_name != "core:export_status":
        return None
    return ExportJob.objects.get(key=match.kwargs["key"])


def fetch_export(client: Any, url: str, data: Any = None) -> Any:
    """The document's response (status 200, its content type and file name), or the export URL's
    own answer when no job was started. Fails when a job was started but not built."""
    response = start_export(client, url, data)
    job = job_of(response)
    if job is None:
        return response
    status = client.get(response["Location"])
    assert status.status_code == 200
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE, (job.state, job.message)
    file = client.get(reverse("core:export_file", args=[job.key]))
    if not file.streaming:
        return file
    # Reading the stream to its end closes the response the way the test client expects; closing
    # it by hand would send request_finished, whose close_old_connections ends the test's
    # PostgreSQL transaction.
    body = b"".join(file.streaming_content)
    copy = HttpResponse(body, status=file.status_code)  # .content, like the responses it replaces
    for header, value in file.items():
        copy[header] = value
    return copy
