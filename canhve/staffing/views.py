from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from canhve.accounts.models import Role
from canhve.core.access import audited_list, audited_page, can_create_in, can_edit, get_visible_or_404
from canhve.core.locking import answers_conflicts, posted_flag, posted_version
from canhve.core.refusals import act, act_on_form, create_page, refuse
from canhve.core.writedown import visible_only

from . import domain, selectors, services
from .forms import (
    AbsenceForm,
    ManualAssignForm,
    MobilisationForm,
    PersonnelForm,
    PostForm,
    QualificationForm,
    RespondForm,
    RosterForm,
)
from .models import Assignment, MobilisationRequest, Personnel, Post, Roster, Skill


def _may_create(user: Any) -> bool:
    return any(can_create_in(user, a, Role.PLANNER) for a in user.member_agency_ids())


# ── Personnel ────────────────────────────────────────────────────────────────────────────────────────────
@login_required
def personnel_list(request: HttpRequest) -> HttpResponse:
    qs = (
        Personnel.objects.visible_to(request.user)
        .select_related("owner_agency")
        .prefetch_related("qualifications__skill")
    )
    q, skill = request.GET.get("q", "").strip(), request.GET.get("skill", "")
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(service_number__icontains=q) | Q(rank__icontains=q))
    if skill:
        qs = qs.filter(qualifications__skill__code=skill).distinct()
    page = audited_page(request, qs)
    return render(
        request,
        "staffing/personnel_list.html",
        {
            "page": page,
            "q": q,
            "skill": skill,
            "skills": Skill.objects.all(),
            "may_create": _may_create(request.user),
        },
    )


@login_required
def personnel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_visible_or_404(Personnel.objects.select_related("owner_agency"), request.user, pk=pk)
    assignments = list(
        person.assignments.filter(roster__in=Roster.objects.visible_to(request.user))
        .select_related("shift", "post", "roster")
        .defer("roster__result")
        .order_by("-shift__start")[:30]
    )
    audited_list(request, {a.roster_id: a.roster for a in assignments}.values())
    return render(
        request,
        "staffing/personnel_detail.html",
        {
            "person": person,
            "qualifications": person.qualifications.select_related("skill"),
            "absences": person.absences.all(),
            "assignments": assignments,
            "may_edit": can_edit(request.user, person, Role.PLANNER),
            "qualification_form": QualificationForm(),
            "absence_form": AbsenceForm(),
        },
    )


@login_required
def personnel_create(request: HttpRequest) -> HttpResponse:
    return create_page(
        request,
        PersonnelForm(request.POST or None, user=request.user),
        lambda data: services.create_personnel(acting_user=request.user, **data),
        done=_("Đã thêm cán bộ."),
        detail="staffing-personnel-detail",
        template="staffing/form.html",
        context={"title": _("Thêm cán bộ"), "back": "staffing-personnel-list"},
    )


@login_required
@require_POST
def qualification_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_visible_or_404(Personnel, request.user, pk=pk)
    return act_on_form(
        request,
        QualificationForm(request.POST),
        lambda data: services.add_qualification(acting_user=request.user, personnel=person, **data),
        done=_("Đã cập nhật chuyên môn."),
        back=reverse("staffing-personnel-detail", args=[person.pk]),
    )


@login_required
@require_POST
def absence_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_visible_or_404(Personnel, request.user, pk=pk)
    return act_on_form(
        request,
        AbsenceForm(request.POST),
        lambda data: services.add_absence(acting_user=request.user, personnel=person, **data),
        done=_("Đã ghi vắng mặt."),
        back=reverse("staffing-personnel-detail", args=[person.pk]),
    )


# ── Posts ────────────────────────────────────────────────────────────────────────────────────────────────
@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    qs = (
        Post.objects.visible_to(request.user)
        .select_related("owner_agency", "operation", "site")
        .prefetch_related("required_skills", "agency_mix__agency")
    )
    page = audited_page(request, qs)
    return render(request, "staffing/post_list.html", {"page": page, "may_create": _may_create(request.user)})


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_visible_or_404(
        Post.objects.select_related("owner_agency", "operation", "site"), request.user, pk=pk
    )
    return render(
        request,
        "staffing/post_detail.html",
        {
            "post": post,
            "skills": post.required_skills.all(),
            "mix": post.agency_mix.select_related("agency"),
            "rosters": audited_list(request, post.rosters.visible_to(request.user).defer("result")),
        },
    )


@login_required
def post_create(request: HttpRequest) -> HttpResponse:
    form = PostForm(request.POST or None, user=request.user)

    def create(data: dict[str, Any]) -> Post:
        fields = {k: v for k, v in data.items() if k not in ("mix_agency", "mix_count")}
        return services.create_post(acting_user=request.user, agency_mix=form.agency_mix(), **fields)

    return create_page(
        request,
        form,
        create,
        done=_("Đã tạo vị trí trực."),
        detail="staffing-post-detail",
        template="staffing/form.html",
        context={"title": _("Tạo vị trí trực"), "back": "staffing-post-list"},
    )


# ── Rosters ──────────────────────────────────────────────────────────────────────────────────────────────
@login_required
def roster_list(request: HttpRequest) -> HttpResponse:
    qs = (
        Roster.objects.visible_to(request.user)
        .select_related("owner_agency", "operation")
        .defer("result")
        .annotate(post_count=Count("posts", distinct=True))
        .order_by("-start_date", "name")
    )
    page = audited_page(request, qs)
    return render(
        request, "staffing/roster_list.html", {"page": page, "may_create": _may_create(request.user)}
    )


@login_required
def roster_create(request: HttpRequest) -> HttpResponse:
    return create_page(
        request,
        RosterForm(request.POST or None, user=request.user),
        lambda data: services.create_roster(acting_user=request.user, **data),
        done=_("Đã lập lịch. Bấm “Xếp ca” để bộ xếp ca phân công."),
        detail="staffing-roster-detail",
        template="staffing/form.html",
        context={"title": _("Lập lịch ca trực"), "back": "staffing-roster-list"},
    )


@login_required
def roster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roster = get_visible_or_404(
        Roster.objects.select_related("owner_agency", "operation", "job").defer("job__params", "job__result"),
        request.user,
        pk=pk,
    )
    view = selectors.roster_view(roster, request.user, day=request.GET.get("day"))
    shown = {
        a.personnel_id: a.personnel
        for row in view["grid"]
        for cell in row["cells"]
        for a in cell["assignments"]
        if not a.hidden
    }
    audited_list(request, shown.values())
    may_plan = can_edit(request.user, roster, Role.PLANNER)
    return render(
        request,
        "staffing/roster_detail.html",
        {
            "roster": roster,
            **view,
            "may_plan": may_plan,
            "may_sign": can_edit(request.user, roster, Role.OFFICER),
            "may_publish": can_edit(request.user, roster, Role.COMMANDER),
            "assign_form": ManualAssignForm(user=request.user) if may_plan else None,
        },
    )


@login_required
@require_POST
def roster_solve(request: HttpRequest, pk: int) -> HttpResponse:
    roster = get_visible_or_404(Roster.objects.select_related("job"), request.user, pk=pk)
    return act(
        request,
        lambda: services.request_solve(acting_user=request.user, roster=roster),
        done=_("Đã đưa vào hàng đợi xếp ca."),
        back=reverse("staffing-roster-detail", args=[roster.pk]),
        source=Roster,
    )


@login_required
def roster_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar fragment the roster page polls every second while a solve runs."""
    roster = get_visible_or_404(
        Roster.objects.select_related("job").defer("result", "job__params", "job__result"),
        request.user,
        pk=pk,
    )
    response = render(request, "staffing/_progress.html", {"roster": roster, "job": roster.job})
    if request.headers.get("HX-Request") and roster.job and roster.job.status in ("done", "failed"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def roster_publish(request: HttpRequest, pk: int) -> HttpResponse:
    roster = get_visible_or_404(Roster, request.user, pk=pk)
    return act(
        request,
        lambda: services.publish_roster(acting_user=request.user, roster=roster),
        done=_("Đã ban hành lịch trực."),
        back=reverse("staffing-roster-detail", args=[roster.pk]),
        source=Roster,
    )


def _visible_assignment(request: HttpRequest, pk: int) -> Assignment:
    roster_ids = Roster.objects.visible_to(request.user).values("pk")
    assignment = (
        Assignment.objects.filter(pk=pk, roster__in=roster_ids)
        .select_related("roster", "personnel", "shift")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def _day_url(assignment: Assignment) -> str:
    day = assignment.shift.start.date().isoformat()
    return f"{reverse('staffing-roster-detail', kwargs={'pk': assignment.roster_id})}?day={day}"


@login_required
@require_POST
@answers_conflicts(back=_day_url)
def assignment_pin(request: HttpRequest, pk: int) -> HttpResponse:
    """The button posts the state it asks for (`pinned` 1/0) and the version it saw."""
    assignment = _visible_assignment(request, pk)
    return act(
        request,
        lambda: services.set_pin(
            acting_user=request.user,
            assignment=assignment,
            pinned=posted_flag(request, "pinned", absent=not assignment.pinned),
            expected_version=posted_version(request),
        ),
        done=_("Đã cập nhật phân công."),
        back=_day_url(assignment),
        source=Assignment,
    )


@login_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _visible_assignment(request, pk)
    return act(
        request,
        lambda: services.remove_assignment(acting_user=request.user, assignment=assignment),
        done=_("Đã bỏ phân công."),
        back=_day_url(assignment),
        source=Assignment,
    )


@login_required
@require_POST
def assignment_sign(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _visible_assignment(request, pk)
    action = services.sign_out if request.POST.get("action") == "out" else services.sign_in
    return act(
        request,
        lambda: action(acting_user=request.user, assignment=assignment),
        done=_("Đã ghi nhận ra/vào ca."),
        back=_day_url(assignment),
        source=Assignment,
    )


@login_required
@require_POST
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    roster = get_visible_or_404(Roster, request.user, pk=pk)
    if not can_edit(request.user, roster, Role.PLANNER):
        raise PermissionDenied
    form = ManualAssignForm(request.POST, user=request.user)
    back = reverse("staffing-roster-detail", args=[roster.pk])
    if not form.is_valid():
        return refuse(request, form.errors, back, source=form)
    shift = roster.shifts.filter(pk=form.cleaned_data["shift"]).first()
    post = roster.posts.filter(pk=form.cleaned_data["post"]).first()
    if shift is None or post is None:
        field = "shift" if shift is None else "post"
        return refuse(request, {field: [_("không thuộc lịch này.")]}, back, source=form)
    return act(
        request,
        lambda: services.assign_manually(
            acting_user=request.user,
            roster=roster,
            shift=shift,
            post=post,
            personnel=form.cleaned_data["personnel"],
        ),
        done=_("Đã phân công (giữ cố định)."),
        back=f"{back}?day={shift.start.date()}",
        source=form,
    )


# ── Mobilisation ─────────────────────────────────────────────────────────────────────────────────────────
@login_required
def mobilisation_list(request: HttpRequest) -> HttpResponse:
    qs = (
        MobilisationRequest.objects.visible_to(request.user)
        .select_related("owner_agency", "partner_agency", "skill", "operation")
        .annotate(provided_count=Count("provided"))
        .order_by("-start_date", "-created_at")
    )
    page = audited_page(request, qs)
    return render(
        request, "staffing/mobilisation_list.html", {"page": page, "may_create": _may_create(request.user)}
    )


@login_required
def mobilisation_create(request: HttpRequest) -> HttpResponse:
    return create_page(
        request,
        MobilisationForm(request.POST or None, user=request.user),
        lambda data: services.request_mobilisation(acting_user=request.user, **data),
        done=_("Đã gửi đề nghị điều động."),
        detail="staffing-mobilisation-detail",
        template="staffing/form.html",
        context={"title": _("Đề nghị điều động lực lượng"), "back": "staffing-mobilisation-list"},
    )


@login_required
def mobilisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(
        MobilisationRequest.objects.select_related(
            "owner_agency", "partner_agency", "skill", "operation", "requested_by", "responded_by", "roster"
        ).defer("roster__result"),
        request.user,
        pk=pk,
    )
    may_respond = domain.can_respond(item.status) and can_create_in(
        request.user, item.partner_agency_id, Role.OFFICER
    )
    return render(
        request,
        "staffing/mobilisation_detail.html",
        {
            "item": item,
            "provided": visible_only(request.user, item.provided.select_related("owner_agency")),
            "may_respond": may_respond,
            "may_cancel": domain.can_cancel(item.status) and can_edit(request.user, item, Role.PLANNER),
            "respond_form": RespondForm(user=request.user, request=item) if may_respond else None,
        },
    )


@login_required
@require_POST
def mobilisation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(MobilisationRequest, request.user, pk=pk)
    form = RespondForm(request.POST, user=request.user, request=item)
    back = reverse("staffing-mobilisation-detail", args=[item.pk])
    if not form.is_valid():
        return refuse(request, form.errors, back, source=form)
    return act(
        request,
        lambda: services.respond_to_mobilisation(
            acting_user=request.user,
            request=item,
            personnel=list(form.cleaned_data["personnel"]),
            decline=form.cleaned_data["decision"] == "decline",
            note=form.cleaned_data["note"],
        ),
        done=_("Đã trả lời đề nghị."),
        back=back,
        source=form,
    )


@login_required
@require_POST
def mobilisation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(MobilisationRequest, request.user, pk=pk)
    return act(
        request,
        lambda: services.cancel_mobilisation(acting_user=request.user, request=item),
        done=_("Đã hủy đề nghị."),
        back=reverse("staffing-mobilisation-detail", args=[item.pk]),
        source=MobilisationRequest,
    )


# ── An operation's staffing picture ──────────────────────────────────────────────────────────────────────
@login_required
def operation_staffing(request: HttpRequest, operation_id: int) -> HttpResponse:
    from canhve.operations.models import Operation

    operation = get_visible_or_404(Operation, request.user, pk=operation_id)
    picture = selectors.operation_staffing(operation, request.user)
    audited_list(
        request, [*picture["posts"], *(r["roster"] for r in picture["roster_rows"]), *picture["requests"]]
    )
    return render(request, "staffing/operation_staffing.html", {"operation": operation, **picture})
