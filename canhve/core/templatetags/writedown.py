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


@register.filter
def visible_or_placeholder(obj: Any, user: Any) -> str:
    return writedown.name_or_placeholder(user, obj)


@register.filter
def visible_for(obj: Any, user: Any) -> Any:
    return writedown.visible_related(user, obj)


@register.filter
def visible_only(objs: Any, user: Any) -> list[Any]:
    return writedown.visible_only(user, objs)


@register.simple_tag
def placeholder() -> str:
    return str(writedown.PLACEHOLDER)
