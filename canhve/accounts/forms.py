from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_TOKEN_DAYS, TokenScope


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Tên gợi nhớ"), max_length=80)
    scope = forms.ChoiceField(label=_("Phạm vi"), choices=TokenScope.choices, initial=TokenScope.READ)
    days = forms.IntegerField(
        label=_("Số ngày hiệu lực"), min_value=1, max_value=MAX_TOKEN_DAYS, initial=MAX_TOKEN_DAYS
    )
