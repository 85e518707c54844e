import json
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canhve.agencies.models import Agency
from canhve.core.locking import VersionedFormMixin
from canhve.core.secrecy import Secrecy
from canhve.core.widgets import DateInput
from canhve.geo.models import LegacyProvince, Province

from .models import CriteriaSet, SafePointStatus, Site, SiteKind


def _evidence_errors(uploads: list[Any]) -> list[str]:
    """Why each file would be refused as evidence (type by content, photos decoded by Pillow), by name."""
    from django.core.exceptions import ValidationError

    from .services import evidence_type

    errors = []
    for upload in uploads:
        try:
            evidence_type(upload)
        except ValidationError as exc:
            errors.append(f"{upload.name}: {' '.join(exc.messages)}")
    return errors


def _secrecy_field(user: Any, initial: int = Secrecy.MAT) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Độ mật"),
        coerce=int,
        initial=min(initial, user.clearance),
        choices=[(v, label) for v, label in Secrecy.choices if v <= user.clearance],
    )


def _agency_field(user: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Agency.objects.filter(pk__in=user.governed_agency_ids()), label=_("Đơn vị chủ quản")
    )


class SiteForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Site
        fields = [
            "name",
            "kind",
            "lat",
            "lon",
            "address",
            "operator",
            "contact",
            "emergency_surgery",
            "beds",
            "notes",
        ]
        widgets = {"emergency_surgery": forms.NullBooleanSelect(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, creating: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["owner_agency"] = _agency_field(user)
        self.fields["secrecy"] = _secrecy_field(
            user, initial=self.instance.secrecy if self.instance.pk else 0
        )


class SiteFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False)
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=[("", "—"), *SiteKind.choices])
    province = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố"),
        required=False,
        queryset=Province.objects.filter(is_current=True).defer("geometry", "geometry_simplified"),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp CSV, GeoJSON hoặc XLSX"))
    default_kind = forms.ChoiceField(
        label=_("Loại mặc định (khi tệp không có cột loại)"),
        required=False,
        choices=[("", "—"), *SiteKind.choices],
    )
    all_or_nothing = forms.BooleanField(label=_("Có dòng lỗi thì không nhập gì"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"] = _agency_field(user)
        self.fields["secrecy"] = _secrecy_field(user, initial=Secrecy.NONE)


class OsmImportForm(forms.Form):
    AMENITIES = [
        ("hospital", _("Bệnh viện")),
        ("police", _("Trụ sở công an")),
        ("fire_station", _("Phòng cháy chữa cháy")),
        ("fuel", _("Cây xăng (nguồn nguy hiểm)")),
    ]
    amenities = forms.MultipleChoiceField(
        label=_("Loại"),
        choices=AMENITIES,
        initial=[a for a, _ in AMENITIES],
        widget=forms.CheckboxSelectMultiple,
    )
    province = forms.ModelChoiceField(
        label=_("Chỉ tỉnh, thành phố"),
        required=False,
        queryset=Province.objects.filter(is_current=True).defer("geometry", "geometry_simplified"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"] = _agency_field(user)


class SafePointForm(forms.Form):
    corridor_from_lat = forms.FloatField(label=_("Hành lang tuyến: điểm đầu, vĩ độ"), required=False)
    corridor_from_lon = forms.FloatField(label=_("Hành lang tuyến: điểm đầu, kinh độ"), required=False)
    corridor_to_lat = forms.FloatField(label=_("Hành lang tuyến: điểm cuối, vĩ độ"), required=False)
    corridor_to_lon = forms.FloatField(label=_("Hành lang tuyến: điểm cuối, kinh độ"), required=False)

    def __init__(self, *args: Any, user: Any, site: Site, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"] = _agency_field(user)
        self.fields["owner_agency"].initial = site.owner_agency_id
        self.fields["secrecy"] = _secrecy_field(user, initial=max(site.secrecy, Secrecy.MAT))

    def corridor(self) -> tuple[float, float, float, float] | None:
        keys = ("corridor_from_lat", "corridor_from_lon", "corridor_to_lat", "corridor_to_lon")
        values = [self.cleaned_data.get(k) for k in keys]
        if all(v is None for v in values):
            return None
        if any(v is None for v in values):
            raise forms.ValidationError(_("Nhập đủ 4 tọa độ của hành lang tuyến hoặc để trống cả 4."))
        return tuple(values)  # type: ignore[return-value]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.corridor()
        return data


GATE_CHOICES = [("", _("Chưa đánh giá")), ("yes", _("Đạt")), ("no", _("Không đạt"))]
SCORE_CHOICES = [("", "—")] + [(str(i), str(i)) for i in range(6)]


class SurveyForm(forms.Form):
    """One field per criterion of the current set: gates pass/fail, manual criteria 0–5; automatic criteria
    get only an optional fallback value, used when the road engine cannot compute them."""

    surveyed_on = forms.DateField(label=_("Ngày khảo sát"), widget=DateInput())
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    files = forms.FileField(label=_("Ảnh, tài liệu (JPEG, PNG, PDF ≤ 10 MB)"), required=False)

    def __init__(self, *args: Any, criteria_set: CriteriaSet, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["surveyed_on"].initial = timezone.localdate()
        self.criteria = list(criteria_set.criteria.all())
        for c in self.criteria:
            if c.is_gate:
                self.fields[f"gate_{c.code}"] = forms.ChoiceField(
                    label=c.label, choices=GATE_CHOICES, required=False
                )
            elif c.auto:
                self.fields[f"fallback_{c.code}"] = forms.FloatField(
                    label=_("%(label)s — chỉ nhập khi ngoài phạm vi bản đồ đường (%(unit)s)")
                    % {"label": c.label, "unit": c.unit},
                    required=False,
                )
                continue
            else:
                self.fields[f"score_{c.code}"] = forms.ChoiceField(
                    label=f"{c.label} ({c.weight}%)", choices=SCORE_CHOICES, required=False
                )
            self.fields[f"evidence_{c.code}"] = forms.CharField(
                label=_("Căn cứ"),
                required=False,
                widget=forms.TextInput(attrs={"placeholder": _("Căn cứ, số đo")}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Every file, not only the last one the field keeps: refused before the survey is recorded.
        for error in _evidence_errors(self.files.getlist("files")):
            self.add_error("files", error)
        return data

    def answers(
        self,
    ) -> tuple[dict[str, bool | None], dict[str, int | None], dict[str, str], dict[str, float]]:
        d = self.cleaned_data
        gates, scores, evidence, fallback = {}, {}, {}, {}
        for c in self.criteria:
            if c.is_gate:
                v = d.get(f"gate_{c.code}")
                gates[c.code] = None if not v else v == "yes"
            elif c.auto:
                if d.get(f"fallback_{c.code}") is not None:
                    fallback[c.code] = d[f"fallback_{c.code}"]
            else:
                v = d.get(f"score_{c.code}")
                scores[c.code] = int(v) if v not in (None, "") else None
            if d.get(f"evidence_{c.code}"):
                evidence[c.code] = d[f"evidence_{c.code}"]
        return gates, scores, evidence, fallback


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Tệp (JPEG, PNG, PDF ≤ 10 MB)"))
    caption = forms.CharField(label=_("Chú thích"), required=False, max_length=200)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        errors = _evidence_errors([upload])
        if errors:
            raise forms.ValidationError(errors)
        return upload


class StatusForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Chuyển sang"),
        choices=[
            (SafePointStatus.SUSPENDED, SafePointStatus.SUSPENDED.label),
            (SafePointStatus.RETIRED, SafePointStatus.RETIRED.label),
        ],
    )
    reason = forms.CharField(label=_("Lý do"), max_length=255)


class CriteriaPublishForm(forms.Form):
    definition = forms.CharField(
        label=_("Bộ tiêu chí (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "mono"}),
    )

    def clean_definition(self) -> dict[str, Any]:
        try:
            data = json.loads(self.cleaned_data["definition"])
        except ValueError as exc:
            raise forms.ValidationError(_("JSON không hợp lệ: %(e)s") % {"e": exc}) from exc
        if not isinstance(data, dict):
            raise forms.ValidationError(_("Cần một đối tượng JSON."))
        return data


class BasicSurveyForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố (2025)"),
        required=False,
        queryset=Province.objects.filter(is_current=True).defer("geometry", "geometry_simplified"),
    )
    legacy_province = forms.ModelChoiceField(
        label=_("hoặc tỉnh cũ (trước 1/7/2025, để lưu lịch sử)"),
        required=False,
        queryset=LegacyProvince.objects.all(),
    )
    effective_from = forms.DateField(label=_("Hiệu lực từ"), widget=DateInput())
    title = forms.CharField(label=_("Tên"), required=False, max_length=200)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"] = _agency_field(user)
        self.fields["secrecy"] = _secrecy_field(user)
