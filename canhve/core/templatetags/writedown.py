"""Template side of the no-write-down rule: show a related record only to a reader who may see it.

{% load writedown %}
{{ post.operation|visible_or_placeholder:request.user }}
{% with op=post.operation|visible_for:request.user %}{% if op %}{{ op.code }}{% endif %}{% endwith %}
{% for p in req.provided.all|visible_only:request.user %}…{% endfor %}
"""

from __future__ import annotations

from typing import Any

from django import template

from canhve.core import writedown

register = template.Library()


def _visible(user: Any, obj: Any) -> Any:
    """`obj` if `user` sees it, else None; one query per model per request (the pks `user` sees of that
    model are kept on the request's user object), so a list page's query count does not grow per row."""
    if obj is None or not isinstance(obj, writedown.Secured):
        return obj
    mark = obj.__dict__.get(writedown.VISIBILITY_MARK)  # set by writedown.mark_visibility
    if mark is not None and mark[0] == getattr(user, "pk", None):
        return obj if mark[1] else None
    cache = getattr(user, "_writedown_visible", None)
    if cache is None:
        cache = {}
        try:
            user._writedown_visible = cache
        except AttributeError:  # pragma: no cover - an object that takes no attributes
            return writedown.visible_related(user, obj)
    model = type(obj)
    if model not in cache:
        cache[model] = set(model.objects.visible_to(user).values_list("pk", flat=True))
    return obj if obj.pk in cache[model] else None


@register.filter
def visible_or_placeholder(obj: Any, user: Any) -> str:
    if obj is None:
        return ""
    return str(obj) if _visible(user, obj) is not None else str(writedown.PLACEHOLDER)


@register.filter
def visible_for(obj: Any, user: Any) -> Any:
    return _visible(user, obj)


@register.filter
def visible_only(objs: Any, user: Any) -> list[Any]:
    return writedown.visible_only(user, objs)


@register.simple_tag
def placeholder() -> str:
    return str(writedown.PLACEHOLDER)
