"""The page frame's pieces drawn once and placed twice (templates/base.html)."""

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def drawn_once(context, name: str) -> SafeString:
    """``{% drawn_once "_nav_links.html" %}``: the template drawn with the page's context the
    first time it is asked for, and the same HTML again the second time. The navigation and
    the account links stand in the bar and again in the phone menu; drawing them twice cost a
    tenth of a short page's time, and both places show the same links."""
    kept = context.render_context.get("drawn_once")
    if kept is None:
        kept = context.render_context["drawn_once"] = {}
    if name not in kept:
        kept[name] = SafeString(context.template.engine.get_template(name).render(context))
    return kept[name]
