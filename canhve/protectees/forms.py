from django import forms
from django.utils.translation import gettext_lazy as _

from canhve.core.widgets import DateInput

from .models import Measure


class AmendForm(forms.Form):
    measure = forms.ModelChoiceField(queryset=Measure.objects.all(), label=_("Biện pháp"))
    action = forms.ChoiceField(
        label=_("Thao tác"), choices=[("add", _("Áp dụng từ ngày")), ("end", _("Thôi áp dụng từ ngày"))]
    )
    effective = forms.DateField(label=_("Ngày hiệu lực"), widget=DateInput())
    legal_basis = forms.CharField(label=_("Căn cứ"), max_length=200)
