"""The offline rule-based coder: deterministic, no network, no key.

Pipeline for one document:
1. text preparation: the main article's regions (page furniture left out)
   and its sentences, all offsets into the original text;
2. names, dates and numbers found once per region with the shared normaliser;
3. triggers of every event type (codebook vocabulary and `requires` cues),
   dropped when an exclusion rule the type lists has a cue in the clause or
   sentence (planned, postponed, negated, background...);
4. arguments filled from the trigger's sentence, then its neighbours;
5. events assembled one per type, actor, place and date, then one per incident
   (assemble.py: a patron and its brigade, a town and its desert), with notes
   from the type's template and derived fields from the normaliser.
"""

from __future__ import annotations

import gc
import re
from typing import Any

from ..codebook.model import Codebook
from ..dates import only_a_year
from ..models import Alignment, CodedDocument, CoderInfo, Diagnostic, Document, Event, FieldValue, Span
from ..normalize import Mention, Normalizer, find_numbers
from ..text import Sentence, classify_blocks, headlines, split_sentences
from ..text.prefilter import Needs, PatternIndex
from .args import catch_all_actors, is_generic
from .assemble import Consolidator, EvidenceIndex, absorb
from .compiled import CompiledType, any_of, compile_codebook
from .context import Ctx, cached_allowed
from .facts import RegionFacts
from .fill import (
    event_date,
    events_at,
    fill_actors,
    fill_counterpart,
    fill_counts,
    fill_date,
    fill_money,
    fill_type_fields,
    flag_doer,
    put_actors,
    sentence_money,
    start_draft,
)
from .headline import headline_as_evidence, withdrawn_by_headline
from .locate import choose_location
from .notes import render_notes
from .passages import cargo_events, without_yielded
from .settle import settle_places
from .subject import owned_by_other_side, required_met

# Exclusion rules whose cues say an event is not done yet: a sentence holding one does not place it.
_NOT_YET_RULES = ("planned", "hypothetical", "threatened", "promised", "demanded")

# The coder's version goes into every record; bump it when the rules change.
__version__ = "0.1.0"

# A trigger noun with a definite determiner ("the convoy", "these two convoys", "the same
# reinforcements") names an incident already told; how many sentences back it may reach.
_DEFINITE = re.compile(
    r"\b(?:the|these|those|this|that|both|said)\s+(?:(?:same|two|three|four|five|military|"
    r"militia|new|fresh|latest|first|second|last|last-mentioned|Iranian|Iraqi)\s+){0,2}$",
    re.I,
)
_REFERENCE_BACK = 6
# Words of a sentence's opening phrase ("In recent years,") whose exclusion cues frame the whole sentence.
_OPENING_WORDS = 6
# ... and it is an adverbial set off by a comma, not a clause of its own ("The office was closed, ...").
_OPENING = re.compile(
    r"\s*(?:in|on|over|during|since|for|after|before|until|throughout|within|last|earlier|recently|previously|"
    r"historically|traditionally|usually|often|years|months|decades|back)\b",
    re.I,
)
# Objects made while coding (the collector's young count) past which they are moved to its oldest
# generation unwalked (_to_old_generation): a page of a few hundred kilobytes.
_MANY_YOUNG = 100_000
# A trigger's Needs is kept up to this many spread-out alternatives (each one asked in Python).
_TRIGGER_SPREAD = 8


class RuleCoder:
    name = "rules"

    def __init__(self, codebook: Codebook, *, min_confidence: float = 0.3, fuzzy: bool = True, **_ignored: Any):
        self.codebook = codebook
        self.normalizer = Normalizer(codebook)
        self.types: list[CompiledType] = compile_codebook(codebook)
        self._compiled = {ct.id: ct for ct in self.types}
        self._plans = {ct.id: {p.name: p for p in ct.plans} for ct in self.types}  # read, never changed
        self.consolidator = Consolidator(codebook)
        # Types that move a force or a load somewhere (the codebook gives them a destination), with
        # the cues by which their exclusion rules say a move is not done yet.
        self._movers = {
            ct.id: [r.cues for r in ct.rules if r.id in _NOT_YET_RULES]
            for ct in self.types
            if "destination" in self._plans[ct.id]
        }
        self._catch_all = catch_all_actors(codebook)
        self.min_confidence = min_confidence
        self.fuzzy = fuzzy
        self._uncoded = [(kind.id, any_of(kind.cues)) for kind in codebook.uncoded_kinds if kind.cues]
        # The words each pattern must start with (text/prefilter.py): a pattern runs only on
        # sentences holding one of them, which is most of the coder's time saved.
        patterns = [t.pattern for ct in self.types for t in ct.triggers]
        patterns += [r for ct in self.types for t in ct.triggers for r in t.requires]
        patterns += [r.cues for ct in self.types for r in ct.rules] + [p for _k, p in self._uncoded]
        cues = [r for ct in self.types for t in ct.triggers for r in t.requires] + [
            r.cues for ct in self.types for r in ct.rules
        ]
        self._patterns = PatternIndex(patterns, needs_of=cues)
        # A trigger whose first words are common ("as", "by", "for": "as a cover") is let through by
        # a third of all sentences and runs on each; the other words its match needs (Needs, every
        # alternation spread out) rule most of them out first.
        self._trigger_needs: dict[int, Needs] = {}
        for ct in self.types:
            for t in ct.triggers:
                needs = Needs.of(t.pattern, spread=_TRIGGER_SPREAD)
                if needs is not None and any(len(places) > 1 for places in needs.alternatives):
                    self._trigger_needs[id(t.pattern)] = needs
        self._seats = self.normalizer.seats  # worked out once, with the normaliser's countryside map

    def info(self) -> CoderInfo:
        return CoderInfo.found(self.name, __version__, self.codebook.version)

    # -- the Coder protocol ------------------------------------------------------
    def code(self, document: Document) -> CodedDocument:
        # Coding allocates hundreds of thousands of small objects per long article and frees them by
        # reference counting; the cycle collector, set off by the allocations alone, re-walked every
        # live object (the codebook's and gazetteer's indexes too) again and again: a quarter of the
        # time on a 1 MB article. It is paused while one document is coded and resumed after, when
        # any cycles made meanwhile are collected as usual.
        paused = gc.isenabled()
        gc.disable()
        try:
            try:
                ctx = self._prepare(document)
                events = self._events(ctx)
                diagnostics = self._diagnostics(ctx)
            except Exception as exc:  # a bad document never stops a run
                return CodedDocument(
                    document=document,
                    events=[],
                    coder=self.info(),
                    status="failed",
                    error=f"{type(exc).__name__}: {exc}",
                )
            return CodedDocument.found(document, events, diagnostics, self.info())
        finally:
            if paused:
                _to_old_generation()
                gc.enable()

    def events(self, document: Document) -> list[Event]:
        return self._events(self._prepare(document))

    def _diagnostics(self, ctx: Ctx) -> list[Diagnostic]:
        """Mentions of kinds the codebook does not code (airstrikes, clashes...), once per kind and sentence."""
        text = ctx.doc.text
        found = []
        prefixed = self._patterns.prefixed
        # Most sentences' words allow none of the kinds: one set test instead of a step per kind.
        keys = frozenset(id(p) for _kind, p in self._uncoded)
        whole_words = keys.isdisjoint(prefixed)
        for si, sentence in enumerate(ctx.sentences):
            hits = ctx.hits(si)
            if whole_words and keys.isdisjoint(hits):
                continue
            for kind, pattern in self._uncoded:
                key = id(pattern)
                if key not in hits and (key not in prefixed or not ctx.allows(key, si)):
                    continue
                m = next(iter(ctx.finder(pattern)(si, sentence.start, sentence.end)), None)
                if m:
                    found.append(Diagnostic.found(kind, Span.found(text, m.start(), m.end())))
        return found

    def _events(self, ctx: Ctx) -> list[Event]:
        document = ctx.doc
        found: dict[tuple, Event] = {}
        order: list[tuple] = []
        last_of_type: dict[str, tuple[int, Event]] = {}  # type -> (sentence, event) last coded
        evidence = EvidenceIndex()  # keeps repeated absorbs into one event linear
        for si, ct, trig, weight, n_hits, moves_object in self._triggers(ctx):
            built = self._build(ctx, si, ct, trig, weight, n_hits, moves_object)
            antecedent = self._antecedent(ctx, si, trig, last_of_type.get(ct.id))
            for event in built:
                if antecedent is not None and self.consolidator.dates_agree(antecedent, event):
                    self.consolidator.merge(antecedent, event, evidence)
                    continue
                key = (event.type, event.value("actor1"), event.value("location"), event.value("event_date"))
                if key in found:
                    absorb(found[key], event, evidence)
                else:
                    found[key] = event
                    order.append(key)
                last_of_type[ct.id] = (si, found[key])
        withdrawn = withdrawn_by_headline(ctx, self.types)
        candidates = [
            found[k]
            for k in order
            if (found[k].confidence or 0) >= self.min_confidence and found[k].type not in withdrawn
        ]
        events = self.consolidator.consolidate(without_yielded(ctx, candidates, self._compiled), evidence)
        # Where each incident's movers ended up, read after its last mention; mentions that end
        # at one place are then one incident.
        if settle_places(ctx, events, self._movers, self.normalizer.place_named):
            events = self.consolidator.consolidate(events, evidence)
        cache: dict[tuple, bool] = {}
        events += cargo_events(
            ctx,
            events,
            self._compiled,
            self.codebook.fields_for,
            self.normalizer,
            lambda ct, si, at: self._excluded(ctx.doc.text, ctx.sentences[si], at, ct, cache, ctx, si),
        )
        type_order = {t.id: i for i, t in enumerate(self.types)}
        # in the body's order: the headline joins the evidence after
        events.sort(key=lambda e: (e.evidence[0].start if e.evidence else 0, type_order.get(e.type, 99)))
        headline_as_evidence(ctx, self.types, events)
        # Each type's definition and fields, looked up once (the codebook scans and merges per call).
        of_type: dict[str, tuple[Any, dict]] = {}
        for event in events:
            spec = of_type.get(event.type)
            if spec is None:
                spec = of_type[event.type] = (
                    self.codebook.event_type(event.type),
                    self.codebook.fields_for(event.type),
                )
            event.fields["notes"] = FieldValue.found(render_notes(spec[0], event), alignment=Alignment.none)
            self.normalizer.fill_derived(event, document)
            event.fields = _ordered(spec[1], event.fields)
        return events

    # -- 1-2: text, names, dates -----------------------------------------------------
    def _prepare(self, document: Document) -> Ctx:
        text = document.text
        blocks = classify_blocks(text)
        kept = [b for b in blocks if b.kept]
        sentences = split_sentences(text, [(b.start, b.end) for b in kept])
        ctx = Ctx(
            document,
            sentences,
            [s.start for s in sentences],
            headlines=headlines(text, blocks),
            patterns=self._patterns,
            seats=self._seats,
        )
        # Names and dates are found region by region when a sentence's are first asked (facts.py).
        RegionFacts(ctx, kept, self.normalizer, self.fuzzy)
        # A title is no sentence of the body (not kept), but the lede may borrow its force.
        named = [self.normalizer.find_names(text, a, b, fuzzy=self.fuzzy) for a, b in ctx.headlines]
        ctx.headline_actors, ctx.headline_places = [n[0] for n in named], [n[1] for n in named]
        return ctx

    # -- 3: triggers and negative evidence -------------------------------------------
    def _triggers(self, ctx: Ctx):
        """(sentence index, type, trigger span, weight, hits) for every sentence that holds a
        trigger of the type, after requires cues and exclusion rules."""
        text = ctx.doc.text
        out = []
        if not ctx.sentences:
            return out
        # (pattern, start, end) -> found: requires cues and exclusion cues are
        # asked about the same sentence or clause again and again.
        cache: dict[tuple, bool] = {}
        # Each trigger runs only on the sentences holding a word it can start with; a
        # sentence's words are folded once (ctx.words) and shared by every pattern.
        where: dict[int, list[int]] = {}  # id(trigger pattern) -> sentences
        triggers = getattr(self, "_trigger_keys", None)
        if triggers is None:
            triggers = self._trigger_keys = frozenset(id(t.pattern) for ct in self.types for t in ct.triggers)
        for si in range(len(ctx.sentences)):
            for key in triggers.intersection(ctx.hits(si)):
                where.setdefault(key, []).append(si)
        prefixed = self._patterns.prefixed
        sentences, index_of = ctx.sentences, ctx.index_of
        for ct in self.types:
            per_sentence: dict[int, list[tuple[float, int, int, bool]]] = {}
            for trigger in ct.triggers:
                key = id(trigger.pattern)
                if key in prefixed:
                    candidates = [ci for ci in range(len(ctx.sentences)) if ctx.allows(key, ci)]
                else:
                    candidates = where.get(key, ())
                if not candidates:
                    continue
                needs = self._trigger_needs.get(key)
                if needs is not None:
                    candidates = [ci for ci in candidates if needs.allows(ctx.words(ci))]
                    if not candidates:
                        continue
                # Hits outside the kept sentences (furniture) are dropped.
                find, requires = ctx.finder(trigger.pattern), trigger.requires
                for ci in candidates:
                    # Plain loops, not a generator of matches: a frame switch per match adds up.
                    bounds = sentences[ci]
                    for m in find(ci, bounds.start, bounds.end):
                        si = index_of(m.start())
                        sentence = sentences[si]
                        if si < 0 or m.end() > sentence.end:
                            continue
                        if requires and not required_met(trigger, ct, cache, sentence, ctx, si, m.start()):
                            continue
                        if self._excluded(text, sentence, m.start(), ct, cache, ctx, si):
                            continue
                        if not trigger.any_subject and owned_by_other_side(ctx, si, m.start(), m.end(), ct):
                            continue
                        per_sentence.setdefault(si, []).append(
                            (trigger.weight, m.start(), m.end(), trigger.object_moves)
                        )
            for si, hits in per_sentence.items():
                weight, a, b, moves_object = max(hits, key=lambda h: (h[0], -h[1]))
                out.append((si, ct, (a, b), weight, len(hits), moves_object))
        rank = {id(ct): i for i, ct in enumerate(self.types)}
        out.sort(key=lambda o: (o[0], rank[id(o[1])]))
        return out

    @staticmethod
    def _excluded(text: str, sentence: Sentence, pos: int, ct: CompiledType, cache: dict, ctx: Ctx, si: int) -> bool:
        # The type's rules whose cue the sentence's words allow, listed once per sentence and type
        # (a sentence holds several trigger words, a long line tens of thousands of sentences).
        rules = cache.get(("rules", id(ct), si))
        if rules is None:
            hits, prefixed, needs = ctx.hits(si), ctx.patterns.prefixed, ctx.patterns.needs
            words = ctx.words(si)
            # The others: no word of the sentence can start the cue, or the sentence lacks a word
            # every match of it holds (Needs): no match in the sentence or any clause of it.
            rules = cache[("rules", id(ct), si)] = [
                rule
                for rule in ct.rules
                if (id(rule.cues) in hits or (id(rule.cues) in prefixed and ctx.allows(id(rule.cues), si)))
                and (id(rule.cues) not in needs or needs[id(rule.cues)].allows(words))
            ]
        if not rules:
            return False
        # The answer is the same for every trigger of the type in the clause (a sentence holds
        # two or three): asked once per type and clause.
        clause = ctx.clause(si, pos)
        key = ("excluded", id(ct), si, clause)
        found = cache.get(key)
        if found is None:
            found = False
            opening = _opening_phrase(ctx, si, clause) if any(rule.opening for rule in rules) else None
            for rule in rules:
                a, b = (sentence.start, sentence.end) if rule.scope == "sentence" else clause
                if (
                    opening is not None
                    and rule.opening
                    and rule.scope != "sentence"
                    and cached_allowed(cache, rule.cues, opening[0], opening[1], ctx, si)
                ):
                    found = True
                    break
                # A clause is inside its sentence: the sentence's words are a superset of its own.
                # (The rules listed are those the words allow: not asked again.)
                asked = (id(rule.cues), a, b)  # cached_allowed's entry, its words' test done
                hit = cache.get(asked)
                if hit is None:
                    hit = cache[asked] = ctx.exists(rule.cues, si, a, b)
                if hit and not (rule.unless is not None and rule.unless.search(text, a, b)):
                    found = True
                    break
            cache[key] = found
        return found

    # -- 4-5: arguments and events ---------------------------------------------------
    def _build(
        self,
        ctx: Ctx,
        si: int,
        ct: CompiledType,
        trig: tuple[int, int],
        weight: float,
        n_hits: int,
        moves_object: bool = False,
    ) -> list[Event]:
        """The events one trigger makes: arguments filled one by one (fill.py), one event per location.
        `moves_object`: the trigger is a verb that moves a force named as its object (`mover: object`).
        What the sentence says whatever the type (its numbers, sums, dates) is read once (ctx.memo)."""
        sentence = ctx.sentences[si]
        draft = start_draft(ctx.doc.text, weight, n_hits, trig)
        picked = fill_actors(draft, ctx, si, ct, trig, self._catch_all, ctx.back(si), moves_object)
        if picked is None:
            return []
        actor, assoc = picked
        doer: list[Mention] = []  # a force that seized the shipment: actor2, never actor1
        seizure = flag_doer(ctx, si, ct, actor, self._catch_all)
        if seizure is not None:
            owner, doer = seizure[0], [seizure[1]]
            if owner is None:
                return []
            assoc = [m for m in assoc if m.match.name not in (owner.match.name, doer[0].match.name)]
            actor = owner
        if is_generic(actor.match) and not any(reason == "unnamed force" for reason, _ in draft.reasons):
            # One fact, one reason: a force the sentence introduces unnamed is already marked down.
            draft.adjust("unnamed or generic actor", -0.05)
        plans = self._plans[ct.id]
        put_actors(draft, actor, assoc, plans)
        used = {actor.match.name} | {m.match.name for m in assoc} | {m.match.name for m in doer}
        others = doer + [m for m in ctx.actors[si] if m.match.name not in used and m.match.side not in ct.sides]
        tribal = [m for m in others if m.match.side == "tribal"]

        locations, near, borrowed = choose_location(ctx, si, trig, plans, draft.put)
        if not locations:
            return []
        if borrowed:
            draft.adjust("place from another sentence", -0.1)
        lo, hi = sentence.start, sentence.end
        text, folded = ctx.doc.text, ctx.folded()
        year_only = ctx.memo("year", si, lambda: only_a_year(text, lo, hi, folded))
        fill_date(
            draft,
            event_date(ctx, si, trig, actor.match.name),
            plans,
            ctx.doc.publication_date,
            year_only=year_only,
            day_named=ctx.names_a_day(si),
        )
        flagged = fill_type_fields(
            draft, self.normalizer, ct, lo, hi, trig, tribal, lambda plan: self._enum_near(ctx, si, plan), ctx.words(si)
        )
        money = ctx.memo("money", si, lambda: sentence_money(ct, text, lo, hi)) if ct.has_money else []
        numbers = ctx.memo("numbers", si, lambda: find_numbers(text, lo, hi, folded, ctx.words(si)))
        fill_counts(draft, ct, lo, hi, [(d.start, d.end) for d in ctx.dates[si]], money, folded, numbers)
        fill_money(
            draft,
            ct,
            money,
            [(ctx.sentences[i].start, ctx.sentences[i].end) for i in (si + 1, si - 1) if 0 <= i < len(ctx.sentences)],
        )
        fill_counterpart(draft, tribal or (others if flagged else []), plans)
        return events_at(draft, ct, locations, near, Span.found(ctx.doc.text, sentence.start, sentence.end))

    @staticmethod
    def _antecedent(ctx: Ctx, si: int, trig: tuple[int, int], last: tuple[int, Event] | None) -> Event | None:
        """The event a definite mention refers back to: "the convoy", "these reinforcements" a few
        sentences after a convoy was coded is that convoy again, not a second incident."""
        if last is None or not 0 < si - last[0] <= _REFERENCE_BACK:
            return None
        text = ctx.doc.text
        return last[1] if _DEFINITE.search(text[max(ctx.sentences[si].start, trig[0] - 40) : trig[0]]) else None

    def _enum_near(self, ctx: Ctx, si: int, plan) -> list:
        for other in (si - 1, si + 1):
            if 0 <= other < len(ctx.sentences):
                s = ctx.sentences[other]
                found = self.normalizer.enum_mentions(plan.spec, ctx.doc.text, s.start, s.end, ctx.words(other))
                if found:
                    return found
        return []


def _to_old_generation() -> None:
    """Move every object the collector tracks into its oldest generation, without walking them,
    after a document that left very many young ones. What coding leaves alive (the coded document:
    ~100 tracked objects an event, a million on a 5 MB page) sat in the youngest generation: the
    first collection after coding walked it all, the next one up walked it again (two seconds on
    that page, for objects freed by reference counting). In the oldest they are walked only by a
    full collection, which also collects any cycle made while coding (coding makes none: test_speed6_
    cycles). An article's few thousand are left young, as before. (gc.unfreeze puts the frozen
    objects there; skipped when the program froze objects of its own, which must stay frozen.)"""
    if gc.get_count()[0] >= _MANY_YOUNG and gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def _ordered(spec_fields: dict, fields: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """Fields in codebook order, so the output is the same byte for byte."""
    return {name: fields[name] for name in spec_fields if name in fields}


def _opening_phrase(ctx: Ctx, si: int, clause: tuple[int, int]) -> tuple[int, int] | None:
    """The short adverbial that opens sentence si before the given clause, set off by a comma
    ("In recent years, as the fighting died down, Hezbollah had pulled out ..."): it frames every
    clause after it, as a sentence-wide cue does (ExclusionRule.opening)."""
    text = ctx.doc.text
    start, end = ctx.clause(si, ctx.sentences[si].start)
    if (
        end >= clause[0]
        or not text.startswith(",", end)
        or len(text[start:end].split()) > _OPENING_WORDS
        or not _OPENING.match(text, start)
    ):
        return None
    return start, end
