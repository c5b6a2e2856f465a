"""The search question, from the page's box or /api/search: parsed and checked
here, so the views never read `request.GET` themselves."""

from __future__ import annotations

from django import forms

from planner import searchtext
from planner.search import KINDS, SearchQuery

MAX_TEXT_CHARS = 200
DEFAULT_LIMIT, MAX_LIMIT = 10, 50
KIND_HINT = "Use route, trail, campsite, trailhead or place (or several, with commas)."


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        max_length=MAX_TEXT_CHARS,
        error_messages={"required": "Type a name to search for."},
    )
    lat = forms.FloatField(min_value=-90, max_value=90, required=False)
    lon = forms.FloatField(min_value=-180, max_value=180, required=False)
    kind = forms.CharField(required=False, max_length=100)
    limit = forms.IntegerField(min_value=1, max_value=MAX_LIMIT, required=False)

    def __init__(self, data=None, *args, strict: bool = False, **kwargs):
        """`strict` (the API): a parameter it does not know is an error, so a
        misspelt `limt=5` is not silently ignored."""
        super().__init__(data, *args, **kwargs)
        getlist = getattr(data, "getlist", None)
        self.repeated = [k for k in data or () if getlist and len(getlist(k)) > 1]
        self.unknown = [k for k in data or () if strict and k not in self.fields]

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        if not searchtext.read(text).words:
            raise forms.ValidationError("Type a name with letters or digits in it.")
        return text

    def clean_kind(self) -> tuple[str, ...]:
        asked = [k.strip() for k in self.cleaned_data["kind"].split(",") if k.strip()]
        if any(k not in KINDS for k in asked):
            raise forms.ValidationError(KIND_HINT)
        return tuple(k for k in KINDS if k in asked) or KINDS

    def clean(self):
        data = super().clean()
        for name in self.repeated:
            if name in self.fields:
                self.add_error(name, "Give this only once.")
        if self.unknown:
            self.add_error(None, "Unknown parameters.")
        if (data.get("lat") is None) != (data.get("lon") is None):
            missing = "lon" if data.get("lon") is None else "lat"
            if missing not in self.errors:
                self.add_error(missing, "Give lat and lon together.")
        return data

    def search_query(self, limit: int | None = None) -> SearchQuery:
        d = self.cleaned_data
        return SearchQuery(
            text=searchtext.read(d["q"]).text,
            lat=None if d["lat"] is None else round(d["lat"], 5),
            lon=None if d["lon"] is None else round(d["lon"], 5),
            kinds=d["kind"],
            limit=limit or d["limit"] or DEFAULT_LIMIT,
        )

    def api_errors(self) -> dict[str, list[str]]:
        errors = {name[:40]: ["Unknown parameter."] for name in self.unknown}
        for name, messages in self.errors.items():
            if name != "__all__":
                errors[name] = list(messages)
        return errors
