"""Browser date pickers read and write ISO values only, whatever the page's language.

Django renders a date by the active locale (02/12/2026 in Vietnamese); `<input type="date">` then shows
an empty field and the user's choice is lost on the next save, so every picker pins the ISO format.
"""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
