"""The dashboards' table cells built in Python (dashboards/tables.py), for the templates."""

from django import template

from dashboards import tables

register = template.Library()


@register.filter
def section_strip(cells):
    """``{{ row.sections|section_strip }}``: the LAO's sections as a strip of boxes."""
    return tables.section_strip(cells)
