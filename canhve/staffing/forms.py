from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from canhve.agencies.models import Agency
from canhve.core.choices import FastSelectMultiple, LeanModelChoiceField, LeanModelMultipleChoiceField
from canhve.core.secrecy import Secrecy
from canhve.core.widgets import DateInput, DateTimeInput

from .models import Absence, MobilisationRequest, Personnel, Post, Qualification, Roster, Skill

DATE = DateInput()
DATETIME = DateTimeInput()


# Long lists (a unit's personnel, every visible operation): only the columns the label shows (ADR 0108).
PERSON_LABEL: dict[str, Any] = {
    "label_fields": ("rank", "full_name"),
    "label_format": lambda rank, name: f"{rank} {name}".strip(),  # Personnel.__str__
}
OPERATION_LABEL: dict[str, Any] = {
    "label_fields": ("code", "name"),
    "label_format": lambda code, name: f"{code} — {name}",  # Operation.__str__
}


def _own_agencies(user: Any) -> Any:
    return Agency.objects.filter(pk__in=user.member_agency_ids())


def _secrecy_field(user: Any, label: Any = None) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label or _("Độ mật"),
        coerce=int,
        initial=Secrecy.MAT,
        choices=[(v, lbl) for v, lbl in Secrecy.choices if v <= user.clearance],
    )


def _operations_visible_to(user: Any) -> Any:
    from canhve.operations.models import Operation

    return Operation.objects.visible_to(user)


class PersonnelForm(forms.ModelForm):
    owner_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Đơn vị"))

    class Meta:
        model = Personnel
        fields = [
            "owner_agency",
            "full_name",
            "service_number",
            "rank",
            "position",
            "clearance",
            "weekly_hours",
            "avoids_night",
            "phone",
            "secrecy",
        ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = _own_agencies(user)
        self.fields["secrecy"] = _secrecy_field(user, _("Độ mật của hồ sơ"))


class QualificationForm(forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ["skill", "expires_on", "note"]
        widgets = {"expires_on": DATE}


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["kind", "start", "end", "note"]
        widgets = {"start": DATETIME, "end": DATETIME}


class PostForm(forms.ModelForm):
    owner_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Đơn vị"))
    operation = LeanModelChoiceField(
        queryset=Agency.objects.none(), label=_("Nhiệm vụ"), required=False, **OPERATION_LABEL
    )
    required_skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.all(),
        required=False,
        label=_("Chuyên môn bắt buộc"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    mix_agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(),
        required=False,
        label=_("Cơ cấu lực lượng: đơn vị"),
        help_text=_("Ví dụ: ít nhất 1 cán bộ Công an địa phương mỗi ca (quy chế phối hợp)."),
    )
    mix_count = forms.IntegerField(required=False, min_value=1, label=_("Cơ cấu lực lượng: tối thiểu mỗi ca"))

    class Meta:
        model = Post
        fields = [
            "owner_agency",
            "name",
            "zone",
            "operation",
            "standing_duty",
            "required_skills",
            "min_clearance",
            "head_count",
            "secrecy",
            "notes",
        ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = _own_agencies(user)
        self.fields["operation"].queryset = _operations_visible_to(user)
        self.fields["secrecy"] = _secrecy_field(user)

    def agency_mix(self) -> list[tuple[Agency, int]]:
        data = self.cleaned_data
        if data.get("mix_agency") and data.get("mix_count"):
            return [(data["mix_agency"], data["mix_count"])]
        return []


class RosterForm(forms.ModelForm):
    owner_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Đơn vị lập lịch"))
    operation = LeanModelChoiceField(
        queryset=Agency.objects.none(), label=_("Nhiệm vụ"), required=False, **OPERATION_LABEL
    )
    posts = forms.ModelMultipleChoiceField(
        queryset=Post.objects.none(), label=_("Vị trí trực"), widget=forms.SelectMultiple(attrs={"size": 8})
    )

    class Meta:
        model = Roster
        fields = [
            "owner_agency",
            "name",
            "operation",
            "start_date",
            "days",
            "pattern",
            "posts",
            "time_limit",
            "secrecy",
        ]
        widgets = {"start_date": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = _own_agencies(user)
        self.fields["operation"].queryset = _operations_visible_to(user)
        self.fields["posts"].queryset = Post.objects.visible_to(user).filter(is_active=True)
        self.fields["secrecy"] = _secrecy_field(user)


class MobilisationForm(forms.ModelForm):
    owner_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Đơn vị đề nghị"))
    operation = LeanModelChoiceField(
        queryset=Agency.objects.none(), label=_("Nhiệm vụ"), required=False, **OPERATION_LABEL
    )
    roster = forms.ModelChoiceField(queryset=Roster.objects.none(), label=_("Lịch ca trực"), required=False)

    class Meta:
        model = MobilisationRequest
        fields = [
            "owner_agency",
            "partner_agency",
            "title",
            "skill",
            "head_count",
            "start_date",
            "end_date",
            "operation",
            "roster",
            "secrecy",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = _own_agencies(user)
        self.fields["operation"].queryset = _operations_visible_to(user)
        self.fields["roster"].queryset = Roster.objects.visible_to(user).defer("result")
        self.fields["secrecy"] = _secrecy_field(user)


class RespondForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Trả lời"), choices=[("accept", _("Cử cán bộ")), ("decline", _("Từ chối"))], initial="accept"
    )
    personnel = LeanModelMultipleChoiceField(
        queryset=Personnel.objects.none(),
        required=False,
        label=_("Cán bộ được cử"),
        widget=FastSelectMultiple(attrs={"size": 8}),
        **PERSON_LABEL,
    )
    note = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, request: MobilisationRequest, **kwargs: Any):
        super().__init__(*args, **kwargs)
        partner_ids = Agency.subtree_ids([request.partner_agency_id])
        qs = Personnel.objects.visible_to(user).filter(owner_agency_id__in=partner_ids, is_active=True)
        if request.skill_id:
            qs = qs.filter(qualifications__skill_id=request.skill_id)
        self.fields["personnel"].queryset = qs.exclude(pk__in=request.provided.values("pk")).distinct()


class ManualAssignForm(forms.Form):
    shift = forms.IntegerField(widget=forms.HiddenInput)
    post = forms.IntegerField(widget=forms.HiddenInput)
    personnel = LeanModelChoiceField(queryset=Personnel.objects.none(), label=_("Cán bộ"), **PERSON_LABEL)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["personnel"].queryset = Personnel.objects.visible_to(user).filter(is_active=True)
