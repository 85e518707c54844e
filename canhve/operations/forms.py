from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from canhve.agencies.models import Agency
from canhve.core.choices import LeanModelChoiceField
from canhve.core.locking import VersionedFormMixin
from canhve.core.secrecy import Secrecy
from canhve.core.widgets import DateTimeInput
from canhve.geo.models import Province
from canhve.protectees.models import Protectee
from canhve.sites.models import Site

from .models import ContingencyKind, Operation, OperationKind, PlanVersion, StopKind, TaskStatus

DT = DateTimeInput()


class OperationForm(forms.Form):
    owner_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Đơn vị chủ quản"))
    name = forms.CharField(label=_("Tên nhiệm vụ"), max_length=255)
    kind = forms.ChoiceField(label=_("Loại"), choices=OperationKind.choices)
    protectee = forms.ModelChoiceField(
        queryset=Protectee.objects.filter(active=True), required=False, label=_("Đối tượng cảnh vệ")
    )
    starts_at = forms.DateTimeField(label=_("Bắt đầu"), widget=DT)
    ends_at = forms.DateTimeField(label=_("Kết thúc"), widget=DT)
    participating_agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.all(),
        required=False,
        label=_("Đơn vị tham gia"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    provinces = forms.ModelMultipleChoiceField(
        queryset=Province.objects.filter(is_current=True).defer("geometry", "geometry_simplified"),
        required=False,
        label=_("Tỉnh, thành phố"),
    )
    summary = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = Agency.objects.filter(pk__in=user.member_agency_ids())
        self.fields["secrecy"] = forms.TypedChoiceField(
            label=_("Độ mật"),
            coerce=int,
            choices=[(v, lab) for v, lab in Secrecy.choices if v <= user.clearance],
        )


class StopForm(forms.Form):
    # Every site the planner may see: thousands on a real registry, so names only (ADR 0108).
    site = LeanModelChoiceField(queryset=Site.objects.none(), label=_("Địa điểm"))
    kind = forms.ChoiceField(label=_("Loại"), choices=StopKind.choices)
    arrive_at = forms.DateTimeField(label=_("Đến lúc"), widget=DT, required=False)
    depart_at = forms.DateTimeField(label=_("Rời lúc"), widget=DT, required=False)
    activity = forms.CharField(label=_("Hoạt động"), max_length=255, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.visible_to(user)


class MovementForm(forms.Form):
    origin = forms.ModelChoiceField(queryset=None, label=_("Từ"))  # type: ignore[arg-type]
    destination = forms.ModelChoiceField(queryset=None, label=_("Đến"))  # type: ignore[arg-type]
    depart_at = forms.DateTimeField(label=_("Khởi hành"), widget=DT)

    def __init__(self, *args: Any, operation: Operation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        stops = operation.stops.select_related("site")
        self.fields["origin"].queryset = stops
        self.fields["destination"].queryset = stops


class ClosureForm(forms.Form):
    name = forms.CharField(label=_("Tên"), max_length=200)
    ring = forms.CharField(
        label=_("Vùng cấm (mỗi dòng: vĩ độ, kinh độ)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    streets = forms.CharField(
        label=_("Hoặc tên phố (mỗi dòng một phố)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def ring_points(self) -> list[list[str]]:
        return [
            line.replace(";", ",").split(",")
            for line in self.cleaned_data["ring"].splitlines()
            if line.strip()
        ]


class TaskStatusForm(VersionedFormMixin, forms.Form):
    status = forms.ChoiceField(choices=TaskStatus.choices)
    na_reason = forms.CharField(max_length=255, required=False)


class PlanForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = PlanVersion
        fields = ["objectives", "organisation", "posts", "communications", "medical", "notes"]
        widgets = {f: forms.Textarea(attrs={"rows": 4}) for f in fields}


class ContingencyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tình huống"), choices=ContingencyKind.choices)
    trigger = forms.CharField(label=_("Dấu hiệu"), max_length=255, required=False)
    response = forms.CharField(label=_("Xử lý"), widget=forms.Textarea(attrs={"rows": 3}))
    agency = forms.ModelChoiceField(queryset=Agency.objects.all(), label=_("Đơn vị chủ trì"))
