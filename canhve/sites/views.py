import json
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from canhve.accounts.models import Role
from canhve.core.access import audited_list, audited_page, can_edit, get_visible_or_404, record_read
from canhve.core.jobs import enqueue
from canhve.core.locking import VersionConflict, conflict_response, posted_flag
from canhve.core.models import AuditAction
from canhve.core.refusals import act, create_page, form_errors, refuse

from . import domain, selectors, services
from .forms import (
    BasicSurveyForm,
    CriteriaPublishForm,
    EvidenceForm,
    ImportForm,
    OsmImportForm,
    SafePointForm,
    SiteFilterForm,
    SiteForm,
    StatusForm,
    SurveyForm,
)
from .importers import ImportFormatError, reader_for
from .jobs import IMPORT_OSM
from .models import BasicSurvey, CriteriaSet, Evidence, SafePoint, SafePointStatus, SafePointSurvey, Site

logger = logging.getLogger(__name__)


# ---- site registry ------------------------------------------------------------------------------------


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    form = SiteFilterForm(request.GET or None)
    qs = (
        Site.objects.visible_to(request.user)
        .select_related("province", "ward", "owner_agency")
        .defer("province__geometry", "province__geometry_simplified", "ward__geometry")
    )
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(name__icontains=d["q"]) | Q(address__icontains=d["q"]))
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["province"]:
            qs = qs.filter(province=d["province"])
    page = audited_page(request, qs)
    return render(request, "sites/site_list.html", {"page": page, "form": form})


@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_visible_or_404(
        Site.objects.select_related(
            "province", "ward", "legacy_district", "legacy_province", "owner_agency"
        ).defer(
            "province__geometry", "province__geometry_simplified", "ward__geometry", "legacy_district__bbox"
        ),
        request.user,
        pk=pk,
    )
    points = audited_list(request, SafePoint.objects.visible_to(request.user).filter(site=site))
    return render(
        request,
        "sites/site_detail.html",
        {
            "site": site,
            "points": points,
            "can_edit": can_edit(request.user, site, Role.OFFICER),
        },
    )


@login_required
def site_create(request: HttpRequest) -> HttpResponse:
    def create(d: dict[str, Any]) -> Site:
        fields = {k: d[k] for k in services.SITE_FIELDS if k in d and k != "external_id"}
        return services.create_site(
            acting_user=request.user, owner_agency=d["owner_agency"], secrecy=d["secrecy"], **fields
        )

    return create_page(
        request,
        SiteForm(request.POST or None, user=request.user),
        create,
        done=_("Đã thêm địa điểm."),
        detail="sites-detail",
        template="sites/form.html",
        context={"title": _("Thêm địa điểm")},
    )


@login_required
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_visible_or_404(Site, request.user, pk=pk)
    if not can_edit(request.user, site, Role.OFFICER):
        raise PermissionDenied
    form = SiteForm(request.POST or None, instance=site, user=request.user, creating=False)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fields = {k: d[k] for k in (*services.SITE_FIELDS, "secrecy") if k in d and k != "external_id"}
        site.refresh_from_db()  # the form wrote into the instance; let the service make the change
        try:
            services.update_site(
                acting_user=request.user,
                site=site,
                expected_version=form.cleaned_data.get("expected_version"),
                **fields,
            )
        except VersionConflict as conflict:
            return conflict_response(request, "sites/form.html", {"title": site.name}, conflict, form)
        except (PermissionDenied, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("sites-detail", pk=site.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "sites/form.html", {"form": form, "title": site.name}, status=status)


@login_required
def site_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    report = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d["file"]
        try:
            reader = reader_for(upload.name)
            rows = list(reader(upload.read()))
            report = services.import_sites(
                acting_user=request.user,
                owner_agency=d["owner_agency"],
                rows=rows,
                source=f"file:{upload.name}"[:40],
                secrecy=d["secrecy"],
                default_kind=d["default_kind"],
                all_or_nothing=d["all_or_nothing"],
            )
        except ImportFormatError as exc:
            form.add_error("file", str(exc))
        except (PermissionDenied, ValidationError) as exc:
            form_errors(form, exc)
    status = 400 if request.method == "POST" and report is None else 200
    return render(request, "sites/import.html", {"form": form, "report": report}, status=status)


@login_required
def site_import_osm(request: HttpRequest) -> HttpResponse:
    form = OsmImportForm(request.POST or None, user=request.user)
    job = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if request.user.role_over(d["owner_agency"].pk) < Role.OFFICER:
            form.add_error("owner_agency", _("Cần quyền cán bộ của đơn vị chủ quản."))
        else:
            job = enqueue(
                IMPORT_OSM,
                user=request.user,
                params={
                    "owner_agency_id": d["owner_agency"].pk,
                    "amenities": d["amenities"],
                    "province_code": d["province"].code if d["province"] else "",
                },
            )
            messages.success(
                request, _("Đã đưa việc nhập dữ liệu OSM vào hàng đợi (việc số %(n)s).") % {"n": job.pk}
            )
    status = 400 if request.method == "POST" and job is None else 200
    return render(request, "sites/import_osm.html", {"form": form, "job": job}, status=status)


# ---- safe points --------------------------------------------------------------------------------------


@login_required
def safepoint_list(request: HttpRequest) -> HttpResponse:
    qs = (
        SafePoint.objects.visible_to(request.user)
        .select_related("site", "site__province", "owner_agency")
        .defer("site__province__geometry", "site__province__geometry_simplified")
    )
    status = request.GET.get("status", "")
    if status in SafePointStatus.values:
        qs = qs.filter(status=status)
    page = audited_page(request, qs)
    return render(
        request,
        "sites/safepoint_list.html",
        {
            "page": page,
            "statuses": SafePointStatus.choices,
            "status": status,
            "today": timezone.localdate(),
        },
    )


@login_required
def safepoint_create(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = get_visible_or_404(Site, request.user, pk=site_pk)
    form = SafePointForm(request.POST or None, user=request.user, site=site)
    return create_page(
        request,
        form,
        lambda d: services.propose_safe_point(
            acting_user=request.user,
            site=site,
            owner_agency=d["owner_agency"],
            secrecy=d["secrecy"],
            corridor=form.corridor(),
        ),
        done=_("Đã đề xuất điểm dừng, nghỉ."),
        detail="sites-safepoint-detail",
        template="sites/form.html",
        context={"title": _("Đề xuất điểm dừng, nghỉ: %(s)s") % {"s": site.name}},
    )


def _answers(survey: SafePointSurvey | None) -> list[Any]:
    if survey is None:
        return []
    return list(survey.answers.select_related("criterion"))


@login_required
def safepoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_visible_or_404(
        SafePoint.objects.select_related(
            "site",
            "site__province",
            "site__ward",
            "owner_agency",
            "approved_by",
            "latest_survey",
            "latest_survey__criteria_set",
            "latest_survey__surveyor",
        ).defer("site__province__geometry", "site__province__geometry_simplified", "site__ward__geometry"),
        request.user,
        pk=pk,
    )
    survey = point.latest_survey
    evaluation = None
    if survey is not None:
        answers = _answers(survey)
        evaluation = domain.evaluate(
            survey.criteria_set.spec(),
            {a.criterion.code: a.passed for a in answers},
            {a.criterion.code: a.score for a in answers},
        )
    else:
        answers = []
    user = request.user
    return render(
        request,
        "sites/safepoint_detail.html",
        {
            "point": point,
            "survey": survey,
            "answers": answers,
            "evaluation": evaluation,
            "surveys": point.surveys.select_related("criteria_set", "surveyor"),
            "evidence": survey.evidence.select_related("uploaded_by") if survey else [],
            "usable": point.is_usable(),
            "today": timezone.localdate(),
            "can_survey": can_edit(user, point, Role.OFFICER) and point.status != SafePointStatus.RETIRED,
            "can_approve": can_edit(user, point, Role.COMMANDER)
            and domain.can_transition(point.status, "approved"),
            "can_change": can_edit(user, point, Role.PLANNER) and point.status != SafePointStatus.RETIRED,
            "status_form": StatusForm(),
            "evidence_form": EvidenceForm(),
        },
    )


@login_required
def safepoint_survey(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_visible_or_404(SafePoint.objects.select_related("site"), request.user, pk=pk)
    if not can_edit(request.user, point, Role.OFFICER):
        raise PermissionDenied
    cset = services.current_criteria()
    form = SurveyForm(request.POST or None, request.FILES or None, criteria_set=cset)
    if request.method == "POST" and form.is_valid():
        gates, scores, evidence, fallback = form.answers()
        try:
            # The form checked every file already; should the service still refuse one, the 400 below
            # rolls back the survey and the status change with it (RollbackOnRefusalMiddleware, ADR 0106).
            survey = services.record_survey(
                acting_user=request.user,
                point=point,
                surveyed_on=form.cleaned_data["surveyed_on"],
                gates=gates,
                scores=scores,
                evidence=evidence,
                notes=form.cleaned_data["notes"],
                fallback_values=fallback,
            )
            for upload in request.FILES.getlist("files"):
                services.add_evidence(acting_user=request.user, survey=survey, upload=upload)
        except (PermissionDenied, ValidationError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi khảo sát, điểm: %(s)s.") % {"s": f"{survey.score:g}"})
            return redirect("sites-safepoint-detail", pk=point.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "sites/survey_form.html", {"form": form, "point": point, "cset": cset}, status=status
    )


def _survey_page(
    request: HttpRequest, survey: SafePointSurvey, point: SafePoint, form: EvidenceForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "sites/survey_detail.html",
        {
            "survey": survey,
            "point": point,
            "answers": _answers(survey),
            "evidence": survey.evidence.select_related("uploaded_by"),
            "can_add": can_edit(request.user, point, Role.OFFICER),
            "evidence_form": form,
        },
        status=status,
    )


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = SafePointSurvey.objects.select_related("criteria_set", "surveyor").filter(pk=pk).first()
    if survey is None:
        raise Http404
    point = get_visible_or_404(
        SafePoint.objects.select_related("site"), request.user, pk=survey.safe_point_id
    )
    return _survey_page(request, survey, point, EvidenceForm())


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = SafePointSurvey.objects.filter(pk=pk).first()
    if survey is None:
        raise Http404
    point = get_visible_or_404(SafePoint, request.user, pk=survey.safe_point_id)
    if not can_edit(request.user, point, Role.OFFICER):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(
                acting_user=request.user,
                survey=survey,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm tài liệu."))
            return redirect("sites-survey-detail", pk=survey.pk)
    # A refused file: the survey page again, the reason under the file field (ADR 0106).
    return _survey_page(request, survey, point, form, status=400)


@require_GET
@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Evidence is served only here, after the safe point's visibility check, never as public media."""
    item = Evidence.objects.select_related("survey").filter(pk=pk).first()
    if item is None:
        raise Http404
    point = get_visible_or_404(SafePoint, request.user, pk=item.survey.safe_point_id)
    try:
        stream = item.file.open("rb")
    except FileNotFoundError:
        # The row outlived its file (a restore without the media folder, a disk cleaned by hand): the
        # reader gets a plain 404, the operators a log line to restore it from the backup.
        logger.error("evidence %s: file %s is missing from storage", item.pk, item.file.name)
        raise Http404(_("Tệp tài liệu không còn trên máy chủ.")) from None
    record_read(point, action=AuditAction.EXPORT, note=f"evidence {item.pk} {item.original_name}")
    response = FileResponse(
        stream,
        content_type=item.content_type,
        as_attachment=item.content_type == "application/pdf",
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def safepoint_approve(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_visible_or_404(SafePoint, request.user, pk=pk)
    return act(
        request,
        lambda: services.approve_safe_point(acting_user=request.user, point=point),
        done=_("Đã phê duyệt điểm dừng, nghỉ."),
        back=reverse("sites-safepoint-detail", args=[point.pk]),
        source=SafePoint,
    )


@login_required
@require_POST
def safepoint_status(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_visible_or_404(SafePoint, request.user, pk=pk)
    form = StatusForm(request.POST)
    back = reverse("sites-safepoint-detail", args=[point.pk])
    if not form.is_valid():
        return refuse(request, form.errors, back, source=form)
    return act(
        request,
        lambda: services.change_safe_point_status(
            acting_user=request.user,
            point=point,
            target=form.cleaned_data["target"],
            reason=form.cleaned_data["reason"],
        ),
        done=_("Đã chuyển trạng thái."),
        back=back,
        source=form,
    )


# ---- criteria sets ------------------------------------------------------------------------------------


@login_required
def criteria_list(request: HttpRequest) -> HttpResponse:
    services.current_criteria()
    sets = CriteriaSet.objects.select_related("published_by").all()
    can_publish = request.user.is_superuser or request.user.max_role() >= Role.ADMINISTRATOR
    return render(request, "sites/criteria_list.html", {"sets": sets, "can_publish": can_publish})


@login_required
def criteria_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cset = CriteriaSet.objects.filter(pk=pk).first()
    if cset is None:
        raise Http404
    used = SafePointSurvey.objects.filter(criteria_set=cset).count()
    return render(
        request, "sites/criteria_detail.html", {"cset": cset, "criteria": cset.criteria.all(), "used": used}
    )


@login_required
def criteria_publish(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_superuser or request.user.max_role() >= Role.ADMINISTRATOR):
        raise PermissionDenied
    current = services.current_criteria()
    initial = {"definition": json.dumps(current.as_json(), ensure_ascii=False, indent=2)}
    form = CriteriaPublishForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cset = services.publish_criteria_set(
                acting_user=request.user, data=form.cleaned_data["definition"]
            )
        except ValidationError as exc:
            form_errors(form, ValidationError({"definition": exc.messages}))
        else:
            messages.success(request, _("Đã ban hành phiên bản %(v)s.") % {"v": cset.version})
            return redirect("sites-criteria-detail", pk=cset.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "sites/form.html",
        {"form": form, "title": _("Ban hành phiên bản mới của bộ tiêu chí")},
        status=status,
    )


# ---- basic survey and dashboard -----------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    data = selectors.dashboard(request.user, timezone.localdate())
    geo = selectors.province_geojson(data["rows"])
    surveys = audited_list(
        request,
        BasicSurvey.objects.visible_to(request.user)
        .select_related("province", "legacy_province", "owner_agency")
        .defer("province__geometry", "province__geometry_simplified"),
    )
    data["due"] = audited_list(request, data["due"])
    totals = {
        "approved": sum(r.approved_points for r in data["rows"]),
        "due": len(data["due"]),
        "with_survey": sum(1 for r in data["rows"] if r.survey_id),
    }
    return render(request, "sites/dashboard.html", {**data, "geo": geo, "surveys": surveys, "totals": totals})


@login_required
def basic_survey_create(request: HttpRequest) -> HttpResponse:
    return create_page(
        request,
        BasicSurveyForm(request.POST or None, user=request.user),
        lambda d: services.create_basic_survey(
            acting_user=request.user,
            owner_agency=d["owner_agency"],
            effective_from=d["effective_from"],
            title=d["title"],
            province=d["province"],
            legacy_province=d["legacy_province"],
            secrecy=d["secrecy"],
            notes=d["notes"],
        ),
        done=_("Đã lập điều tra cơ bản."),
        detail="sites-basic-detail",
        template="sites/form.html",
        context={"title": _("Lập điều tra cơ bản")},
    )


SURVEY_SITES_SHOWN = 200  # basic_detail.html lists the first 200 sites (and counts them all)


@login_required
def basic_survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_visible_or_404(
        BasicSurvey.objects.select_related("province", "legacy_province", "owner_agency").defer(
            "province__geometry", "province__geometry_simplified"
        ),
        request.user,
        pk=pk,
    )
    bundle = selectors.survey_bundle(survey, request.user, timezone.localdate())
    bundle["points"] = audited_list(request, bundle["points"])
    bundle["sites"] = list(bundle["sites"])
    audited_list(request, bundle["sites"][:SURVEY_SITES_SHOWN])
    history = audited_list(
        request,
        BasicSurvey.objects.visible_to(request.user)
        .filter(province_id=survey.province_id, legacy_province_id=survey.legacy_province_id)
        .exclude(pk=survey.pk),
    )
    return render(
        request,
        "sites/basic_detail.html",
        {
            "survey": survey,
            **bundle,
            "history": history,
            "today": timezone.localdate(),
            "can_confirm": can_edit(request.user, survey, Role.PLANNER),
        },
    )


@login_required
@require_POST
def basic_survey_check(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_visible_or_404(BasicSurvey, request.user, pk=pk)
    return act(
        request,
        lambda: services.confirm_checklist_item(
            acting_user=request.user,
            survey=survey,
            key=request.POST.get("key", ""),
            done=posted_flag(request, "done", absent=False),
        ),
        done=_("Đã cập nhật danh mục khảo sát."),
        back=reverse("sites-basic-detail", args=[survey.pk]),
    )
