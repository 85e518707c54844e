import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditAction, AuditEntry


class AuditFilterSet(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("Hành động"))
    object_type = django_filters.CharFilter(lookup_expr="icontains", label=_("Loại bản ghi"))
    object_id = django_filters.CharFilter(label=_("Mã bản ghi"))
    actor_name = django_filters.CharFilter(lookup_expr="icontains", label=_("Người thực hiện"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("Từ ngày"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("Đến ngày"))

    class Meta:
        model = AuditEntry
        fields = ["action", "object_type", "object_id", "actor_name"]
