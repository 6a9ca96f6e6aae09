"""Shared normalisation for every coder: names, places, dates, numbers, money, enums.

from coder.normalize import Normalizer, resolve_date, parse_number, parse_money
n = Normalizer(codebook)          # indexes built once per codebook content
n.actor("Liwa Fatimiyoun")        # ActorMatch(name="Fatemiyoun Brigade", ..., how="alias")
n.place("Albu Kamal")             # PlaceMatch(place=<Al Bukamal>, geo_precision=1, ...)
n.find_actors(text, start, end)   # [Mention(start, end, ActorMatch)] longest first, non-overlapping
resolve_date("on Monday", date(2021, 3, 16))   # DateResolution(date(2021, 3, 15), precision=1, ...)
parse_number("some 1,000")        # 1000
parse_money("$100 a month")       # Money(100.0, "USD", "month")
n.fill_derived(event, document)   # country, admin1/2, coordinates, geo_precision, inter1/2, ...
"""

from ..dates import as_date  # one reader of ISO dates for the whole package (coder.dates)
from .dates import DateResolution, find_dates, resolve_date
from .names import Mention
from .normalizer import GEO_PRECISION, ActorMatch, Normalizer, PlaceMatch, actor_match
from .numbers import Money, NumberMention, find_money, find_numbers, parse_money, parse_number
from .tokenizer import fold_token, key_of, tokens
from .usage import PATRON_PARTICIPLES

__all__ = [
    "ActorMatch",
    "DateResolution",
    "GEO_PRECISION",
    "Mention",
    "Money",
    "Normalizer",
    "NumberMention",
    "PATRON_PARTICIPLES",
    "PlaceMatch",
    "actor_match",
    "as_date",
    "find_dates",
    "find_money",
    "find_numbers",
    "fold_token",
    "key_of",
    "parse_money",
    "parse_number",
    "resolve_date",
    "tokens",
]
