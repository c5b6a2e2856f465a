"""The hiker's question, parsed and checked: the trip form and the API share it.

The form reads a GET query string (every plan is a shareable URL), turns it into a
`TripQuery` in metres, and puts each problem next to its field in words a hiker can
act on. Nothing here touches the solver. The API's forms (`api_forms.py`) are this
form under the API's names; `page_params` and `change_form` give a plan page's
question back as links and as the form it shows.
"""

from __future__ import annotations

import math

from django import forms

from planner.budgets import default_budget
from planner.place_lookup import resolve
from planner.trip import TripQuery
from planner.units import UNIT_METRES, UNIT_NAMES, WALK_KMH, length_in
from trails.models import Trail, Trailhead, WalkingRoute

DEFAULT_ALTERNATIVES = 3
# Limits in miles; shown converted when the hiker picks kilometres.
MAX_DRIVE_MI = 500
MIN_HIKE_MI = 0.5
MAX_DAYS = 14
MAX_HIKE_MI = 250
# A day's walk LoopGenie plans, stated on the form's messages: a multi-day trip's
# days are at least 5 km (less is not a day's walk to plan around a night out),
# and no day is more than 10 hours' walking by Naismith's rule (5 km/h on the
# flat, before any climb), 50 km.
MIN_STAGE_M = 5_000.0
MAX_DAY_HOURS = 10.0
MAX_DAY_M = MAX_DAY_HOURS * WALK_KMH * 1000
TOLERANCES = [("2", "±2%"), ("5", "±5%"), ("10", "±10%"), ("20", "±20%")]
DIFFICULTIES = [
    ("", "Any"),
    ("1", "T1 hiking"),
    ("2", "T2 mountain hiking"),
    ("3", "T3 demanding mountain hiking"),
    ("4", "T4 alpine hiking"),
    ("5", "T5 demanding alpine hiking"),
    ("6", "T6 difficult alpine hiking"),
]


class FiniteFloatField(forms.FloatField):
    """A float field that says plainly when a number is missing or not a number."""

    default_error_messages = {"invalid": "Enter a number, like 12 or 12.5."}

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not math.isfinite(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


def _or_default(bound_data):
    def shown(data, initial):
        return initial if data is None else bound_data(data, initial)

    return shown


class TripForm(forms.Form):
    start = forms.CharField(
        label="Start from",
        required=False,
        max_length=200,
        help_text='A town ("Andorra la Vella"), or coordinates ("42.51, 1.52").',
        widget=forms.TextInput(attrs={"placeholder": "Town or lat, lon"}),
    )
    lat = FiniteFloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    lon = FiniteFloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    # The start text the coordinates above belong to: a plan page's form carries
    # both, and a hiker who types another start over it (without JavaScript,
    # which clears the coordinates) means the new one.
    start_for = forms.CharField(required=False, widget=forms.HiddenInput)
    drive = FiniteFloatField(
        label="Drive at most",
        initial=30,
        required=False,  # not when the hiker picked a trailhead (see clean)
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    hike = FiniteFloatField(
        label="Hike about", initial=10, widget=forms.NumberInput(attrs={"step": "any"})
    )
    units = forms.ChoiceField(
        label="Units",
        choices=[("mi", "miles and feet"), ("km", "kilometres and metres")],
        required=False,
        initial="mi",
    )
    days = forms.IntegerField(
        label="Days",
        min_value=1,
        max_value=MAX_DAYS,
        initial=1,
        required=False,
        help_text="Leave empty to take as many as the longest day allows.",
    )
    max_day = FiniteFloatField(
        label="Longest day",
        required=False,
        help_text="At most this far a day (optional).",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    shelters = forms.ChoiceField(
        label="Sleep in shelters",
        choices=[("yes", "fine"), ("no", "huts and campsites only")],
        initial="yes",
        required=False,
        error_messages={"invalid_choice": "Say yes or no."},
    )
    tolerance = forms.ChoiceField(
        label="Length tolerance", choices=TOLERANCES, initial="10", required=False
    )
    stems = forms.ChoiceField(
        label="Out-and-back stems",
        choices=[("yes", "fine if needed"), ("no", "loops only")],
        initial="yes",
        required=False,
    )
    difficulty = forms.ChoiceField(
        label="Hardest trail", choices=DIFFICULTIES, required=False
    )

    # What the hiker found (a trail or route page's buttons): every loop starts
    # at this trailhead, or walks some of this trail or waymarked route.
    trailhead = forms.ModelChoiceField(
        queryset=Trailhead.objects.attached(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "No trailhead with this id is on the map."},
    )
    trail = forms.ModelChoiceField(
        queryset=Trail.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "No trail with this id."},
    )
    route = forms.ModelChoiceField(
        queryset=WalkingRoute.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "No waymarked route with this id."},
    )

    # An API knob, not shown on the page.
    alternatives = forms.IntegerField(min_value=1, max_value=5, required=False)

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Re-shown with an error, a field the question left out shows its
        # default, as on a fresh form (a link that gives only the start, drive
        # and hike would otherwise come back with a blank Days and ±2%). Only
        # what is shown: the question is parsed from what it says.
        for field in self.fields.values():
            field.bound_data = _or_default(field.bound_data)
        self.place_choices: list = []
        self.place_label = ""
        if data is not None and hasattr(data, "getlist"):
            self.repeated = [k for k in data if len(data.getlist(k)) > 1]
        else:
            self.repeated = []

    def clean(self):
        data = super().clean()
        for name in self.repeated:
            if name in self.fields:
                self.add_error(name, "Give this only once.")
        units = data.get("units") or "mi"
        data["units"] = units
        if (data.get("drive") or 0) < 0:
            self.add_error(
                "drive", "A drive cannot be negative: 0 means you start walking here."
            )
        elif data.get("drive") != 0:  # 0: trailheads within a walk of the start
            self._check_range(data, "drive", 0, MAX_DRIVE_MI, units, "Drive distance")
        self._check_range(data, "hike", MIN_HIKE_MI, MAX_HIKE_MI, units, "Hike length")
        self._check_range(
            data, "max_day", MIN_HIKE_MI, MAX_HIKE_MI, units, "The longest day"
        )
        self._days_from_longest(data, units)
        self._check_days(data, units)
        if data.get("trail") and data.get("route"):
            self.add_error("route", "Give a trail or a route to walk, not both.")
        self._resolve_start(data)
        if data.get("drive") is None and "drive" not in self.errors:
            # A drive is a radius around the start: needed unless the hiker
            # picked the trailhead, or gave no start for a trail or route.
            if not self._picked("trailhead") and (
                "start_lat" in data or not self._picked("trail", "route")
            ):
                self.add_error("drive", self.fields["drive"].error_messages["required"])
        return data

    def _days_from_longest(self, data, units) -> None:
        """The number of days: as given, or as few as the longest day allows;
        days given must fit the hike into days no longer than the longest."""
        hike, longest = data.get("hike"), data.get("max_day")
        if hike is None or longest is None or {"hike", "max_day"} & set(self.errors):
            return
        unit = UNIT_NAMES[units]
        fewest = math.ceil(hike / longest - 1e-9)
        if fewest > MAX_DAYS:
            self.add_error(
                "max_day",
                f"{_decimal(hike)} {unit} at no more than {_decimal(longest)} {unit} "
                f"a day take {fewest} days; LoopGenie plans up to {MAX_DAYS}.",
            )
        elif data.get("days") is None and "days" not in self.errors:
            data["days"] = fewest
        elif data.get("days") is not None and data["days"] < fewest:
            self.add_error(
                "days",
                f"{_decimal(hike)} {unit} at no more than {_decimal(longest)} {unit} "
                f"a day take at least {fewest} days: ask for {fewest} or more, "
                "or leave Days empty.",
            )

    def _check_days(self, data, units: str) -> None:
        """Days a hiker can walk: none shorter than a stage worth a night out,
        none longer than a day's walking; the message proposes the nearest trip
        that is."""
        hike, days = data.get("hike"), data.get("days") or 1
        if hike is None or "hike" in self.errors or "days" in self.errors:
            return
        per_unit = UNIT_METRES[units]
        metres = hike * per_unit
        unit = UNIT_NAMES[units]

        def shown(m: float) -> str:
            return f"{m / per_unit:.1f}".removesuffix(".0")

        day = metres / days
        if days > 1 and day < MIN_STAGE_M:
            fits = max(1, int(metres // MIN_STAGE_M))
            self.add_error(
                "days",
                f"{shown(metres)} {unit} over {days} days is {shown(day)} {unit} a "
                f"day; LoopGenie plans days of at least {shown(MIN_STAGE_M)} {unit} "
                f"(5 km). Try {shown(metres)} {unit} over {_days(fits)}, or "
                f"{shown(days * MIN_STAGE_M)} {unit} over {days} days.",
            )
        elif day > MAX_DAY_M:
            need = math.ceil(metres / MAX_DAY_M)
            longest = days * MAX_DAY_M
            offer = f"over {_days(need)}, or " if need <= MAX_DAYS else ""
            self.add_error(
                "hike",
                f"{shown(metres)} {unit} in {_days(days)} is {shown(day)} {unit} a "
                f"day, more than {MAX_DAY_HOURS:.0f} hours' walking by Naismith's "
                f"rule (5 km/h on the flat, before any climb): LoopGenie's longest "
                f"day is {shown(MAX_DAY_M)} {unit}. Try {shown(metres)} {unit} "
                f"{offer}{shown(longest)} {unit} in {_days(days)}.",
            )

    def _picked(self, *names: str) -> bool:
        """Whether the hiker asked for one of these, valid or not (a bad id is
        its own error, not also a missing start)."""
        return any(self.data.get(name) for name in names)

    def _check_range(self, data, name, low_mi, high_mi, units, what):
        value = data.get(name)
        if value is None:
            return
        miles = length_in(value * UNIT_METRES[units], "mi")
        unit = UNIT_NAMES[units]

        def shown(limit_mi: float) -> str:
            return f"{length_in(limit_mi * UNIT_METRES['mi'], units):.3g}"

        if miles <= 0:
            self.add_error(name, f"{what} must be more than 0 {unit}.")
        elif miles < low_mi:
            self.add_error(name, f"{what} must be at least {shown(low_mi)} {unit}.")
        elif miles > high_mi:
            self.add_error(name, f"{what} can be at most {shown(high_mi)} {unit}.")

    def _resolve_start(self, data):
        lat, lon = data.get("lat"), data.get("lon")
        if "lat" in self.errors or "lon" in self.errors:
            return
        if (lat is None) != (lon is None):
            self.add_error(
                "start", "Give both latitude and longitude, or a place name."
            )
            return
        said = (data.get("start") or "").strip()
        was = (data.get("start_for") or "").strip()
        if lat is not None and was and said and said != was:
            lat = lon = None  # a new start typed over the one the map had
        if lat is not None:
            data["start_lat"], data["start_lon"] = lat, lon
            self.place_label = data.get("start") or f"{lat:.5f}, {lon:.5f}"
            return
        text = (data.get("start") or "").strip()
        if not text and self._picked("trailhead", "trail", "route"):
            return  # loops start at the trailhead, or near the trail or route
        if not text:
            if "start" not in self.errors:
                self.add_error("start", "Say where you start: a town or coordinates.")
            return
        found = resolve(text)
        if found.found:
            data["start_lat"], data["start_lon"] = found.lat, found.lon
            self.place_label = found.label
        else:
            # Ambiguous names list their places; unknown ones list near-misses.
            self.place_choices = list(found.choices)
            self.add_error("start", found.message)

    def trip_query(self) -> TripQuery:
        """The validated question in metres; call only when the form is valid."""
        d = self.cleaned_data
        metres = UNIT_METRES[d["units"]]
        difficulty = d.get("difficulty")
        started = "start_lat" in d
        return TripQuery(
            lat=round(d["start_lat"], 6) if started else None,
            lon=round(d["start_lon"], 6) if started else None,
            label=self.place_label,
            drive_m=round((d.get("drive") or 0) * metres, 1),
            hike_m=round(d["hike"] * metres, 1),
            days=d.get("days") or 1,
            tolerance=int(d.get("tolerance") or 10) / 100,
            allow_stems=(d.get("stems") or "yes") == "yes",
            max_difficulty=int(difficulty) if difficulty else None,
            alternatives=d.get("alternatives") or DEFAULT_ALTERNATIVES,
            units=d["units"],
            budget_s=d.get("budget")
            or default_budget(
                d.get("days") or 1, bool(d.get("trail") or d.get("route"))
            ),
            trailhead_id=d["trailhead"].pk if d.get("trailhead") else None,
            trail_id=d["trail"].pk if d.get("trail") else None,
            route_id=d["route"].pk if d.get("route") else None,
            max_day_m=(
                round(d["max_day"] * metres, 1)
                if d.get("max_day") is not None
                else None
            ),
            shelters=(d.get("shelters") or "yes") == "yes",
        )


class DownloadForm(TripForm):
    """A plan's loop as a file: the page's question and which loop (from 1). A
    loop number that is not one (`loop=two`) is no loop of the plan: None."""

    loop = forms.CharField(required=False)

    def clean_loop(self) -> int | None:
        try:
            return int(self.data.get("loop", "1"))
        except ValueError:
            return None


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def page_params(form: TripForm) -> dict[str, str]:
    """The plan page's parameters for a valid form's question, one spelling each:
    for the links a page makes and the form it shows. The start is given by its
    coordinates, named by its label, so no link needs the place looked up again."""
    d, query = form.cleaned_data, form.trip_query()
    params = {}
    if query.lat is not None:
        params.update(
            lat=_decimal(query.lat), lon=_decimal(query.lon), start=query.label
        )
    if d.get("drive") is not None:
        params["drive"] = _decimal(d["drive"])
    for name in ("trailhead", "trail", "route"):
        if getattr(query, f"{name}_id") is not None:
            params[name] = str(getattr(query, f"{name}_id"))
    params |= {
        "hike": _decimal(d["hike"]),
        "units": query.units,
        "days": str(query.days),
        "tolerance": f"{query.tolerance * 100:.0f}",
        "stems": "yes" if query.allow_stems else "no",
        "difficulty": str(query.max_difficulty or ""),
    }
    if d.get("max_day") is not None:
        params["max_day"] = _decimal(d["max_day"])
    if not query.shelters:
        params["shelters"] = "no"
    if query.alternatives != DEFAULT_ALTERNATIVES:
        params["alternatives"] = str(query.alternatives)
    return params


def _decimal(number: float) -> str:
    """12.0 -> "12", 12.50 -> "12.5": how a hiker would write it."""
    return f"{number:.12g}"


def change_form(params: dict[str, str]) -> TripForm:
    """The form a plan page shows to change the trip, filled with its question;
    its coordinates name the start text they belong to (`start_for`)."""
    if "lat" in params:
        params = {**params, "start_for": params.get("start", "")}
    return TripForm(initial=params)


def prefilled(data) -> TripForm:
    """The home page's form with what a link fills in (a search result's
    ?start=&lat=&lon=, or ?trailhead=): shown, not yet asked."""
    return change_form({k: v for k, v in data.items() if k in TripForm.base_fields})


class WalkPageForm(forms.Form):
    """A trail's or a route's page: the units its buttons ask for a loop in."""

    units = forms.ChoiceField(choices=TripForm.base_fields["units"].choices)

    def units_or_miles(self) -> str:
        return self.cleaned_data["units"] if self.is_valid() else "mi"
