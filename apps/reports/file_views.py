"""The member's file (履职档案): one member's page and .docx, and the batch of a sector, a
venue or the whole roster for the 换届 review (a print page loaded in chunks, one .docx).

Who reads a file: staff and leaders every member's; a member their own (another member's
file answers 404); an office head the files of the members they may read on the roster
(`Member.objects.for_user`: stationed at a venue they manage now, or its director or a
convener) — the same members whose ledger they read. Handling departments and the three
administrators are refused (403), the anonymous sent to sign in. The batch is for staff
and leaders (who may export the roster)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from apps.accounts.roles import is_member, is_office_head, sees_everything
from apps.core.mixins import FIRST_YEAR
from apps.core.numbers import TERM_MAX, is_number
from apps.core.spreadsheets import download
from apps.members.models import Member, Sector
from apps.venues.models import Assignment, Venue

from . import documents
from .file_parts import term_years
from .member_file import file_members, member_files

# The print page of a batch loads this many files per request (a progress bar counts them).
CHUNK_SIZE = 20
# The batch's .docx answers with a cookie naming the token the page's link carried, so the
# page's script (static/js/member-files.js) knows the download has begun.
DOWNLOAD_TOKEN = re.compile(r"^[A-Za-z0-9]{1,32}$")
DOWNLOAD_COOKIE = "file_download"
BATCH_PERMISSION = "members.export_member"


def may_read_files(user) -> bool:
    """The roles that read members' files at all (which files: `Member.objects.for_user`)."""
    return sees_everything(user) or is_office_head(user) or is_member(user)


def may_batch(user) -> bool:
    return sees_everything(user) and user.has_perm(BATCH_PERMISSION)


def selected_term(request) -> int:
    """`?term=` (default the current term); a term that is not a number up to the current
    one answers 404."""
    raw = request.GET.get("term", "")
    if not raw:
        return settings.CURRENT_TERM
    if not is_number(raw):
        raise Http404
    if not 1 <= int(raw) <= min(settings.CURRENT_TERM, TERM_MAX):
        raise Http404
    return int(raw)


def recorded_terms() -> list[int]:
    """The terms with years of records (from FIRST_YEAR on), newest first."""
    return [
        term
        for term in range(settings.CURRENT_TERM, 0, -1)
        if term_years(term) and term_years(term)[-1] >= FIRST_YEAR
    ]


class FileReaderMixin(LoginRequiredMixin, UserPassesTestMixin):
    # Of the View it is mixed into.
    request: HttpRequest
    kwargs: dict[str, Any]

    def test_func(self):
        return may_read_files(self.request.user)

    def get_member(self) -> Member:
        user: Any = self.request.user  # signed in (LoginRequiredMixin)
        scope = Member.objects.for_user(user)
        return get_object_or_404(scope, pk=self.kwargs["pk"])


class MemberFileView(FileReaderMixin, TemplateView):
    """One member's file of a term, A4 print layout. A fixed number of queries whatever
    the number of records (about 25)."""

    template_name = "reports/member_file.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.get_member()
        term = selected_term(self.request)
        (member_file,) = member_files([member], user=self.request.user, term=term)
        context.update(
            member=member,
            file=member_file,
            term=term,
            terms=recorded_terms(),
            today=timezone.localdate(),
        )
        return context


class MemberFileDocxView(FileReaderMixin, View):
    def get(self, request, pk):
        member = self.get_member()
        term = selected_term(request)
        files = member_files([member], user=request.user, term=term)
        title = documents.file_title(files[0])
        return download(
            request,
            documents.member_files_docx(request, files),
            filename=f"member-file-{member.pk}-term-{term}.docx",
            display_name=f"{title}.docx",
            kind="docx",
            title=title,
            rows=1,
        )


class MyFileView(LoginRequiredMixin, TemplateView):
    """My file (我的履职档案): the signed-in member's own file; a user not linked to a
    member is told so."""

    template_name = "reports/my_file_missing.html"

    def get(self, request, *args, **kwargs):
        member = Member.objects.filter(user=request.user).first()
        if member is None:
            return super().get(request, *args, **kwargs)
        return redirect("files:member", pk=member.pk)


# --------------------------------------------------------------------------- the batch


class Batch:
    """The members a batch reads: `?sector=`, `?venue=` (stationed there now) or
    `?all=1` (the whole roster), active members of the term; unknown values answer 404."""

    def __init__(self, request):
        self.term = selected_term(request)
        members = Member.objects.active().filter(term=self.term)
        self.sector = self.venue = None
        query = request.GET
        if query.get("sector"):
            self.sector = get_object_or_404(Sector, pk=_number(query["sector"]))
            members = members.filter(sector=self.sector)
            self.label = self.sector.name
            self.slug = f"sector-{self.sector.pk}"
        elif query.get("venue"):
            self.venue = get_object_or_404(Venue, pk=_number(query["venue"]))
            stationed = Assignment.objects.current().filter(venue=self.venue)
            members = members.filter(pk__in=stationed.values("member_id"))
            self.label = self.venue.name
            self.slug = f"venue-{self.venue.pk}"
        elif query.get("all"):
            self.label = _("The whole roster")
            self.slug = "roster"
        else:
            raise Http404
        self.members = members
        chosen = next(key for key in ("sector", "venue", "all") if query.get(key))
        # The query string of the chunks and the .docx: the term and the one choice.
        self.querystring = urlencode({"term": self.term, chosen: query[chosen]})


def _number(value: str) -> int:
    if not is_number(value):
        raise Http404
    return int(value)


class BatchAccessMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return may_batch(self.request.user)


class BatchView(BatchAccessMixin, TemplateView):
    """Choose a sector, a venue or the whole roster; then the print page of their files,
    loaded `CHUNK_SIZE` at a time (`BatchChunkView`) under a progress bar."""

    template_name = "reports/member_file_batch.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET
        context.update(
            sectors=Sector.objects.filter(is_active=True),
            venues=Venue.objects.active().order_by("kind", "sort_order", "name"),
            term=selected_term(self.request),
        )
        if any(query.get(key) for key in ("sector", "venue", "all")):
            batch = Batch(self.request)
            context.update(batch=batch, total=batch.members.count(), chunk_size=CHUNK_SIZE)
        return context


class BatchChunkView(BatchAccessMixin, TemplateView):
    """One chunk of a batch's print page (htmx): `CHUNK_SIZE` files from `?page=`, the
    progress bar's new value (out of band) and the loader of the next chunk. A fixed
    number of queries per chunk."""

    template_name = "reports/_member_file_chunk.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = Batch(self.request)
        # The ids first (one query), then the chunk's members with their sectors.
        ids = list(file_members(batch.members).values_list("pk", flat=True))
        page = Paginator(ids, CHUNK_SIZE).get_page(self.request.GET.get("page"))
        chunk = file_members(Member.objects.filter(pk__in=list(page)))
        files = member_files(list(chunk), user=self.request.user, term=batch.term)
        context.update(
            batch=batch,
            files=files,
            page=page,
            loaded=page.end_index() if ids else 0,
            total=len(ids),
        )
        return context


class BatchDocxView(BatchAccessMixin, View):
    """The batch's files as one .docx: every section runs once for all the members, so
    the queries do not grow with the batch (the whole roster: about 20)."""

    def get(self, request):
        batch = Batch(request)
        members = list(file_members(batch.members))
        files = member_files(members, user=request.user, term=batch.term)
        title = _("Members' files of %(label)s, term %(term)s") % {
            "label": batch.label,
            "term": batch.term,
        }
        response = download(
            request,
            documents.member_files_docx(request, files),
            filename=f"member-files-{batch.slug}-term-{batch.term}.docx",
            display_name=f"{title}.docx",
            kind="docx",
            title=title,
            rows=len(files),
        )
        token = request.GET.get("token", "")
        if DOWNLOAD_TOKEN.match(token):
            response.set_cookie(
                DOWNLOAD_COOKIE, token, max_age=120, samesite="Strict", secure=request.is_secure()
            )
        return response
