"""The rules of staff edits, each with a precise message: no closing a segment
without a reason, climb in a sane range, no overriding a flag that is not there."""

from __future__ import annotations

from django import forms

from trails.models import Segment, Trail


class SegmentForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["is_open", "closed_reason", "ascent_m", "descent_m"]

    def clean_closed_reason(self) -> str:
        reason = self.cleaned_data["closed_reason"].strip()
        if not self.cleaned_data.get("is_open", True) and not reason:
            raise forms.ValidationError(
                "Say why the segment is closed (for example: washed out, winter only); "
                "hikers see this reason."
            )
        return reason

    def clean_ascent_m(self):
        return _not_negative(self.cleaned_data["ascent_m"], "Ascent")

    def clean_descent_m(self):
        return _not_negative(self.cleaned_data["descent_m"], "Descent")


def _not_negative(value: float | None, what: str) -> float | None:
    if value is not None and not 0 <= value <= 10_000:
        raise forms.ValidationError(f"{what} is metres of climb: between 0 and 10,000.")
    return value


class TrailForm(forms.ModelForm):
    class Meta:
        model = Trail
        fields = ["name", "kind", "difficulty", "flag_override"]

    def clean_flag_override(self) -> bool:
        override = self.cleaned_data["flag_override"]
        if override and not self.instance.flag and "flag_override" in self.changed_data:
            raise forms.ValidationError(
                "The data does not flag this trail, so planning already uses it: "
                "there is nothing to override."
            )
        return override
