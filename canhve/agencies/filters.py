from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from canhve.geo.models import Province

from .models import Agency, AgencyKind


class AgencyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Tìm"))
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices, label=_("Loại"))

    class Meta:
        model = Agency
        fields = ["q", "kind", "province"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The choices show a name: never load the 34 boundary polygons for them (ADR 0108).
        self.filters["province"].queryset = Province.objects.defer("geometry", "geometry_simplified")

    def search(self, queryset: QuerySet[Agency], name: str, value: str) -> QuerySet[Agency]:
        return queryset.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(short_name__icontains=value)
        )
