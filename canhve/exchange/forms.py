from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from canhve.agencies.models import Agency
from canhve.core.secrecy import Secrecy

from .models import InformationItem


class InformationItemForm(forms.ModelForm):
    owner_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Đơn vị gửi"))
    recipient_agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.all(),
        required=False,
        label=_("Gửi tới đơn vị"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = InformationItem
        fields = ["owner_agency", "title", "kind", "secrecy", "body"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        owner_field: Any = self.fields["owner_agency"]
        owner_field.queryset = Agency.objects.filter(pk__in=user.member_agency_ids())
        self.fields["secrecy"] = forms.TypedChoiceField(
            label=_("Độ mật"),
            coerce=int,
            choices=[(v, label) for v, label in Secrecy.choices if v <= user.clearance],
        )
