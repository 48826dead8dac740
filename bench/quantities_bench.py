"""Quantity extraction on NewsQuant, beside quantulum3 with a retrained classifier.

``python -m bench.quantities_bench [--limit N] [--no-baseline] [--json FILE]``
(or ``python -m bench quantities ...``; ``--errors dev`` lists Rashomon's misses on dev).

NewsQuant (Almasian et al., "CQE: A Comprehensive Quantity Extractor", EMNLP 2023) gives
news sentences with every quantity: value, unit (surface and normalised), change (``=``,
``~``, ``>``, ``<``, ``up``, ``down``) and the concepts it refers to. Only its even ids are
here (295 sentences), read from ``../shared/bench-data/newsquant/`` at run time and never
copied. There is no separate dev set, so the sentences are split by position in the file:
Rashomon was developed looking at the *odd* positions only (``dev``); the *even* positions
(``held-out``) were not looked at while writing the rules. Both halves and the whole set
are reported, for both systems, in the same run.

Rashomon runs :func:`rashomon.annotate.quantities.quantities_of` on each sentence parsed
by the project's spaCy pipeline (what the ``quantities`` component runs per paragraph).
quantulum3 (``quantulum3.parser.parse``) runs with its unit classifier retrained by its own
``train_classifier`` on the training data shipped in the package, with the installed
scikit-learn: the bundled ``clf.joblib`` does not load with current scikit-learn. The
retrained model is cached outside the repository (``$XDG_CACHE_HOME/rashomon-bench``).

Scoring (``cqe``) follows the evaluation script published with the CQE paper, re-implemented:
per sentence, gold and predicted quantities are sorted by normalised unit; each gold
quantity is compared with the predictions in turn; a prediction whose value equals the gold
value (``numpy.isclose`` with rtol 1e-5; a range matches a range with both ends equal)
counts for *value* (at most as many as there are gold quantities in the sentence), for
*value+change* when the change agrees and for *value+concept* when a concept word is shared
(gold concepts split at commas and spaces; ``-`` stands for none on both sides); when the
normalised units also agree it counts for *value+unit* and that prediction is used up.
Precision divides by all predictions, recall by all gold quantities. A stricter one-to-one
matching (``strict``: each prediction matches at most one gold quantity, pairs with equal
units first) is reported beside it. As in the published evaluation, quantulum3 is scored
on value and unit only, and gold ranges are averaged for it (it returns one value for a
range).

Rashomon's output is translated to NewsQuant's vocabulary, without looking at the gold:

* value: a range (two bounds with the same span) is the pair (low, high); a change read
  "from X to Y" (``from_to_pairs``) is the pair (X, Y) in that order, as NewsQuant writes
  it ("dropping from 208 pounds to 193" is 208-193);
* unit: Rashomon's canonical units map to quantulum's unit names, which NewsQuant uses
  (``km`` kilometre, ``USD`` dollar, ``%`` percentage, ``lb`` pound-mass; rates as
  ``dollar per share``); a plain count's unit is its counted noun phrase, lemmatised
  (NewsQuant's convention: "four different bosses" has unit "different boss"); ages are
  ``year of age``; no unit is ``-``;
* change: ``up``/``down`` from :func:`rashomon.annotate.quantities.change_direction` when the
  quantity is the size of a rise or fall, else the qualifier (``>=`` as ``>``, ``<=`` as
  ``<``; a range as ``=``);
* concepts: the words of ``counted`` for money, percentages and measures; none (``-``) for
  plain counts, whose counted noun is their unit in NewsQuant;
* ordinals are left out: NewsQuant does not annotate them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from .ingest_bench import git_info, machine

REPO = Path(__file__).resolve().parent.parent
NEWSQUANT = REPO.parent / "shared" / "bench-data" / "newsquant" / "newsquant_dev.jsonl"
#: Published figures on the full NewsQuant (both halves), P/R/F1 %, for reference.
PUBLISHED = {
    "CQE": {"value": 92.0, "value+unit": 85.6, "value+change": 88.1, "value+concept": 76.1},
    "quantulum3 (published)": {"value": 73.0, "value+unit": 47.2},
    "GPT-3": {"value": 70.6, "value+unit": 59.1, "value+change": 51.9, "value+concept": 54.8},
}
METRICS = ("value", "value+unit", "value+change", "value+concept")

# Rashomon's canonical units -> quantulum / NewsQuant unit names.
UNIT_NAMES = {
    "km": "kilometre", "m": "metre", "cm": "centimetre", "mm": "millimetre",
    "um": "micrometre", "nm": "nanometre", "mi": "mile", "nmi": "nautical mile",
    "ft": "foot", "in": "inch", "yd": "yard", "km2": "square kilometre",
    "m2": "square metre", "mi2": "square mile", "ft2": "square foot", "acre": "acre",
    "ha": "hectare", "m3": "cubic metre", "ft3": "cubic foot", "l": "litre",
    "ml": "millilitre", "gal": "gallon", "bbl": "barrel", "pt": "pint", "qt": "quart",
    "floz": "fluid ounce", "kg": "kilogram", "g": "gram", "mg": "milligram", "t": "tonne",
    "lb": "pound-mass", "oz": "ounce", "ct": "carat", "s": "second", "ms": "millisecond",
    "min": "minute", "hour": "hour", "day": "day", "week": "week", "month": "month",
    "year": "year", "decade": "decade", "century": "century", "mph": "mile per hour",
    "km/h": "kilometre per hour", "kn": "knot", "m/s": "metre per second", "W": "watt",
    "kW": "kilowatt", "MW": "megawatt", "GW": "gigawatt", "kWh": "kilowatt hour",
    "MWh": "megawatt hour", "GWh": "gigawatt hour", "TWh": "terawatt hour",
    "hp": "horsepower", "bhp": "brake horsepower", "Nm": "newton metre",
    "lb-ft": "pound-foot", "V": "volt", "kV": "kilovolt", "mAh": "milliampere-hour",
    "Hz": "hertz", "kHz": "kilohertz", "MHz": "megahertz", "GHz": "gigahertz",
    "°C": "celsius", "°F": "fahrenheit", "°": "degree", "KB": "kilobyte", "MB": "megabyte",
    "GB": "gigabyte", "TB": "terabyte", "Mbps": "megabit per second",
    "Gbps": "gigabit per second", "rpm": "revolutions per minute", "ppm": "part per million",
    "ppb": "parts-per-billion", "dB": "decibel", "GPa": "gigapascal", "MPa": "megapascal",
    "psi": "pound per square inch", "mpg": "mile per gallon",
    "MMBtu": "mega british thermal unit", "kcal": "kilocalorie", "%": "percentage",
    "pp": "percentage point", "bp": "basis point", "point": "point", "times": "count",
    "USD": "dollar", "EUR": "euro", "GBP": "pound sterling", "JPY": "japanese yen",
    "CNY": "chinese yuan", "INR": "indian rupee", "RUB": "russian ruble",
    "UAH": "ukrainian hryvnia", "CHF": "swiss franc", "AUD": "australian dollar",
    "CAD": "canadian dollar", "HKD": "hong kong dollar", "NZD": "new zealand dollar",
    "SGD": "singapore dollar", "MYR": "malaysian ringgit", "ILS": "shekel",
    "PLN": "polish zloty", "SEK": "swedish krona", "NOK": "norwegian krone",
    "DKK": "danish krone", "CZK": "czech koruna", "ISK": "icelandic krona",
    "KRW": "south korean won", "BRL": "brazilian real", "MXN": "mexican peso",
    "ZAR": "south african rand", "TRY": "turkish lira", "HRK": "croatian kuna",
    "HUF": "hungarian forint", "TWD": "new taiwan dollar", "BTC": "bitcoin",
    "crown": "krone", "cent": "cent", "pence": "penny", "sen": "sen",
    "share": "share", "person": "person", "head": "head",
}
#: quantulum3 unit names that differ from NewsQuant's.
QUANTULUM_NAMES = {"dimensionless": "-", "unk": "-", "per cent": "percentage",
                   "united states dollar": "dollar", "degree celsius": "celsius",
                   "degree fahrenheit": "fahrenheit", "degree angle": "degree"}


def load(limit: int | None = None) -> list[dict[str, Any]]:
    if not NEWSQUANT.is_file():
        raise FileNotFoundError(f"NewsQuant not found at {NEWSQUANT}")
    rows = [json.loads(line) for line in NEWSQUANT.read_text("utf-8").splitlines()
            if line.strip()]
    for position, row in enumerate(rows):
        row["position"] = position
        row["half"] = "dev" if position % 2 else "held-out"
    return rows[:limit] if limit else rows


# --- gold -----------------------------------------------------------------------------


def gold_value(raw: str, average: bool = False) -> float | tuple[float, float]:
    """NewsQuant's value string: a number, or a range "low-high" (as in the paper's script)."""
    text = str(raw).strip()
    body = text[1:] if text.startswith("-") else text
    if "E" not in text.upper() and "-" in body:
        lo, hi = (float(x) for x in body.split("-", 1))
        lo = -lo if text.startswith("-") else lo
        return (lo + hi) / 2 if average else (lo, hi)
    return float(text)


def gold(row: dict[str, Any], average: bool = False) -> list[dict[str, Any]]:
    return [{"value": gold_value(q["value"], average),
             "unit": q["normalized_unit"].lower().strip(),
             "change": q["change"].strip(),
             "concepts": [w for w in re.split(r"[,\s]+", q["referred_concepts"]) if w]}
            for q in row["quantities"]]


# --- Rashomon -------------------------------------------------------------------------

_CHANGE = {"=": "=", "~": "~", ">": ">", ">=": ">", "<": "<", "<=": "<"}


def _lemmas(doc: Any, start: int | None, end: int | None) -> str:
    if start is None or end is None:
        return "-"
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return "-"
    text = ""
    for t in span:
        if t.pos_ in ("DET", "ADP", "PRON", "CCONJ", "PART", "AUX") or \
                (t.is_punct and t.text != "-"):
            continue
        lemma = t.lemma_.lower() if t.pos_ in ("NOUN", "ADJ", "PROPN") else t.lower_
        if t.tag_ == "NNPS" and lemma == t.lower_ and lemma.endswith("s"):
            lemma = lemma[:-1]  # spaCy leaves "Americans" as it is
        text += lemma + (t.whitespace_ and " ")
    return re.sub(r"\s+", " ", text).strip() or "-"


def _unit_name(q: Any, doc: Any) -> str:
    if q.counted and q.counted.startswith("age") and q.unit in ("year", "month", "week", "day"):
        return f"{q.unit} of age"
    if q.kind == "fraction" and q.unit is None:
        # NewsQuant writes a share of a whole as "%" and what it is a share of.
        return "% " + _lemmas(doc, q.counted_start, q.counted_end)
    if q.kind in ("count", "fraction") and q.unit not in (None, "times"):
        name = _lemmas(doc, q.counted_start, q.counted_end)
        rate = q.unit.split("/", 1)[1] if "/" in q.unit else None
        return f"{name} per {UNIT_NAMES.get(rate, rate)}" if rate else name
    if q.unit is None:
        return "-"
    if "/" in q.unit and q.unit not in UNIT_NAMES:
        base, rate = q.unit.split("/", 1)
        return f"{UNIT_NAMES.get(base, base)} per {UNIT_NAMES.get(rate, rate)}"
    return UNIT_NAMES.get(q.unit, q.unit.lower())


def rashomon_predict(rows: list[dict[str, Any]], nlp: Any = None) -> tuple[list[list[dict]], float]:
    from rashomon.annotate import nlp as nlp_loader
    from rashomon.annotate.quantities import change_direction, from_to_pairs, quantities_of

    nlp = nlp or nlp_loader.load()
    docs = list(nlp.pipe([row["text"] for row in rows]))
    started = time.perf_counter()
    found = [quantities_of(doc) for doc in docs]
    seconds = time.perf_counter() - started
    out: list[list[dict[str, Any]]] = []
    for doc, quantities in zip(docs, found, strict=True):
        preds: list[dict[str, Any]] = []
        changes = dict(from_to_pairs(doc.text, quantities))
        i = 0
        while i < len(quantities):
            q = quantities[i]
            pair = quantities[i + 1] if i + 1 < len(quantities) else None
            i += 1
            if q.kind == "ordinal" or q.value is None:
                continue
            value: float | tuple[float, float] = q.value
            ranged = pair is not None and (pair.start, pair.end) == (q.start, q.end) and \
                q.qualifier == ">=" and pair.qualifier in ("<=", "<")
            if pair is not None and changes.get(i - 1) == i:
                ranged = True  # "from X to Y": NewsQuant writes the range X-Y, in that order
            if ranged:
                value = (q.value, pair.value)
                i += 1
            change = change_direction(doc, q.start, q.end) or \
                ("=" if ranged else _CHANGE[q.qualifier])
            concepts = ["-"] if q.kind == "count" or not q.counted else q.counted.split()
            preds.append({"value": value, "unit": _unit_name(q, doc), "change": change,
                          "concepts": concepts})
        out.append(preds)
    return out, seconds


# --- quantulum3 ----------------------------------------------------------------------


def quantulum_classifier() -> str:
    """Path of a quantulum3 classifier trained with the installed scikit-learn (cached)."""
    from importlib.metadata import version

    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "rashomon-bench"
    path = cache / f"quantulum3-{version('quantulum3')}-sklearn-{version('scikit-learn')}.joblib"
    if not path.is_file():
        from quantulum3.classifier import train_classifier

        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        train_classifier(store=True, output_path=str(tmp), n_jobs=1)
        tmp.replace(path)
    return str(path)


def quantulum_predict(rows: list[dict[str, Any]]) -> tuple[list[list[dict]], float]:
    import logging

    logging.getLogger("quantulum3").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser

        path = quantulum_classifier()
        out: list[list[dict[str, Any]]] = []
        started = time.perf_counter()
        for row in rows:
            preds = []
            for q in parser.parse(row["text"], classifier_path=path):
                name = q.unit.name.lower().strip()
                preds.append({"value": float(q.value), "unit": QUANTULUM_NAMES.get(name, name),
                              "change": "=", "concepts": ["-"]})
            out.append(preds)
        seconds = time.perf_counter() - started
    return out, seconds


# --- scoring --------------------------------------------------------------------------


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-8 + 1e-5 * abs(b)


def values_match(g: Any, p: Any) -> bool:
    if isinstance(g, tuple) or isinstance(p, tuple):
        return isinstance(g, tuple) and isinstance(p, tuple) and \
            _close(p[0], g[0]) and _close(p[1], g[1])
    return _close(p, g)


def _concept(g: dict[str, Any], p: dict[str, Any]) -> bool:
    return bool({w.lower() for w in g["concepts"]} & {w.lower() for w in p["concepts"]})


def _prf(tp: float, n_gold: int, n_pred: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": round(100 * p, 1), "R": round(100 * r, 1), "F1": round(100 * f, 1)}


def score_cqe(golds: list[list[dict]], preds: list[list[dict]]) -> dict[str, Any]:
    """The published scoring, re-implemented (see the module docstring)."""
    n_gold = n_pred = 0
    tp = dict.fromkeys(METRICS, 0)
    for gs, ps in zip(golds, preds, strict=True):
        n_gold += len(gs)
        n_pred += len(ps)
        tags = sorted(ps, key=lambda d: d["unit"])
        credit = len(gs)
        for g in sorted(gs, key=lambda d: d["unit"]):
            for p in list(tags):
                if not values_match(g["value"], p["value"]):
                    continue
                if credit > 0:
                    tp["value"] += 1
                    credit -= 1
                tp["value+change"] += p["change"] == g["change"]
                tp["value+concept"] += _concept(g, p)
                if p["unit"] == g["unit"]:
                    tp["value+unit"] += 1
                    tags.remove(p)
                    break
    return {m: _prf(tp[m], n_gold, n_pred) for m in METRICS} | {"gold": n_gold, "pred": n_pred}


def score_strict(golds: list[list[dict]], preds: list[list[dict]]) -> dict[str, Any]:
    """One-to-one: pairs with equal value and unit first, then equal value only."""
    n_gold = n_pred = 0
    tp = dict.fromkeys(METRICS, 0)
    for gs, ps in zip(golds, preds, strict=True):
        n_gold += len(gs)
        n_pred += len(ps)
        free_g, free_p = list(range(len(gs))), list(range(len(ps)))
        pairs = []
        for same_unit in (True, False):
            for gi in list(free_g):
                for pi in free_p:
                    g, p = gs[gi], ps[pi]
                    if values_match(g["value"], p["value"]) and \
                            (not same_unit or g["unit"] == p["unit"]):
                        pairs.append((g, p))
                        free_g.remove(gi)
                        free_p.remove(pi)
                        break
        for g, p in pairs:
            tp["value"] += 1
            tp["value+unit"] += g["unit"] == p["unit"]
            tp["value+change"] += g["change"] == p["change"]
            tp["value+concept"] += _concept(g, p)
    return {m: _prf(tp[m], n_gold, n_pred) for m in METRICS} | {"gold": n_gold, "pred": n_pred}


def errors(rows: list[dict[str, Any]], preds: list[list[dict]]) -> list[dict[str, Any]]:
    """Per sentence, gold and predictions that found no value match (for development)."""
    out = []
    for row, ps in zip(rows, preds, strict=True):
        gs = gold(row)
        missed = [g for g in gs if not any(values_match(g["value"], p["value"]) for p in ps)]
        extra = [p for p in ps if not any(values_match(g["value"], p["value"]) for g in gs)]
        wrong_unit = [(g["unit"], p["unit"]) for g in gs for p in ps
                      if values_match(g["value"], p["value"]) and g["unit"] != p["unit"]]
        if missed or extra or wrong_unit:
            out.append({"id": row["id"], "half": row["half"], "text": row["text"],
                        "missed": missed, "extra": extra, "unit": wrong_unit})
    return out


# --- run ------------------------------------------------------------------------------


def run(limit: int | None = None, baseline: bool = True) -> dict[str, Any]:
    rows = load(limit)
    halves = {"dev": [r for r in rows if r["half"] == "dev"],
              "held-out": [r for r in rows if r["half"] == "held-out"], "all": rows}
    systems: dict[str, Any] = {}
    preds, seconds = rashomon_predict(rows)
    systems["Rashomon"] = (preds, seconds, False)
    if baseline:
        qpreds, qseconds = quantulum_predict(rows)
        systems["quantulum3 (retrained)"] = (qpreds, qseconds, True)
    index = {id(r): i for i, r in enumerate(rows)}
    results: dict[str, Any] = {}
    for name, (predictions, secs, average) in systems.items():
        results[name] = {"seconds": round(secs, 2),
                         "sentences_per_second": round(len(rows) / secs, 1) if secs else None}
        for half, subset in halves.items():
            golds = [gold(r, average) for r in subset]
            ps = [predictions[index[id(r)]] for r in subset]
            results[name][half] = {"cqe": score_cqe(golds, ps), "strict": score_strict(golds, ps),
                                   "sentences": len(subset)}
    return {
        "benchmark": "quantities",
        "data": str(NEWSQUANT.relative_to(REPO.parent)),
        "sentences": len(rows),
        "results": results,
        "published": PUBLISHED,
        "machine": machine(),
        "git": git_info(),
        "date": time.strftime("%Y-%m-%d"),
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [f"NewsQuant ({result['sentences']} sentences; dev = odd positions, held-out = "
             "even positions). P / R / F1 %, scoring as the CQE paper's script.", "",
             "| system | half | " + " | ".join(METRICS) + " |",
             "|---|---|" + "---|" * len(METRICS)]
    for name, by_half in result["results"].items():
        for half in ("dev", "held-out", "all"):
            scores = by_half[half]["cqe"]
            cells = []
            for m in METRICS:
                if name.startswith("quantulum") and m in ("value+change", "value+concept"):
                    cells.append("n/a")
                else:
                    s = scores[m]
                    cells.append(f"{s['P']:.1f} / {s['R']:.1f} / **{s['F1']:.1f}**")
            lines.append(f"| {name} | {half} | " + " | ".join(cells) + " |")
    lines += ["", "Strict one-to-one matching, all sentences (F1 %):", "",
              "| system | " + " | ".join(METRICS) + " |", "|---|" + "---|" * len(METRICS)]
    for name, by_half in result["results"].items():
        s = by_half["all"]["strict"]
        lines.append(f"| {name} | " + " | ".join(
            "n/a" if name.startswith("quantulum") and m in ("value+change", "value+concept")
            else f"{s[m]['F1']:.1f}" for m in METRICS) + " |")
    lines += ["", "Published on the full NewsQuant (F1 %): " + "; ".join(
        f"{k}: " + ", ".join(f"{m} {v}" for m, v in d.items())
        for k, d in result["published"].items()), ""]
    for name, by_half in result["results"].items():
        lines.append(f"{name}: {by_half['sentences_per_second']} sentences/s "
                     "(extraction only, after parsing)" if name == "Rashomon" else
                     f"{name}: {by_half['sentences_per_second']} sentences/s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.quantities_bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="first N sentences only")
    ap.add_argument("--no-baseline", action="store_true", help="skip quantulum3")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    ap.add_argument("--errors", choices=["dev", "held-out", "all"], default=None,
                    help="print Rashomon's misses on this half (develop on dev only)")
    a = ap.parse_args(argv)
    if a.errors:
        rows = [r for r in load(a.limit) if a.errors == "all" or r["half"] == a.errors]
        preds, _ = rashomon_predict(rows)
        for e in errors(rows, preds):
            print(json.dumps(e, ensure_ascii=False, default=str))
        return 0
    result = run(a.limit, baseline=not a.no_baseline)
    print(markdown(result))
    if a.json:
        Path(a.json).write_text(json.dumps(result, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
