from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canhve.agencies.models import Agency
from canhve.core.locking import VersionedFormMixin
from canhve.core.secrecy import Secrecy

from .models import Document, DocumentStatus, DocumentType, SigningAuthority, Template, Urgency

MARKUP_HELP = _(
    "Mỗi dòng một đoạn. “# ” đề mục cấp I, “## ” cấp 1., “### ” cấp a), “- ” gạch đầu dòng, "
    "“| a | b |” hàng bảng (hàng đầu là tiêu đề), [[image:map]] hình ảnh kèm theo."
)


class MetaForm(forms.Form):
    """The Decree 30 fields every document has: issuing agency, type, summary, stamps, signer, recipients."""

    owner_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Cơ quan ban hành"))
    doc_type = forms.ModelChoiceField(queryset=DocumentType.objects.all(), label=_("Loại văn bản"))
    summary = forms.CharField(
        label=_("Trích yếu"),
        max_length=300,
        required=False,
        help_text=_("Để trống để dùng trích yếu do mẫu tạo ra."),
    )
    secrecy = forms.TypedChoiceField(label=_("Độ mật"), coerce=int)
    urgency = forms.TypedChoiceField(label=_("Độ khẩn"), coerce=int, choices=Urgency.choices, initial=0)
    place = forms.CharField(label=_("Địa danh"), max_length=60, initial="Hà Nội")
    signing_authority = forms.ChoiceField(
        label=_("Thẩm quyền ký"), choices=SigningAuthority.choices, required=False
    )
    authority_of = forms.CharField(
        label=_("Ký thay cho"),
        max_length=120,
        required=False,
        help_text=_("Ví dụ: TƯ LỆNH (khi ký KT., TM., TL., TUQ., Q.)"),
    )
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=120)
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=120)
    recipients = forms.CharField(
        label=_("Nơi nhận"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Mỗi dòng một nơi nhận; dòng “Lưu” ghi ở ô dưới."),
    )
    archive_line = forms.CharField(label=_("Lưu"), max_length=120, initial="Lưu: VT.")
    shared_with = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.all(),
        required=False,
        label=_("Chia sẻ với đơn vị"),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = Agency.objects.filter(pk__in=user.governed_agency_ids())
        self.fields["secrecy"].choices = [(v, label) for v, label in Secrecy.choices if v <= user.clearance]
        if user.primary_agency is not None:
            self.fields["owner_agency"].initial = user.primary_agency.pk
        self.fields["signer_name"].initial = ""


class GenericForm(MetaForm):
    body = forms.CharField(
        label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 16}), help_text=MARKUP_HELP
    )


class PlanForm(MetaForm):
    protectee = forms.CharField(
        label=_("Đối tượng, nhiệm vụ"), max_length=200, help_text=_("Ví dụ: đoàn khách quốc tế thăm Việt Nam")
    )
    objectives = forms.CharField(label=_("Mục đích, yêu cầu"), widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(
        label=_("Lịch trình, tuyến, nhiệm vụ, phương án xử lý"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=MARKUP_HELP,
    )
    with_map = forms.BooleanField(label=_("Kèm sơ đồ tuyến"), required=False, initial=True)


class AfterActionForm(MetaForm):
    operation = forms.CharField(label=_("Nhiệm vụ"), max_length=200)
    period = forms.CharField(label=_("Thời gian"), max_length=80)
    objectives = forms.CharField(label=_("Kết quả các mục tiêu"), widget=forms.Textarea(attrs={"rows": 3}))
    strengths = forms.CharField(label=_("Ưu điểm"), widget=forms.Textarea(attrs={"rows": 3}))
    improvements = forms.CharField(label=_("Tồn tại, hạn chế"), widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.CharField(
        label=_("Biện pháp khắc phục"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng: nội dung | đơn vị thực hiện | thời hạn"),
        required=False,
    )


class AnnualForm(MetaForm):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    achievements = forms.CharField(
        label=_("Đánh giá chung"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    directions = forms.CharField(
        label=_("Phương hướng năm sau"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class RegulationForm(MetaForm):
    parties = forms.CharField(label=_("Các bên"), max_length=200)
    chapters = forms.CharField(
        label=_("Chương, điều"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "“Chương. Tên chương” mở chương; “Điều. Tên điều” mở điều (tự đánh số liên tục); "
            "các dòng khác là nội dung của điều."
        ),
    )


class CommendationForm(MetaForm):
    form = forms.CharField(label=_("Hình thức khen thưởng"), max_length=120, initial="Giấy khen")
    legal_bases = forms.CharField(
        label=_("Căn cứ"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
    )
    reason = forms.CharField(label=_("Xét đề nghị của"), max_length=200)
    awardees = forms.CharField(
        label=_("Tập thể, cá nhân"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng: tên | thành tích"),
    )


TEMPLATE_FORMS: dict[str, tuple[type[MetaForm], str]] = {
    Template.GENERIC: (GenericForm, "CV"),
    Template.PLAN: (PlanForm, "KH"),
    Template.AFTER_ACTION: (AfterActionForm, "BC"),
    Template.ANNUAL: (AnnualForm, "BC"),
    Template.REGULATION: (RegulationForm, "QC"),
    Template.COMMENDATION: (CommendationForm, "QĐ"),
}


class EditForm(VersionedFormMixin, forms.ModelForm):
    body = forms.CharField(
        label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 18}), help_text=MARKUP_HELP, required=False
    )

    class Meta:
        model = Document
        fields = [
            "doc_type",
            "summary",
            "secrecy",
            "urgency",
            "place",
            "parent_agency_name",
            "signing_authority",
            "authority_of",
            "signer_title",
            "signer_name",
            "recipients",
            "archive_line",
        ]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["secrecy"] = forms.TypedChoiceField(
            label=_("Độ mật"),
            coerce=int,
            choices=[(v, lbl) for v, lbl in Secrecy.choices if v <= user.clearance],
        )


class DocumentFilter(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *list(DocumentStatus.choices)]
    )
    doc_type = forms.ModelChoiceField(label=_("Loại"), queryset=DocumentType.objects.all(), required=False)


PDF_MAX_BYTES = 20 * 1024 * 1024


def check_pdf(upload: Any) -> Any:
    """A PDF by its content (header and end marker), before the check is run and audited (ADR 0106)."""
    from canhve.core.uploads import file_type

    file_type(upload, {"application/pdf"}, max_bytes=PDF_MAX_BYTES)
    return upload


class VerifyForm(forms.Form):
    pdf = forms.FileField(label=_("Tệp PDF"))

    def clean_pdf(self) -> Any:
        return check_pdf(self.cleaned_data["pdf"])


class CredentialUploadForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.all(), label=_("Đơn vị"))
    kind = forms.ChoiceField(
        label=_("Loại"), choices=[("signer", _("Chữ ký số cá nhân")), ("seal", _("Chữ ký số cơ quan"))]
    )
    user = forms.ModelChoiceField(queryset=None, label=_("Người ký"), required=False)
    pkcs12 = forms.FileField(label=_("Tệp PKCS#12 (.p12, .pfx)"))
    passphrase = forms.CharField(label=_("Mật khẩu tệp"), widget=forms.PasswordInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        from canhve.accounts.models import User

        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("username")
