"""Word lists for reading quantities: number words, scales, fractions, months,
identifiers, verbs of change, qualifiers, the unit table, currencies, rate words, and the
words around a counted noun.

The unit table is read once into ``_UNITS``, keyed by the tokeniser's tokens, so a
multi-word surface ("square metres", "km/h") is matched token by token."""

from __future__ import annotations

from dataclasses import dataclass

from .tokens import _lex

# --- lexicon --------------------------------------------------------------------------

_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALE = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER_WORDS = set(_SMALL) | set(_TENS) | set(_SCALE) | {"dozen"}
#: Scale abbreviations after a number, spaced or glued: 4.5bn, $60 mln, 10k.
_SCALE_ABBR = {"k": 1e3, "mn": 1e6, "mln": 1e6, "bn": 1e9, "bln": 1e9, "tn": 1e12,
               "trn": 1e12, "m": 1e6, "b": 1e9}
#: Vague plurals: (low, high) in NewsQuant's convention. "tens of thousands" multiplies.
_VAGUE = {"dozens": (12.0, 120.0), "hundreds": (1e2, 1e3), "thousands": (1e3, 1e4),
          "millions": (1e6, 1e7), "billions": (1e9, 1e10), "trillions": (1e12, 1e13)}
_FRACTION_WORDS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4,
                   "quarters": 4, "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5,
                   "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7, "eighth": 8,
                   "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10}
_VULGAR = {"½": 0.5, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 0.25, "¾": 0.75, "⅕": 0.2, "⅛": 0.125}
_ORDINALS = {w: i + 2 for i, w in enumerate(
    "second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split())}
_MONTHS = set(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split())
#: Words after which a number is an identifier, not an amount ("Game 7", "Article 5").
_ID_WORDS = set(
    "no nos number article section chapter clause resolution category level phase stage grade "
    "tier room flight route highway channel season episode game round group act class size "
    "version type model gate platform terminal unit apartment suite district ward zone lane "
    "exit line bus row seat table figure item step rank week day division road street avenue "
    "box pier floor ch sec art vol volume issue part page pages psalm verse series mark "
    "generation gen covid wave sp ftse nasdaq russell nikkei cac dax stoxx asx kospi sensex "
    "nifty dow".split())
#: Verbs of change: "rose from 240 to 273" is two values, not a range.
_CHANGE_VERBS = set(
    "rise rises rose risen rising fall falls fell fallen falling drop drops dropped dropping "
    "climb climbs climbed climbing jump jumps jumped jumping grow grows grew grown growing "
    "increase increases increased increasing decrease decreases decreased decreasing "
    "slow slows slowed slowing cut cuts cutting raise raises raised raising lower lowers "
    "lowered lowering reduce reduced reducing revise revised revising shrink shrank shrunk "
    "soar soared surge surged plunge plunged slide slid tumble tumbled boost boosted lift "
    "lifted expand expanded widen widened narrow narrowed swell swelled "
    "up down change changed changing".split())
_UP = set("rise rose risen rising gain gains gained gaining climb climbed climbing jump jumped "
          "jumping increase increased increasing grow grew grown growing surge surged soar soared "
          "advance advanced add added adding rally rallied boost boosted lift lifted improve "
          "improved rebound rebounded up higher expand expanded widen widened".split())
_DOWN = set("fall fell fallen falling drop dropped dropping decline declined declining slip "
            "slipped slide slid sliding lose lost losing decrease decreased decreasing shed "
            "plunge plunged plummet plummeted tumble tumbled sink sank sunk ease eased easing "
            "cut shrink shrank shrunk dip dipped retreat retreated slump slumped down lower "
            "reduce reduced narrow narrowed contract contracted".split())

#: Qualifiers before a number, longest first when matched. Keys are lowercase word tuples.
_QUAL_BEFORE: dict[tuple[str, ...], str] = {}
for _q, _phrases in {
    ">": "more than|over|above|exceeding|upwards of|upward of|in excess of|greater than|"
         "higher than|larger than|bigger than|north of|beyond|over than|well over|well above|"
         "just over|just above|more then|topping|longer than|older than",
    ">=": "at least|no less than|not less than|a minimum of|minimum of|no fewer than|"
          "not fewer than|at a minimum",
    "<": "less than|fewer than|under|below|nearly|almost|just under|just below|just shy of|"
         "shy of|short of|lower than|not quite|smaller than|shorter than|younger than|"
         "barely|sub|well under|well below|less then",
    "<=": "up to|at most|no more than|not more than|a maximum of|maximum of|within|"
          "as many as|as much as|as high as|as long as|as far as|as few as|as little as|"
          "at the most|no longer than|not exceeding",
    "~": "about|around|approximately|approx|roughly|some|an estimated|estimated|circa|ca|"
         "close to|perhaps|maybe|possibly|in the region of|on the order of|of the order of|"
         "somewhere around|just about|more or less|an approximate|nearly about|round about|"
         "give or take|an average of|on average",
    "=": "exactly|precisely|just|only|a total of|total of|fully|all of|a mere|mere",
}.items():
    for _p in _phrases.split("|"):
        _QUAL_BEFORE[tuple(_p.split())] = _q
_QUAL_MAXLEN = max(len(k) for k in _QUAL_BEFORE)
#: Qualifiers after a quantity: "14 and under", "20 or more", "a week or so".
_QUAL_AFTER = {("or", "more"): ">=", ("and", "above"): ">=", ("and", "over"): ">=",
               ("or", "above"): ">=", ("or", "over"): ">=", ("and", "up"): ">=",
               ("or", "less"): "<=", ("or", "fewer"): "<=", ("and", "under"): "<=",
               ("or", "under"): "<=", ("and", "below"): "<=", ("or", "younger"): "<=",
               ("or", "so"): "~", ("plus",): ">", ("odd",): "~", ("-", "odd"): "~",
               ("-", "plus"): ">", ("+",): ">"}
_QUAL_SYMBOL = {"~": "~", "≈": "~", ">": ">", "<": "<", "≥": ">=", "≤": "<=", "+": ">"}

# Units. One line per unit: canonical | kind | surface forms. "^" marks a surface that
# only counts when glued to the number ("45g"), "=" one matched with its exact case
# ("C" for Celsius, "PS" for metric horsepower). Multi-word surfaces are matched
# token by token, longest first.
_UNIT_TABLE = """
km|measure|km, kms, kilometre, kilometres, kilometer, kilometers, klm
m|measure|metre, metres, meter, meters, mtr, mtrs, =m
cm|measure|cm, centimetre, centimetres, centimeter, centimeters
mm|measure|mm, millimetre, millimetres, millimeter, millimeters
um|measure|µm, μm, micrometre, micrometres, micrometer, micrometers, micron, microns
nm|measure|nanometre, nanometres, nanometer, nanometers, =nm
mi|measure|mi, mile, miles
nmi|measure|nautical mile, nautical miles, nmi
ft|measure|ft, foot, feet, ′
in|measure|inch, inches, ″, =in.
yd|measure|yd, yds, yard, yards
km2|measure|km2, km², sq km, square kilometre, square kilometres
km2|measure|square kilometer, square kilometers
m2|measure|m2, m², sq m, sqm, square metre, square metres, square meter, square meters
mi2|measure|sq mi, square mile, square miles
ft2|measure|sq ft, sqft, square foot, square feet
acre|measure|acre, acres
ha|measure|ha, hectare, hectares
m3|measure|m3, m³, cubic metre, cubic metres, cubic meter, cubic meters
ft3|measure|cubic foot, cubic feet, cu ft
l|measure|litre, litres, liter, liters, ^l, ^L, ltr
ml|measure|ml, mL, millilitre, millilitres, milliliter, milliliters
gal|measure|gallon, gallons, gal
bbl|measure|barrel, barrels, bbl, barrels of oil, barrel of oil
pt|measure|pint, pints
qt|measure|quart, quarts
floz|measure|fluid ounce, fluid ounces, fl oz
kg|measure|kg, kgs, kilogram, kilograms, kilogramme, kilogrammes, kilo, kilos
g|measure|gram, grams, gramme, grammes, ^g
mg|measure|mg, milligram, milligrams
t|measure|tonne, tonnes, ton, tons, metric ton, metric tons, metric tonnes
lb|measure|lb, lbs, pound, pounds
oz|measure|oz, ounce, ounces
ct|measure|carat, carats
s|measure|second, seconds, sec, secs
ms|measure|millisecond, milliseconds, ^ms
min|measure|minute, minutes, min, mins
hour|measure|hour, hours, hr, hrs, ^h
day|measure|day, days
week|measure|week, weeks, wk, wks
month|measure|month, months
year|measure|year, years, yr, yrs
decade|measure|decade, decades
century|measure|century, centuries
mpg|measure|mpg, miles per gallon, mile per gallon
MMBtu|measure|mmbtu, million british thermal units
mph|measure|mph, miles per hour, miles an hour, mile per hour
km/h|measure|km/h, kph, km/hr, kmh, kilometres per hour, kilometers per hour
km/h|measure|kilometres an hour, kilometers an hour
kn|measure|knot, knots
m/s|measure|m/s, metres per second, meters per second
W|measure|=W, watt, watts
kW|measure|kw, kilowatt, kilowatts
MW|measure|=MW, megawatt, megawatts
GW|measure|gw, gigawatt, gigawatts
kWh|measure|kwh, kilowatt-hour, kilowatt-hours, kilowatt hour, kilowatt hours
MWh|measure|mwh, megawatt-hour, megawatt-hours, megawatt hour, megawatt hours
GWh|measure|gwh, gigawatt-hour, gigawatt-hours, gigawatt hour, gigawatt hours
TWh|measure|twh, terawatt-hour, terawatt-hours, terawatt hour, terawatt hours
hp|measure|hp, horsepower, =PS
bhp|measure|bhp, brake horsepower
Nm|measure|nm, newton metre, newton metres, newton meters
lb-ft|measure|lb-ft, lb ft, pound-feet, pound-foot, pound feet
V|measure|=V, volt, volts
kV|measure|kv, kilovolt, kilovolts
mAh|measure|mah
Hz|measure|hz, hertz
kHz|measure|khz, kilohertz
MHz|measure|mhz, megahertz
GHz|measure|ghz, gigahertz
°C|measure|°c, ºc, ° c, degrees celsius, degree celsius, celsius, =C
°C|measure|centigrade, degrees centigrade
°F|measure|°f, ºf, ° f, degrees fahrenheit, degree fahrenheit, fahrenheit, =F
°|measure|°, degree, degrees, deg
KB|measure|kb, kilobyte, kilobytes
MB|measure|mb, megabyte, megabytes
GB|measure|gb, gigabyte, gigabytes
TB|measure|tb, terabyte, terabytes
Mbps|measure|mbps, megabits per second, mbit/s
Gbps|measure|gbps, gigabits per second
rpm|measure|rpm, revolutions per minute
ppm|measure|ppm, parts per million
ppb|measure|ppb, parts per billion
dB|measure|db, decibel, decibels
GPa|measure|gpa, gigapascal, gigapascals
MPa|measure|mpa, megapascal, megapascals
psi|measure|psi
kcal|measure|kcal, calorie, calories
%|percent|%, percent, per cent, pc, pct, per-cent, percentage
pp|measure|percentage point, percentage points, ppt, ppts
bp|measure|basis point, basis points, bps, bp
point|measure|point, points, pts
times|count|times, ^x
"""

# Currencies. Prefix symbols come before the number; words and codes after (or before, for
# codes). Nationality adjectives refine "dollars" and "crowns".
_CURRENCY_PREFIX = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB",
                    "₴": "UAH", "₩": "KRW", "₪": "ILS", "₺": "TRY", "₦": "NGN",
                    "฿": "THB"}
#: Letters glued to "$" (before or after): US$, $US, A$, $A, HK$ ...
_DOLLAR_LETTERS = {"us": "USD", "a": "AUD", "au": "AUD", "aud": "AUD", "c": "CAD",
                   "ca": "CAD", "can": "CAD", "hk": "HKD", "nz": "NZD", "s": "SGD",
                   "sg": "SGD", "nt": "TWD", "r": "BRL", "mx": "MXN", "z": "NZD"}
#: Prefix words glued or spaced before a number: "Rs 500", "RM23.50", "PS8.1bn" (an ASCII
#: folding of "£" seen in scraped news), "Y=28,030" (Reuters' ASCII yen).
_CURRENCY_PREFIX_WORDS = {"rs": "INR", "rm": "MYR", "ps": "GBP", "sfr": "CHF", "chf": "CHF",
                          "nis": "ILS", "kr": "crown", "zl": "PLN", "r$": "BRL"}
_CURRENCY_CODES = set(
    "USD EUR GBP JPY CNY RMB INR RUB UAH CHF AUD CAD HKD NZD SGD MYR ILS PLN SEK NOK DKK CZK "
    "ISK KRW BRL MXN ZAR TRY HRK HUF RON BGN TWD THB IDR PHP VND NGN EGP SAR AED QAR KWD PKR "
    "BTC ETH".split())
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "sterling": "GBP",
    "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "rupee": "INR", "rupees": "INR",
    "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB", "hryvnia": "UAH",
    "hryvnias": "UAH", "hryvnas": "UAH", "franc": "CHF", "francs": "CHF", "shekel": "ILS",
    "shekels": "ILS", "zloty": "PLN", "zlotys": "PLN", "zlotych": "PLN", "ringgit": "MYR",
    "won": "KRW", "rand": "ZAR", "lira": "TRY", "liras": "TRY", "kuna": "HRK", "kn": "HRK",
    "forint": "HUF", "forints": "HUF", "lei": "RON", "leu": "RON", "baht": "THB",
    "rupiah": "IDR", "naira": "NGN", "dirham": "AED", "dirhams": "AED", "riyal": "SAR",
    "riyals": "SAR", "peso": "MXN", "pesos": "MXN", "crown": "crown", "crowns": "crown",
    "koruna": "CZK", "korun": "CZK", "krona": "SEK", "kronor": "SEK", "krone": "crown",
    "kroner": "crown", "kronur": "ISK", "bitcoin": "BTC", "bitcoins": "BTC",
    "cent": "cent", "cents": "cent", "pence": "pence", "penny": "pence", "sen": "sen",
}
_NATIONALITY = {
    ("australian",): "AUD", ("canadian",): "CAD", ("hong", "kong"): "HKD",
    ("new", "zealand"): "NZD", ("singapore",): "SGD", ("singaporean",): "SGD",
    ("taiwan",): "TWD", ("taiwanese",): "TWD", ("us",): "USD", ("u", ".", "s", "."): "USD",
    ("american",): "USD", ("danish",): "DKK", ("swedish",): "SEK", ("norwegian",): "NOK",
    ("czech",): "CZK", ("icelandic",): "ISK", ("swiss",): "CHF", ("indian",): "INR",
    ("pakistani",): "PKR", ("mexican",): "MXN", ("brazilian",): "BRL", ("israeli",): "ILS",
    ("chinese",): "CNY", ("japanese",): "JPY", ("russian",): "RUB", ("ukrainian",): "UAH",
    ("turkish",): "TRY", ("south", "african"): "ZAR", ("egyptian",): "EGP",
}
_NATIONAL_CURRENCIES = {"dollar", "dollars", "crown", "crowns", "krone", "kroner", "krona",
                        "kronor", "rupee", "rupees", "franc", "francs", "peso", "pesos",
                        "pound", "pounds", "lira", "shekel", "shekels"}

_TIME_UNITS = {"s", "ms", "min", "hour", "day", "week", "month", "year", "decade", "century"}
#: Words that take "a"/"an"/"per" to make a rate: "$1,271 an ounce", "400 visitors a day".
_RATE_WORDS = {"barrel": "bbl", "gallon": "gal", "share": "share", "ounce": "oz", "litre": "l",
               "liter": "l", "kilo": "kg", "kilogram": "kg", "pound": "lb", "tonne": "t",
               "ton": "t", "head": "head", "person": "person", "capita": "person",
               "unit": "unit", "gram": "g", "kwh": "kWh", "mile": "mi", "kilometre": "km",
               "kilometer": "km", "night": "night", "game": "game", "match": "game",
               "year": "year", "month": "month", "week": "week", "day": "day",
               "hour": "hour", "minute": "min", "second": "s", "annum": "year",
               "mmbtu": "MMBtu", "seat": "seat", "employee": "employee", "student": "student",
               "passenger": "passenger", "bed": "bed"}

_HYPHEN_AGE = {"old", "olds"}
#: Words after "two-" that do not make it an amount of something ("two-way", "one-off").
_NOT_COMPOUND_UNITS = {"way", "sided", "fold", "off", "on", "time", "times", "hundredths",
                       "tenths", "odd", "plus", "thirds", "quarters", "halves", "and", "or",
                       "to", "for", "legged", "handed", "faced", "eyed", "tier", "nil"}
_BEFORE_TIME_UNIT = {"consecutive", "straight", "successive", "full", "more", "further",
                     "additional", "long", "whole", "extra", "previous", "past"}
#: Determiners and possessives skipped before a counted noun ("three of the dam's gates").
_DETERMINERS = set("the a an this that these those its their his her our your my some any "
                   "all each every both".split())
_PRONOUNS = set("them us you it which whom those these they we him her me what whose "
                "others theirs ours".split())
#: Words between a number and its noun that are not part of what is counted.
_SKIP_BEFORE_NOUN = {"more", "additional", "extra", "further", "fewer", "less", "or", "so",
                     "odd", "plus"}
#: Nouns whose "of" complement belongs to them: "heads of state", "barrels of oil".
_RELATIONAL = set("head heads member members barrel barrels state states ton tons tonne tonnes "
                  "piece pieces unit units bag bags box boxes kind kinds type types snap snaps "
                  "acre acres square squares".split())
_IRREGULAR_PLURALS = set("people men women children police staff personnel troops cattle "
                         "feet teeth mice geese data media criteria phenomena".split())


def _surface_key(surface: str) -> tuple[str, ...]:
    return tuple(t.text for t in _lex(surface))


@dataclass(frozen=True, slots=True)
class _Unit:
    canonical: str
    kind: str
    glued_only: bool
    exact: bool


def _build_units() -> dict[str, list[tuple[tuple[str, ...], _Unit]]]:
    table: dict[str, list[tuple[tuple[str, ...], _Unit]]] = {}
    for line in _UNIT_TABLE.strip().splitlines():
        canonical, kind, surfaces = line.split("|")
        for raw in surfaces.split(","):
            raw = raw.strip()
            glued, exact = raw.startswith("^"), raw.startswith("=")
            surface = raw[1:] if glued or exact else raw
            # "45g" is grams, "5G" is not: a glued letter keeps its case.
            exact = exact or (glued and len(surface) <= 2)
            key = _surface_key(surface)
            if not exact:
                key = tuple(k.lower() for k in key)
            unit = _Unit(canonical, kind, glued, exact)
            table.setdefault(key[0] if exact else key[0].lower(), []).append((key, unit))
    for entries in table.values():
        entries.sort(key=lambda e: -len(e[0]))
    return table


_UNITS = _build_units()
