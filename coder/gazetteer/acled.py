"""ACLED's spelling of administrative areas, and the name an export writes for a place.

ACLED users join and map on location and admin names, so a gazetteer row must carry the
spelling ACLED's own data uses ("Deir ez Zor", "Al Anbar", "Ninewa", "Rural Damascus"),
whatever spelling a source or GeoNames used. The table maps the spellings we meet
(GeoNames, sources, the gazetteer's own) to ACLED's. The gazetteer keeps the spelling the
golden set was coded with ("Deir ez-Zor", "Al-Anbar"), so that field scores compare like
with like; exports write ACLED's through acled_admin1/acled_admin2 (a test keeps every
gazetteer admin area in the table).

The table is kept here and not in codebook/places.yaml because the codebook loader accepts
only `places:` in that file; see the note in README ("ACLED naming").
"""

from __future__ import annotations

from ..normalize.tokenizer import key_of

# country -> {ACLED admin1: [other spellings]}
ADMIN1: dict[str, dict[str, list[str]]] = {
    "Syria": {
        "Aleppo": ["Halab"],
        "Al Hasakeh": ["Al-Hasakah", "Hasakah", "Al Hasakah", "Hassakeh"],
        "Ar Raqqa": ["Ar-Raqqa", "Raqqa", "Ar Raqqah", "Al-Raqqa"],
        "Damascus": ["Dimashq"],
        "Dara": ["Daraa", "Dar'a", "Deraa"],
        "Deir ez Zor": ["Deir ez-Zor", "Dayr az Zawr", "Deir Ezzor", "Deir al-Zor"],
        "Hama": ["Hamah"],
        "Homs": ["Hims"],
        "Idleb": ["Idlib"],
        "Lattakia": ["Latakia", "Al Ladhiqiyah"],
        "Quneitra": ["Al Qunaytirah"],
        "Rural Damascus": ["Rif Dimashq", "Damascus Countryside"],
        "As-Sweida": ["As Suwayda", "Suwayda", "Sweida"],
        "Tartous": ["Tartus", "Tartous Governorate"],
    },
    "Iraq": {
        "Al Anbar": ["Al-Anbar", "Anbar"],
        "Baghdad": [],
        "Babil": ["Babylon"],
        "Basrah": ["Basra", "Al Basrah"],
        "Dhi Qar": ["Thi Qar"],
        "Diyala": [],
        "Duhok": ["Dohuk", "Dahuk"],
        "Erbil": ["Arbil", "Irbil"],
        "Kerbala": ["Karbala"],
        "Kirkuk": ["Tamim", "At Ta'mim"],
        "Maysan": ["Missan"],
        "Muthanna": ["Al Muthanna"],
        "Najaf": ["An Najaf"],
        "Ninewa": ["Nineveh", "Ninawa", "Nineveh Governorate"],
        "Qadissiya": ["Al Qadisiyah", "Diwaniyah"],
        "Salah al-Din": ["Salah ad Din", "Saladin", "Salahuddin"],
        "Sulaymaniyah": ["As Sulaymaniyah", "Sulaimani"],
        "Wassit": ["Wasit"],
        "Halabja": [],
    },
    "Lebanon": {
        "Baalbek-Hermel": ["Baalbek-Hermel Governorate", "B'alabak-Al Hirmil"],
        "Beirut": ["Bayrut"],
        "Bekaa": ["Beqaa", "Al Biqa"],
        "North": ["North Lebanon", "Ash Shimal"],
        "South": ["South Lebanon", "Al Janub"],
        "Mount Lebanon": ["Jabal Lubnan"],
        "Akkar": [],
        "Nabatieh": ["An Nabatiyah", "Nabatiyeh"],
    },
    # Jordan and Turkey's border provinces are spelled the way ACLED writes them (no
    # diacritics, no article); the others are GeoNames' spellings (coder.gazetteer.geonames).
    "Jordan": {
        "Mafraq": ["Al Mafraq"],
        "Irbid": [],
        "Amman": ["Al Asimah"],
        "Zarqa": ["Az Zarqa"],
        "Balqa": ["Al Balqa"],
        "Karak": ["Al Karak"],
        "Tafileh": ["At Tafilah", "Tafilah"],
        "Maan": ["Ma'an"],
        "Ajloun": ["Ajlun"],
        "Aqaba": ["Al Aqabah"],
        "Jarash": ["Jerash"],
        "Madaba": [],
    },
    "Turkey": {
        "Hatay": [],
        "Kilis": [],
        "Gaziantep": [],
        "Sanliurfa": ["Urfa"],
        "Mardin": [],
        "Sirnak": [],
        "Hakkari": [],
    },
    "Iran": {"Tehran": []},
}

# country -> {ACLED admin2: [other spellings]} for the districts of the theatre.
ADMIN2: dict[str, dict[str, list[str]]] = {
    "Syria": {
        "Abu Kamal": ["Al Bukamal", "Albu Kamal"],
        "Al Mayadin": ["Mayadin", "Al-Mayadin"],
        "Deir ez Zor": ["Deir ez-Zor"],
        "Tadmor": ["Tadmur", "Palmyra"],
        "Homs": [],
        "Al Qusayr": ["Al-Qusayr"],
        "Tall Kalakh": ["Talkalakh", "Tell Kalakh"],
        "Jebel Saman": ["Jabal Saman", "Mount Simeon"],
        "Azaz": ["A'zaz"],
        "As Safira": ["As-Safira", "Al-Safira"],
        "Dayr Hafir": ["Deir Hafer"],
        "Menbij": ["Manbij"],
        "Ar Raqqa": ["Ar-Raqqa"],
        "Ath Thawrah": ["Ath-Thawrah", "Al-Thawrah"],
        "Al Hasakeh": ["Al-Hasakah"],
        "Quamishli": ["Qamishli", "Al-Qamishli"],
        "Al Malikeyyeh": ["Al-Malikiyah", "Al Malikiyah"],
        "Damascus": [],
        "Rural Damascus": ["Markaz Rif Dimashq"],
        "Az Zabdani": ["Az-Zabdani", "Al-Zabadani", "Zabadani"],
        "Al Qutayfah": ["Al-Qutayfah"],
        "An Nabk": ["An-Nabk", "Al-Nabk", "Nabk"],
        "Yabroud": ["Yabrud", "Yabrod"],
        "Hama": [],
        "As Salamiyeh": ["Al-Salamiyah", "Salamiyah"],
        "Banyas": ["Baniyas"],
        "Quneitra": [],
        "Dara": ["Daraa"],
        "Izra": ["Izraa", "Izra'"],
        "Lattakia": ["Latakia"],
        "Tartous": ["Tartus"],
        "Idleb": ["Idlib"],
    },
    "Iraq": {
        "Al-Qaim": ["Al-Qa'im", "Al Qaim", "Qaim"],
        "Ana": ["Anah"],
        "Rawa": ["Rawah"],
        "Al-Rutba": ["Ar Rutbah", "Rutba"],
        "Sinjar": [],
        "Al-Musayab": ["Al Musayyib"],
        "Baghdad": [],
        "Kirkuk": [],
        "Haditha": [],
        "Heet": ["Hit"],
        "Ramadi": ["Ar Ramadi"],
        "Falluja": ["Fallujah"],
        "Mosul": [],
        "Telafar": ["Tal Afar", "Tall Afar"],
        "Al-Baaj": ["Al Ba'aj"],
        "Kerbala": ["Karbala"],
        "Najaf": [],
        "Basrah": ["Basra"],
        "Erbil": [],
        "Samarra": [],
        "Tikrit": [],
        "Baiji": ["Bayji"],
        "Baquba": ["Baqubah"],
    },
    "Lebanon": {"Baalbek": [], "Hermel": [], "Beirut": []},
    "Jordan": {"Ruwaished": ["Ar Ruwayshid"]},
    "Iran": {"Tehran": []},
}


def _table(spec: dict[str, dict[str, list[str]]]) -> dict[tuple[str, tuple[str, ...]], str]:
    out = {}
    for country, names in spec.items():
        for acled, others in names.items():
            for written in (acled, *others):
                out[(country, key_of(written))] = acled
    return out


_ADMIN1, _ADMIN2 = _table(ADMIN1), _table(ADMIN2)


def acled_admin1(country: str | None, name: str | None) -> str | None:
    """ACLED's spelling of an admin1 name (None if the table does not know it)."""
    if not country or not name:
        return None
    return _ADMIN1.get((country, key_of(name)))


def acled_admin2(country: str | None, name: str | None) -> str | None:
    if not country or not name:
        return None
    return _ADMIN2.get((country, key_of(name)))


def acled_location(place) -> str:
    """The location name an ACLED-style export writes: ACLED's own where it differs."""
    return place.acled_name or place.name
