"""Dates and times: resolve what the text says against the publication date.

"On Monday" in a Tuesday article is yesterday; "on Tuesday" after "will visit" is next
week's. "Last month", "this year", "three years ago", "by the end of June", "in the
1990s" resolve to a month, year or decade (granularity says which). Nothing is resolved
without an anchor: a relative date in an article with no known publication date stays
unresolved rather than guessed. The modal verb "may" is never a month.

The article's event date is estimated from the first day-precise date in its lead
(the opening sentences say when the news happened), else the publication day.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any, ClassVar

from ..model import TimeExpression
from .base import Document, register

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTH_RE = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?"
_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b", re.I)
_RELATIVE_DAY = re.compile(r"\b(yesterday|today|tonight|tomorrow)\b", re.I)
_RELATIVE_PERIOD = re.compile(r"\b(last|this|next|past|coming)\s+(week|month|year)\b", re.I)
_AGO = re.compile(
    r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+"
    r"(day|week|month|year)s?\s+ago\b",
    re.I,
)
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})(?:,?\s+(\d{{4}}))?\b", re.I
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I
)
_MONTH_YEAR = re.compile(rf"\b({_MONTH_RE})(?:\s+(?:of\s+)?(\d{{4}}))?\b", re.I)
_END_OF_MONTH = re.compile(rf"\bend\s+of\s+({_MONTH_RE})(?:\s+(\d{{4}}))?\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DECADE = re.compile(r"\b(1[5-9]\d0|20\d0)s\b")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}
_FUTURE_AUX = {"will", "shall", "'ll", "wo"}
_FUTURE_VERBS = {"plan", "schedule", "expect", "due", "set", "intend", "aim", "hope"}


def anchor_of(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _shift_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + (day.month - 1) + months
    return index // 12, index % 12 + 1


def resolve(
    text: str, anchor: date | None, future: bool = False
) -> tuple[str | None, str | None, bool]:
    """(ISO value, granularity, relative) for a date expression; value None if unknown."""
    low = text.lower()
    match = _ISO.search(low)
    if match:
        try:
            return date(*map(int, match.groups())).isoformat(), "day", False
        except ValueError:
            return None, None, False
    match = _END_OF_MONTH.search(low)
    if match:
        month = MONTHS[match.group(1).rstrip(".")]
        year = int(match.group(2)) if match.group(2) else (anchor.year if anchor else None)
        if year is None:
            return None, "day", True
        last = calendar.monthrange(year, month)[1]
        return date(year, month, last).isoformat(), "day", match.group(2) is None
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        match = pattern.search(low)
        if match:
            a, b, year_text = match.groups()
            day_text, month_text = (a, b) if order == "dmy" else (b, a)
            month = MONTHS[month_text.rstrip(".")]
            if month_text.rstrip(".") == "may" and not re.search(r"\bMay\b", text):
                break  # lowercase "may": the modal verb
            year = int(year_text) if year_text else (anchor.year if anchor else None)
            if year is None:
                return None, "day", True
            try:
                return date(year, month, int(day_text)).isoformat(), "day", year_text is None
            except ValueError:
                return None, None, False
    match = _RELATIVE_DAY.search(low)
    if match:
        if anchor is None:
            return None, "day", True
        offset = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[match.group(1)]
        return (anchor + timedelta(days=offset)).isoformat(), "day", True
    match = _WEEKDAY.search(low)
    if match:
        if anchor is None:
            return None, "day", True
        target = WEEKDAYS[match.group(1)]
        if future or re.search(r"\bnext\s+" + match.group(1), low):
            delta = (target - anchor.weekday()) % 7 or 7
        elif re.search(r"\blast\s+" + match.group(1), low):
            delta = -((anchor.weekday() - target) % 7 or 7)
        else:
            delta = -((anchor.weekday() - target) % 7)
        return (anchor + timedelta(days=delta)).isoformat(), "day", True
    match = _AGO.search(low)
    if match:
        if anchor is None:
            return None, None, True
        n = int(match.group(1)) if match.group(1).isdigit() else _NUMBERS[match.group(1)]
        unit = match.group(2)
        if unit == "day":
            return (anchor - timedelta(days=n)).isoformat(), "day", True
        if unit == "week":
            return _iso_week(anchor - timedelta(weeks=n)), "week", True
        if unit == "month":
            year, month = _shift_months(anchor, -n)
            return f"{year}-{month:02d}", "month", True
        return str(anchor.year - n), "year", True
    match = _RELATIVE_PERIOD.search(low)
    if match:
        if anchor is None:
            return None, match.group(2), True
        step = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[match.group(1)]
        unit = match.group(2)
        if unit == "week":
            return _iso_week(anchor + timedelta(weeks=step)), "week", True
        if unit == "month":
            year, month = _shift_months(anchor, step)
            return f"{year}-{month:02d}", "month", True
        return str(anchor.year + step), "year", True
    match = _DECADE.search(low)
    if match:
        return f"{match.group(1)}s", "decade", False
    match = _MONTH_YEAR.search(low)
    if match and (match.group(1).rstrip(".") != "may" or re.search(r"\bMay\b", text)):
        month = MONTHS[match.group(1).rstrip(".")]
        if match.group(2):
            return f"{int(match.group(2))}-{month:02d}", "month", False
        if anchor is None:
            return None, "month", True
        return f"{anchor.year}-{month:02d}", "month", True
    match = _YEAR.search(low)
    if match:
        return match.group(1), "year", False
    if re.search(r"\blater this year|earlier this year\b", low) and anchor:
        return str(anchor.year), "year", True
    return None, None, False


def _is_future(ent: Any) -> bool:
    """The date's clause is in the future ("will visit ... on Tuesday")."""
    token = ent.root
    for _ in range(6):
        if token.pos_ in ("VERB", "AUX"):
            break
        if token.head is token:
            break
        token = token.head
    for child in token.children:
        if child.dep_ in ("aux", "auxpass") and child.lower_ in _FUTURE_AUX:
            return True
    head = token.head
    if token.dep_ == "xcomp" and head.lemma_ in _FUTURE_VERBS:
        return True
    return any(
        c.lower_ in ("to",) and c.dep_ == "aux" for c in token.children
    ) and head.lemma_ in _FUTURE_VERBS | {"be"}


class Times:
    name: ClassVar[str] = "times"
    version: ClassVar[str] = "1"
    requires: ClassVar[tuple[str, ...]] = ("sentences",)
    assigns: ClassVar[tuple[str, ...]] = ("times", "event_date")

    def __init__(self, lead_sentences: int = 3) -> None:
        self.lead_sentences = lead_sentences

    def __call__(self, doc: Document) -> None:
        anchor = anchor_of(doc.article.published)
        lead_end = None
        if len(doc.ann.sentences) >= self.lead_sentences:
            lead_end = doc.ann.sentences[self.lead_sentences - 1].end
        event: str | None = None
        for paragraph in doc.paragraphs:
            taken: list[tuple[int, int]] = []
            for ent in paragraph.doc.ents:
                if ent.label_ not in ("DATE", "TIME"):
                    continue
                if any(t.tag_ == "MD" for t in ent):
                    continue  # "may" the modal verb, tagged as a date by the model
                value, granularity, relative = resolve(ent.text, anchor, _is_future(ent))
                if value is None and granularity is None:
                    continue  # "the time", "these days": not a point or period
                start, end = paragraph.span(ent.start_char, ent.end_char)
                doc.ann.times.append(
                    TimeExpression(start, end, ent.text, value, granularity, relative)
                )
                taken.append((start, end))
                if (
                    event is None
                    and value
                    and granularity == "day"
                    and (lead_end is None or start < lead_end)
                    and (anchor is None or value <= anchor.isoformat())
                ):
                    event = value
            self._supplement(doc, paragraph, anchor, taken)
        doc.ann.times.sort(key=lambda t: t.start)
        if event is None and anchor is not None:
            event = anchor.isoformat()
        doc.ann.event_date = event

    def _supplement(
        self, doc: Document, paragraph: Any, anchor: date | None, taken: list[tuple[int, int]]
    ) -> None:
        """Expressions the statistical model missed: "three years ago", "a 2023 report"."""
        sdoc = paragraph.doc
        text = sdoc.text
        found: list[tuple[int, int]] = []
        for pattern in (_AGO, _RELATIVE_PERIOD, _RELATIVE_DAY):
            found += [m.span() for m in pattern.finditer(text)]
        for token in sdoc:
            if (
                len(token.text) == 4
                and _YEAR.fullmatch(token.text)
                and token.ent_type_ not in ("MONEY", "PERCENT", "QUANTITY")
                and not (token.i + 1 < len(sdoc) and sdoc[token.i + 1].tag_ == "NNS")
            ):
                found.append((token.idx, token.idx + 4))
        for s_char, e_char in sorted(found):
            start, end = paragraph.span(s_char, e_char)
            if any(start < t_end and end > t_start for t_start, t_end in taken):
                continue
            value, granularity, relative = resolve(text[s_char:e_char], anchor)
            if value is None and granularity is None:
                continue
            taken.append((start, end))
            doc.ann.times.append(
                TimeExpression(start, end, text[s_char:e_char], value, granularity, relative)
            )


@register("times")
def _factory(settings: dict[str, Any]) -> Times:
    return Times(int(settings.get("lead_sentences", 3)))
