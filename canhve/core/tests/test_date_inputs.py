import datetime as dt
import importlib
import inspect

from django import forms
from django.apps import apps
from django.utils import translation

from canhve.core.widgets import DateInput, DateTimeInput


def project_form_classes():
    for config in apps.get_app_configs():
        if not config.name.startswith("canhve."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_date_field_uses_the_iso_picker():
    picker = {forms.DateField: DateInput, forms.DateTimeField: DateTimeInput}
    wrong = [
        f"{cls.__name__}.{name}"
        for cls in project_form_classes()
        for name, field in cls.base_fields.items()
        if type(field) in picker and not isinstance(field.widget, picker[type(field)])
    ]
    assert wrong == []


def test_a_date_renders_iso_in_vietnamese_so_the_browser_picker_shows_it():
    with translation.override("vi"):
        day = DateInput().render("d", dt.date(2026, 12, 2))
        moment = DateTimeInput().render("t", dt.datetime(2026, 12, 2, 7, 30))
    assert 'type="date"' in day and 'value="2026-12-02"' in day
    assert 'type="datetime-local"' in moment and 'value="2026-12-02T07:30"' in moment
