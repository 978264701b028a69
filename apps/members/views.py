from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView
from django_filters.views import FilterView

from apps.core import audit
from apps.core.files import serve_protected
from apps.core.mixins import PageMixin, as_of, page_number, year_param
from apps.core.numbers import is_number
from apps.core.sections import sections
from apps.core.spreadsheets import download, filter_summary, temp_file, xlsx_download
from apps.core.submission import SubmitOnceMixin

from . import import_store, roster_io, services
from .forms import (
    ArchiveForm,
    ContactRecordForm,
    ImportUploadForm,
    MemberContactForm,
    MemberFilter,
    MemberForm,
    PairingEndForm,
    PairingForm,
    SectorLinkForm,
)
from .models import Member, Pairing, Sector, SectorLink
from .personal import may_reveal
from .widgets import member_label

IMPORT_SESSION_KEY = "members_import"
SEARCH_LIMIT = 20


def own_member(user) -> Member | None:
    """The member linked to a signed-in user, or None (one query, cached on the user)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_own_member"):
        user._own_member = Member.objects.select_related("sector").filter(user=user).first()
    return user._own_member


# --- the roster ----------------------------------------------------------------------------


class MemberListView(PermissionRequiredMixin, PageMixin, FilterView):
    """The roster with filters, sorted by pinyin: a fixed number of queries per page."""

    permission_required = "members.view_member"
    filterset_class = MemberFilter
    template_name = "members/member_list.html"
    context_object_name = "members"

    def get_paginate_by(self, queryset):
        return settings.PAGINATE_BY

    def get_queryset(self):
        return Member.objects.with_related().order_by("name_pinyin", "name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query_string"] = self.request.GET.urlencode()
        return context


class MemberExportView(PermissionRequiredMixin, View):
    """The current filtered list as .xlsx (the same filters as the list, every page)."""

    permission_required = "members.export_member"

    def get(self, request):
        queryset = Member.objects.with_related().order_by("name_pinyin", "name", "pk")
        filterset = MemberFilter(request.GET, queryset=queryset, request=request)
        members = filterset.qs if filterset.is_valid() else queryset.none()
        stamp = timezone.localdate().strftime("%Y%m%d")
        return xlsx_download(
            request,
            roster_io.export_sheet(members.iterator(chunk_size=500), user=request.user),
            title="委员名册",
            filter_text=filter_summary(filterset.form),
            filename=f"members-{stamp}.xlsx",
            display_name=f"委员名册-{stamp}.xlsx",
            personal=may_reveal(request.user),
        )


class MemberDetailView(DetailView):
    """Everything about one member, in a fixed number of queries. Staff and leaders see
    every member; a member sees their own profile; anyone else gets 404.

    Sections of "members:detail" (`apps.core.sections`; consultation: the member's
    sessions, research and suggestions) get `rows` = [the member] and are rendered at the
    place "body", after the member's own cards."""

    template_name = "members/member_detail.html"
    context_object_name = "member"

    def get_queryset(self):
        return Member.objects.for_user(self.request.user).select_related("sector", "user")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.object
        user = self.request.user
        # Only the pairings the user may open (not an office head's: see pairing_scope_q).
        pairings = list(
            Pairing.objects.for_user(user)
            .filter(Q(cpc_member=member) | Q(partner=member))
            .with_related()
            .order_by("ended_on", "-started_on", "pk")
        )
        today = timezone.localdate()
        for pairing in pairings:
            pairing.other = (
                pairing.partner if pairing.cpc_member_id == member.pk else pairing.cpc_member
            )
            pairing.stale = pairing.is_stale(pairing.last_contact, today)
        context["pairings"] = pairings
        context["sector_links"] = (
            list(member.sector_links.select_related("sector").order_by("sector__sort_order"))
            if member.is_party_group
            else []
        )
        context["is_self"] = member.user_id == user.pk
        context["can_change"] = user.has_perm("members.change_member")
        context["can_delete"] = user.has_perm("members.delete_member")
        context["can_pair"] = user.has_perm("members.add_pairing") and member.is_active
        context["archive_form"] = kwargs.get("archive_form") or ArchiveForm()
        context.update(sections.page("members:detail").fill([member], request=self.request))
        if user.has_perm("members.view_member"):
            context["history"] = list(
                member.history.select_related("history_user").order_by("-history_date")[:10]
            )
        return context


class MemberCreateView(PermissionRequiredMixin, SuccessMessageMixin, SubmitOnceMixin, CreateView):
    permission_required = "members.add_member"
    form_class = MemberForm
    template_name = "members/member_form.html"
    success_message = _("Member %(name)s added.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class MemberUpdateView(PermissionRequiredMixin, SuccessMessageMixin, UpdateView):
    permission_required = "members.change_member"
    model = Member
    form_class = MemberForm
    template_name = "members/member_form.html"
    success_message = _("Member %(name)s saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class MemberArchiveView(PermissionRequiredMixin, View):
    """Archive (members with records are never deleted) or restore a member."""

    permission_required = "members.change_member"
    restore = False

    def post(self, request, pk):
        member = get_object_or_404(Member, pk=pk)
        if self.restore:
            services.member_restore(member=member)
            messages.success(request, gettext("%(name)s is active again.") % {"name": member.name})
            return redirect(member)
        form = ArchiveForm(request.POST)
        if form.is_valid():
            try:
                services.member_archive(member=member, left_on=form.cleaned_data["left_on"])
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext("%(name)s is archived; their active pairings have ended.")
                    % {"name": member.name},
                )
                return redirect(member)
        # The member's page again, the date and its error next to the archive button.
        view = MemberDetailView()
        view.setup(request, pk=pk)
        view.object = view.get_object()
        return view.render_to_response(
            view.get_context_data(object=view.object, archive_form=form), status=400
        )


class MemberDeleteView(PermissionRequiredMixin, DetailView):
    """Delete a member entered by mistake; one with records can only be archived."""

    permission_required = "members.delete_member"
    model = Member
    template_name = "members/member_confirm_delete.html"
    context_object_name = "member"

    def post(self, request, pk):
        member = get_object_or_404(Member, pk=pk)
        try:
            services.member_delete(member=member)
        except services.MemberHasRecords:
            messages.error(
                request,
                gettext("%(name)s has records (pairings, sector links or others): archive instead.")
                % {"name": member.name},
            )
            return redirect(member)
        messages.success(request, gettext("%(name)s deleted.") % {"name": member.name})
        return redirect("members:list")


class MemberPhotoView(View):
    """A member's photo, only to those who may see the member (never a public URL)."""

    def get(self, request, pk):
        member = get_object_or_404(Member.objects.for_user(request.user), pk=pk)
        if not member.photo:
            raise Http404
        return serve_protected(member.photo)


class OwnProfileView(View):
    """/members/me/: the signed-in member's own profile."""

    def get(self, request):
        member = own_member(request.user)
        if member is None:
            raise Http404
        return redirect(member)


class OwnContactUpdateView(SuccessMessageMixin, UpdateView):
    """A member edits their own contact details, nothing else."""

    form_class = MemberContactForm
    template_name = "members/member_contact_form.html"
    success_message = _("Your contact details are saved.")

    def get_object(self, queryset=None):
        member = own_member(self.request.user)
        if member is None:
            raise Http404
        return member


class MemberSearchView(PermissionRequiredMixin, View):
    """JSON for member pickers: {"results": [{"id", "text"}]}, at most 20, active members
    of the current term; `affiliation=cpc|non_cpc` narrows. Only users who read the
    roster search by phone number. One query."""

    permission_required = "members.pick_member"

    def get(self, request):
        queryset = (
            Member.objects.current_term()
            .active()
            .search(request.GET.get("q", ""), by_phone=request.user.has_perm("members.view_member"))
        )
        affiliation = request.GET.get("affiliation")
        if affiliation == "cpc":
            queryset = queryset.cpc()
        elif affiliation == "non_cpc":
            queryset = queryset.non_cpc()
        members = queryset.with_related().order_by("name_pinyin", "pk")[:SEARCH_LIMIT]
        return JsonResponse({"results": [{"id": m.pk, "text": member_label(m)} for m in members]})


# --- import --------------------------------------------------------------------------------


class ImportView(PermissionRequiredMixin, FormView):
    """Step 1: upload. The file is read and every row validated once, here; the rows
    and their results wait in `import_store` (never in the database), the session
    holds only their token."""

    permission_required = "members.import_member"
    form_class = ImportUploadForm
    template_name = "members/import_upload.html"

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            roster = roster_io.read_roster_file(upload.name, upload.read())
        except roster_io.ImportFileError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        previous = self.request.session.get(IMPORT_SESSION_KEY) or {}
        import_store.delete(previous.get("token"))
        pending = import_store.save(
            user_id=self.request.user.pk,
            filename=upload.name,
            rows=roster.rows,
            results=roster_io.validate_roster(roster.rows),
            example_lines=roster.example_lines,
        )
        self.request.session[IMPORT_SESSION_KEY] = {"token": pending.token}
        return redirect("members:import_preview")


class ImportPreviewView(PermissionRequiredMixin, TemplateView):
    """Step 2: the rows as the upload found them, a page of PREVIEW_PAGE_SIZE at a time:
    errors first (with the reasons), then the rows that add or change a member, then the
    unchanged ones. Confirming validates every row again and saves them all in one
    transaction, or none."""

    permission_required = "members.import_member"
    template_name = "members/import_preview.html"
    PREVIEW_PAGE_SIZE = 100

    def token(self) -> str | None:
        return (self.request.session.get(IMPORT_SESSION_KEY) or {}).get("token")

    def get(self, request, *args, **kwargs):
        pending = import_store.load(self.token(), user_id=request.user.pk)
        if pending is None:
            return redirect("members:import")
        return self.render_to_response(self.preview_context(pending))

    def post(self, request, *args, **kwargs):
        token = self.token()
        pending = None
        if token and request.POST.get("token") == token:
            pending = import_store.claim(token, user_id=request.user.pk)
        if pending is None:
            messages.error(request, gettext("This preview has expired: upload the file again."))
            return redirect("members:import")
        try:
            summary = roster_io.roster_import(pending.rows, user=request.user)
        except roster_io.ImportHasErrors as error:
            import_store.delete_claimed(pending)
            again = import_store.save(
                user_id=request.user.pk,
                filename=pending.filename,
                rows=pending.rows,
                results=error.results,
                example_lines=pending.example_lines,
            )
            request.session[IMPORT_SESSION_KEY] = {"token": again.token}
            messages.error(request, gettext("Nothing was saved: some rows have errors."))
            return redirect("members:import_preview")
        except IntegrityError:  # another import or edit of the same members meanwhile
            import_store.release(pending)
            messages.error(
                request, gettext("The roster changed meanwhile; nothing was saved. Try again.")
            )
            return redirect("members:import_preview")
        import_store.delete_claimed(pending)
        del request.session[IMPORT_SESSION_KEY]
        audit.record(
            "import",
            request=request,
            target=pending.filename,
            detail={
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            },
        )
        messages.success(
            request,
            gettext("Import done: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            },
        )
        return redirect("members:list")

    def preview_context(self, pending):
        counts = pending.counts
        ordered = sorted(pending.results, key=lambda result: result.order)
        paginator = Paginator(ordered, self.PREVIEW_PAGE_SIZE)
        page = paginator.page(page_number(self.request.GET.get("page", ""), paginator.num_pages))
        return self.get_context_data(
            filename=pending.filename,
            token=pending.token,
            example_lines="、".join(str(n) for n in pending.example_lines),
            results=page.object_list,
            page_obj=page,
            paginator=paginator,
            is_paginated=paginator.num_pages > 1,
            counts=counts,
            columns=roster_io.COLUMNS,
            can_confirm=counts["error"] == 0 and (counts["new"] + counts["update"]) > 0,
        )


class ImportTemplateView(PermissionRequiredMixin, View):
    permission_required = "members.import_member"

    def get(self, request):
        file = temp_file(".xlsx")
        file.write(roster_io.template_xlsx())
        return download(
            request,
            file,
            filename="roster-template.xlsx",
            display_name="委员名册模板.xlsx",
            kind="xlsx",
        )


# --- sector links --------------------------------------------------------------------------


class SectorLinkListView(PermissionRequiredMixin, TemplateView):
    """党组成员联系界别, by member and by sector: three queries."""

    permission_required = "members.view_sectorlink"
    template_name = "members/sector_links.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        term = settings.CURRENT_TERM
        links = SectorLink.objects.filter(term=term).select_related("sector")
        context["party_members"] = list(
            Member.objects.filter(
                Q(is_party_group=True, status=Member.Status.ACTIVE) | Q(sector_links__term=term)
            )
            .filter(term=term)
            .distinct()
            .select_related("sector")
            .prefetch_related(
                Prefetch("sector_links", queryset=links.order_by("sector__sort_order"))
            )
            .order_by("name_pinyin")
        )
        context["sectors"] = list(
            Sector.objects.filter(is_active=True)
            .annotate(
                member_count=Count(
                    "members", filter=Q(members__term=term, members__status="active")
                )
            )
            .prefetch_related(
                Prefetch(
                    "links",
                    queryset=SectorLink.objects.filter(term=term).select_related("party_member"),
                )
            )
        )
        context["unlinked"] = [s for s in context["sectors"] if not s.links.all()]
        if self.request.user.has_perm("members.add_sectorlink"):
            context["form"] = kwargs.get("form") or SectorLinkForm()
        context["can_delete"] = self.request.user.has_perm("members.delete_sectorlink")
        context["term"] = term
        return context


class SectorLinkCreateView(PermissionRequiredMixin, SubmitOnceMixin, View):
    permission_required = "members.add_sectorlink"

    def repeated_url(self, obj):
        return reverse("members:sector_links")

    def post(self, request):
        form = SectorLinkForm(request.POST)
        if form.is_valid():
            link = self.object = form.save()
            messages.success(
                request,
                gettext("%(member)s now links %(sector)s.")
                % {"member": link.party_member.name, "sector": link.sector.name},
            )
            return redirect("members:sector_links")
        view = SectorLinkListView()
        view.setup(request)
        return view.render_to_response(view.get_context_data(form=form), status=400)


class SectorLinkDeleteView(PermissionRequiredMixin, View):
    permission_required = "members.delete_sectorlink"

    def post(self, request, pk):
        link = get_object_or_404(SectorLink.objects.select_related("party_member", "sector"), pk=pk)
        link.delete()
        messages.success(
            request,
            gettext("%(member)s no longer links %(sector)s.")
            % {"member": link.party_member.name, "sector": link.sector.name},
        )
        return redirect("members:sector_links")


# --- pairings ------------------------------------------------------------------------------


class CoverageView(PermissionRequiredMixin, TemplateView):
    """双联 coverage: CPC members pairing, non-CPC members covered, each CPC member's load,
    unpaired members and pairs without contact. Three queries whatever the roster size."""

    permission_required = "members.view_pairing"
    template_name = "members/coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # `?year=` counts the pairs without contact at that year's end (the overview's).
        year = year_param(self.request, recorded_only=True)
        coverage = services.coverage_report(today=as_of(year) if year else None)
        context["year"] = year
        # Hundreds of links: build them from one reverse() each instead of one per link.
        member_url = _url_maker("members:detail")
        pairing_url = _url_maker("members:pairing_detail")
        for load in coverage.loads:
            load.member.url = member_url(load.member.pk)
            for pairing in load.pairings:
                pairing.url = pairing_url(pairing.pk)
                # The date as the page writes it (Y-m-d), once per pairing rather than
                # through the date filter in both tables.
                last = pairing.last_contact
                pairing.last_contact_text = last.isoformat() if last else ""
        for member in [*coverage.unpaired, *coverage.idle_cpc]:
            member.url = member_url(member.pk)
        context["coverage"] = coverage
        context["can_pair"] = self.request.user.has_perm("members.add_pairing")
        context["pairing_create_url"] = reverse("members:pairing_create")
        return context


def _url_maker(name: str):
    """f(pk) → the URL of `name` for that pk, from a single reverse() (this request's
    script prefix included)."""
    marker = 987654321
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


class PairingCreateView(PermissionRequiredMixin, SubmitOnceMixin, FormView):
    permission_required = "members.add_pairing"
    form_class = PairingForm
    template_name = "members/pairing_form.html"

    def get_initial(self):
        initial = {"started_on": timezone.localdate()}
        for key in ("cpc_member", "partner"):
            if is_number(self.request.GET.get(key, "")):
                initial[key] = self.request.GET[key]
        return initial

    def form_valid(self, form):
        try:
            pairing = self.object = services.pairing_create(
                cpc_member=form.cleaned_data["cpc_member"],
                partner=form.cleaned_data["partner"],
                started_on=form.cleaned_data["started_on"],
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("%(cpc)s is now paired with %(partner)s.")
            % {"cpc": pairing.cpc_member.name, "partner": pairing.partner.name},
        )
        return redirect(pairing)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _pairing_for(user, pk) -> Pairing:
    return get_object_or_404(Pairing.objects.for_user(user).with_related(), pk=pk)


class PairingDetailView(TemplateView):
    """A pairing and its contact records: staff and leaders, or the two members in it."""

    template_name = "members/pairing_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        pairing = kwargs.get("pairing") or _pairing_for(user, self.kwargs["pk"])
        pairing.stale = pairing.is_stale(pairing.last_contact, timezone.localdate())
        context["pairing"] = pairing
        context["contacts"] = list(pairing.contacts.select_related("created_by"))
        if services.may_add_contact(user, pairing):
            context["contact_form"] = kwargs.get("contact_form") or ContactRecordForm(
                pairing=pairing, initial={"date": timezone.localdate()}
            )
        if pairing.is_active and user.has_perm("members.change_pairing"):
            context["end_form"] = kwargs.get("end_form") or PairingEndForm(
                initial={"ended_on": timezone.localdate()}
            )
        context["can_see_members"] = user.has_perm("members.view_member")
        return context


class ContactRecordCreateView(SubmitOnceMixin, View):
    def repeated_url(self, obj):
        return reverse("members:pairing_detail", args=[obj.pairing_id])

    def post(self, request, pk):
        pairing = _pairing_for(request.user, pk)
        if not services.may_add_contact(request.user, pairing):
            return HttpResponse(status=403)
        form = ContactRecordForm(request.POST, pairing=pairing)
        if form.is_valid():
            self.object = services.contact_record_create(
                pairing=pairing, user=request.user, **form.cleaned_data
            )
            messages.success(request, gettext("Contact record added."))
            return redirect(pairing)
        view = PairingDetailView()
        view.setup(request, pk=pk)
        return view.render_to_response(
            view.get_context_data(pk=pk, pairing=pairing, contact_form=form), status=400
        )


class PairingEndView(PermissionRequiredMixin, View):
    permission_required = "members.change_pairing"

    def post(self, request, pk):
        pairing = _pairing_for(request.user, pk)
        form = PairingEndForm(request.POST)
        if form.is_valid():
            try:
                services.pairing_end(pairing=pairing, ended_on=form.cleaned_data["ended_on"])
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, gettext("The pairing has ended; its records are kept."))
                return redirect(pairing)
        view = PairingDetailView()
        view.setup(request, pk=pk)
        return view.render_to_response(
            view.get_context_data(pk=pk, pairing=pairing, end_form=form), status=400
        )


class MyPairingsView(TemplateView):
    """A member's own pairings (as the CPC member or as the partner), with their records."""

    template_name = "members/my_pairings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = own_member(self.request.user)
        context["member"] = member
        pairings = []
        if member is not None:
            today = timezone.localdate()
            pairings = list(
                Pairing.objects.filter(Q(cpc_member=member) | Q(partner=member))
                .with_related()
                .annotate(contact_count=Count("contacts"))
                .order_by("ended_on", "-started_on")
            )
            for pairing in pairings:
                pairing.other = (
                    pairing.partner if pairing.cpc_member_id == member.pk else pairing.cpc_member
                )
                pairing.stale = pairing.is_stale(pairing.last_contact, today)
                pairing.leads = pairing.cpc_member_id == member.pk
        context["pairings"] = pairings
        return context
