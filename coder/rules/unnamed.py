"""Forces a sentence introduces without naming them: "an Iran-sponsored Iraqi militia",
"Iranian-backed militiamen", "groups loyal to Tehran". They are coded to the side's
"(unidentified)" actor from the dictionary (Codebook.catch_all)."""

from __future__ import annotations

import re

# "an Iran-sponsored Iraqi militia", "a recently-formed group": a force the
# sentence introduces without naming it.
_UNNAMED_FORCE = re.compile(
    r"\b(?:an?|another|one)\s+(?:[\w’'-]+\s+){0,4}?(?:militia|militias|group|force|forces|brigade|regiment|"
    r"battalion|faction|unit|detachment)\b"
    # "Iranian-backed factions", "IRGC-affiliated groups": unnamed, whatever the noun.
    r"|\b(?:(?:Iran|Iranian|IRGC|Tehran|pro-Iran|pro-Iranian)[-\s](?:backed|aligned|affiliated|sponsored|supported|linked|"
    r"loyal|allied)|pro-Iran|pro-Iranian)\s+(?:[\w’'-]+\s+)?(?:militias?|militiamen|groups?|factions?|forces|fighters|"
    r"gunmen|armed groups|formations?|members|elements|troops|units|proxies|guards)\b"
    # "local militias backed by Iran", "groups loyal to Tehran": the same, the patron named after.
    # ("militias in Syria loyal to Tehran": where they are may come between.)
    r"|\b(?:militias?|groups?|factions?|forces|fighters|gunmen|armed groups)\s+(?:in\s+(?:the\s+)?[A-Z][\w-]+\s+)?"
    r"(?:(?:backed|supported|sponsored|funded|"
    r"financed|run|armed|trained)\s+by|(?:loyal|allied)\s+to|(?:affiliated|aligned)\s+(?:with|to))\s+(?:the\s+)?"
    r"(?:Iran|Tehran|IRGC|Iranian\s+Revolutionary\s+Guards?)\b"
    # "networks tied to Iran", "smugglers linked to Iran-backed militias": the trade's carriers,
    # whom the corridor's patron runs (forces "tied to" a patron stay out: dev evidence, session 11).
    r"|\b(?:networks?|smugglers|traffickers|gangs|smuggling rings?)\s+(?:tied|linked|connected|affiliated)\s+to\s+"
    r"(?:the\s+)?(?:Iran|Tehran|Hezbollah|Hizbullah|IRGC|Iran-backed|Iranian-backed|pro-Iran(?:ian)?)\b"
    # "the militias Iran backs", "armed forces it backs": the patron as the subject of a clause after.
    r"|\b(?:militias?|groups?|factions?|forces|fighters)\s+(?:that\s+|which\s+)?(?:Iran|Tehran|it)\s+"
    r"(?:backs|supports|funds|sponsors|arms|runs)\b"
    # "Iraqi factions", "Afghan fighters": in this theatre the foreign militias are Iran's. Not
    # "Iraqi forces" (the state's army) and not a named force ("Iraqi Hezbollah" is in the dictionary).
    # "elite Iraqi and Lebanese militias": two nationalities, one force.
    r"|\b(?:Iraqi|Afghan|Afghani|Pakistani)(?:\s+and\s+(?:Lebanese|Afghan|Pakistani|Iraqi))?\s+"
    r"(?:armed\s+|Shia\s+|Shiite\s+)?(?:militias?|factions?|fighters|gunmen|militiamen|armed groups)\b"
    # "thousands of fighters from Iraq": the same, the country said after.
    r"|\b(?:fighters|militiamen|gunmen)\s+from\s+(?:Iraq|Afghanistan|Pakistan)\b"
    # "Iran ... its militias", "Tehran's proxies": the patron's forces, none named.
    r"|\b(?:its|their|Iran[’']s|Tehran[’']s)\s+(?:own\s+)?(?:militias|proxies|proxy forces|proxy militias)\b"
    # "trucks carrying Iranian weapons": in this theatre Iran's arms on the move are its proxies'.
    r"|\bIranian(?:-made)?\s+(?:weapons|arms|missiles|rockets|munitions|ammunition|drones)\b",
    re.I,
)
# A word that names Iran's side: Iran, its capital, the IRGC, Hezbollah, "pro-Iranian" and its kin
# ("Tehran-loyal", "IRGC-backed"). Another force's clause or a title is Iran's story when it holds one.
IRAN_SIDE_WORD = r"(?:Iran|Iranian|Tehran|IRGC|Hezbollah|Hizbullah|pro-\w+)[\w’'-]*"
# "the Iran-backed group", "this pro-Iranian militia": one force, definite, is the force named before
# (fill.py borrows it); "the Iran-backed militias" may still be any of them.
_DEFINITE_BEFORE = re.compile(r"\b(?:the|this|that)\s+$", re.I)
# Only with nothing between patron and noun: "the Iranian-backed Haidariyoun militia" names a force.
_ONE_FORCE = re.compile(
    r"(?:backed|aligned|affiliated|sponsored|supported|linked|loyal|allied|pro-Iranian|pro-Iran)\s+"
    r"(?:militia|group|faction|formation)$",
    re.I,
)
# Each alternative of _UNNAMED_FORCE holds one of these as a whole (folded) word: its nouns, "armed", "Iranian".
_UNNAMED_NOUNS = frozenset("militia militias militiamen group groups force forces brigade regiment battalion".split())
_UNNAMED_NOUNS |= {"faction", "factions", "unit", "detachment", "fighters", "gunmen", "formation", "formations"}
_UNNAMED_NOUNS |= {"proxies", "proxy", "iranian", "armed"}
_UNNAMED_NOUNS |= {"members", "elements", "troops", "units"}
_UNNAMED_NOUNS |= {"network", "networks", "smugglers", "traffickers", "gangs", "smuggling", "guards"}


def unnamed_force(text: str, start: int, end: int, words: frozenset[str] | None = None) -> tuple[int, int] | None:
    """The span of an unnamed force introduced in text[start:end], if any. `words`: words_of(text, start,
    end), if at hand: a text with no _UNNAMED_NOUNS (most) is not searched (re tries it at every position)."""
    if words is not None and words.isdisjoint(_UNNAMED_NOUNS):
        return None
    for m in _UNNAMED_FORCE.finditer(text, start, end):
        if _DEFINITE_BEFORE.search(text, max(start, m.start() - 6), m.start()) and _ONE_FORCE.search(m.group()):
            continue  # "the Iran-backed group": the one force named before, not a new one
        return m.start(), m.end()
    return None
