"""The dashboards' table cells built in Python (dashboards/tables.py), for the templates."""

from django import template

from dashboards import tables
from records.forms import lean_widget

register = template.Library()


@register.filter
def section_strip(cells):
    """``{{ row.sections|section_strip }}``: the LAO's sections as a strip of boxes."""
    return tables.section_strip(cells)


@register.filter
def widget(field):
    """``{{ field|widget }}``: a filter's input or select as ``{{ field }}`` draws it, built in
    Python (records.forms.lean_widget) rather than through a template per widget and option."""
    return lean_widget(field)


@register.filter
def days_cell(row):
    """``{{ row|days_cell }}``: an LAO row's days early, late or left."""
    return tables.days_cell(row)


@register.filter
def sections_complete(row):
    """``{{ row|sections_complete }}``: "3 of 5 sections complete", for screen readers."""
    return tables.sections_complete(row)
