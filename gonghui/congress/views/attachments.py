"""Downloads of congress files: agenda documents (议题文件) and answer attachments (答复附件).

Uploaded files are never linked by MEDIA_URL: each download looks its object up through the
user's scope (core.access, proposal_queries.visible_proposals), so another union's file is a 404
like any other object, and a handling department gets only the answers of proposals assigned to
it. The file goes out as a download (core.uploads.serve_stored_file) under the name it was
uploaded with (RFC 5987 `filename*` for Chinese names, which FileResponse writes).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.urls import URLPattern, path

from gonghui.core.access import get_from, visible
from gonghui.core.uploads import serve_stored_file
from gonghui.core.views.base import AuthedRequest

from ..models import AgendaItem, Answer, CongressSession
from ..proposal_queries import visible_proposals


@login_required
def agenda_document(request: AuthedRequest, pk: int) -> FileResponse:
    """An agenda item's document, for whoever may see its session."""
    sessions = visible(CongressSession.objects.all(), request.user)
    items = AgendaItem.objects.filter(session__in=sessions).exclude(document="")
    item = get_from(items, request.user, request=request, pk=pk)
    return serve_stored_file(item.document, item.document_filename)


@login_required
def answer_attachment(request: AuthedRequest, pk: int) -> FileResponse:
    """An answer's attachment, for whoever may see the proposal (a department: only if assigned)."""
    answers = Answer.objects.filter(proposal__in=visible_proposals(request.user)).exclude(attachment="")
    answer = get_from(answers, request.user, request=request, pk=pk)
    return serve_stored_file(answer.attachment, answer.attachment_filename)


urlpatterns: list[URLPattern] = [
    path("agenda/<int:pk>/document/", agenda_document, name="agenda_document"),
    path("answers/<int:pk>/attachment/", answer_attachment, name="answer_attachment"),
]
