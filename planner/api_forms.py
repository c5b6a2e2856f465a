"""The JSON API's questions: the trip form under the API's names and spellings.

`GET /api/plan` and `GET /api/trailheads` (docs/api.md) ask what the page asks,
so these are subclasses of `forms.TripForm` that rename the query string first:
lengths always in miles, a tolerance as a percent or a fraction, yes and no as
true/false/1/0, and every problem reported by the API's parameter names.
"""

from __future__ import annotations

from django.http import QueryDict

from planner.forms import FiniteFloatField, TripForm
from planner.solver import MAX_BUDGET_S


class ApiTripForm(TripForm):
    """The trip form with the API's search budget: "try harder", paid for out of
    the client's rate limit. The page and its downloads always search for the
    default budget, whatever their query string says."""

    budget = FiniteFloatField(required=False, min_value=0.05, max_value=MAX_BUDGET_S)


class ApiPlanForm(ApiTripForm):
    """The question of `GET /api/plan` (docs/api.md): the trip form under the
    API's parameter names, lengths always in miles (`units` picks only how the
    query is echoed), a tolerance as a percent or a fraction, yes and no as
    true/false/1/0. An unknown name is an error of its own (`unknown`)."""

    API_NAMES = {
        "lat": "lat",
        "lon": "lon",
        "place": "start",
        "drive_miles": "drive",
        "hike_miles": "hike",
        "days": "days",
        "max_day_miles": "max_day",
        "shelters": "shelters",
        "tolerance": "tolerance",
        "alternatives": "alternatives",
        "allow_stems": "stems",
        "max_difficulty": "difficulty",
        "units": "units",
        "budget": "budget",
        "trailhead": "trailhead",
        "trail": "trail",
        "route": "route",
    }
    FORM_NAMES = {form: api for api, form in API_NAMES.items()}
    NOT_USED: tuple[str, ...] = ()  # form fields this endpoint refuses

    def __init__(self, data=None, *args, **kwargs):
        self.unknown: dict[str, list[str]] = {}
        self.echo_units = "mi"
        if data is not None:
            data = self._renamed(data)
        super().__init__(data, *args, **kwargs)

    def _renamed(self, given):
        """The query string under the form's names and spellings."""
        data = QueryDict(mutable=True)
        for name in given:
            if name not in self.API_NAMES:
                self.unknown[name] = ["Unknown parameter."]
        for api_name, form_name in self.API_NAMES.items():
            values = given.getlist(api_name) if api_name in given else None
            if values is None:
                continue
            if form_name == "tolerance":
                values = [_percent(v) for v in values]
            elif form_name in ("stems", "shelters"):
                values = [_yes_no(v) for v in values]
            if form_name in self.NOT_USED:
                self.unknown.setdefault(api_name, []).append("Not used here.")
            data.setlist(form_name, values)
        units = given.getlist("units")
        if units and units[-1] not in ("mi", "km"):
            self.unknown["units"] = ["Use mi or km."]
        elif units:
            self.echo_units = units[-1]
        data.setlist("units", ["mi"])
        return data

    def is_valid(self) -> bool:
        return super().is_valid() and not self.unknown

    def api_errors(self) -> dict[str, list[str]]:
        """Every problem by the API's parameter names, for a 400."""
        errors = dict(self.unknown)
        for field, messages in self.errors.items():
            name = self.FORM_NAMES.get(field, field)
            if field == "start":
                name = "place" if self.data.get("start") else "lat"
            errors.setdefault(name, []).extend(messages)
            if field == "start" and self.place_choices:
                errors["place_choices"] = [
                    f"{c.label} ({c.lat:.5f}, {c.lon:.5f})" for c in self.place_choices
                ]
        return errors


class ApiTrailheadsForm(ApiPlanForm):
    """The question of `GET /api/trailheads`: a start and a drive (miles), and
    nothing of a plan."""

    NOT_USED = (
        "hike",
        "days",
        "max_day",
        "shelters",
        "tolerance",
        "alternatives",
        "stems",
        "difficulty",
        "trailhead",
        "trail",
        "route",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hike"].required = False

    def where(self) -> tuple[float, float, float]:
        """The start (rounded as a plan's is) and the drive in miles."""
        d = self.cleaned_data
        return round(d["start_lat"], 6), round(d["start_lon"], 6), d["drive"]


def _percent(value: str) -> str:
    """Tolerance as a fraction (0.1) or a percent (10) -> the form's percent."""
    try:
        number = float(value)
    except ValueError:
        return value
    return f"{number * 100:g}" if 0 < number < 1 else f"{number:g}"


def _yes_no(value: str) -> str:
    return {"true": "yes", "1": "yes", "yes": "yes", "false": "no", "0": "no"}.get(
        value.lower(), value
    )
