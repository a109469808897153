"""A city's year of enforcement and supervision, streamed event by event: inspections, penalties,
licences and the other action types with their counterparts and officers, coercion and
demolition, flexible measures, non-site findings, and the supervision chain (clue → case →
stages, investigators, opinion, correction, determination → fault case → sanctions → review).

Every record is written as soon as it is made (see `Scene` for the little that is kept). The
events live by domain in `enforcement`, `penalties`, `coercion`, `oversight`, `supervision`
and `faults`; this module draws them in proportion and makes sure every table gets a record."""

from __future__ import annotations

from collections.abc import Callable

from jn_exchange.sample.coercion import Coercion
from jn_exchange.sample.enforcement import Enforcement
from jn_exchange.sample.faults import Faults
from jn_exchange.sample.oversight import Oversight
from jn_exchange.sample.penalties import Penalties
from jn_exchange.sample.scene import LICHENG, D, Scene
from jn_exchange.sample.supervision import Supervision
from jn_exchange.sample.world import World

# Weights of the events of a year: many inspections, fewer penalties, few supervision cases.
EVENTS = [("joint", 1.0), ("inspection", 49), ("penalty", 12.9), ("crime", 0.1), ("license", 8), ("other", 6), ("flexible", 5), ("nonsite", 4),
          ("coercion", 2.5), ("clue", 1.6), ("demolition", 0.4), ("levy", 0.3), ("directive", 0.15),
          ("evaluation", 0.1), ("prominent", 0.1), ("dispute", 0.1), ("appraisal", 0.03)]


class Activity:
    def __init__(self, world: World):
        self.scene = scene = Scene(world)
        self.rng, self.w = scene.rng, scene.w
        self.penalties = Penalties(scene)
        self.enforcement = Enforcement(scene, self.penalties)
        self.coercion = Coercion(scene)
        self.oversight = Oversight(scene)
        self.faults = Faults(scene)
        self.supervision = Supervision(scene, self.faults)
        enf, pen, co, ov = self.enforcement, self.penalties, self.coercion, self.oversight
        self.events: dict[str, Callable[[], object]] = {
            "joint": enf.joint, "inspection": enf.inspection, "penalty": pen.penalty, "crime": pen.crime,
            "license": enf.license, "other": enf.other, "flexible": enf.flexible, "nonsite": enf.nonsite,
            "coercion": co.coercion, "clue": self.supervision.clue, "demolition": co.demolition, "levy": enf.levy,
            "directive": ov.directive, "evaluation": ov.evaluation, "prominent": ov.prominent, "dispute": ov.dispute,
            "appraisal": ov.appraisal}

    def showcase(self) -> None:
        """One of every kind of record first, so that even a small package has every table and
        every branch (major decision, crime transfer, demolition with notarised inventory, ...)."""
        enf, pen, co, ov = self.enforcement, self.penalties, self.coercion, self.oversight
        for joint in (True, False):
            enf.inspection(joint=joint, result="2")
        enf.inspection(result="3")
        pen.penalty(variant="major")
        pen.penalty(variant="crime")
        pen.penalty(variant="no_penalty")
        pen.penalty()
        enf.license()
        enf.other()
        co.coercion()
        co.demolition(status="3", risk=True, attestation="1")
        co.demolition(status="2", risk=False, attestation="2")
        for t in ("05", "06"):
            if t in self.scene.by_type:
                enf.levy(t)
        enf.flexible()
        enf.nonsite("1")
        enf.nonsite("2")
        ov.evaluation()
        ov.prominent()
        ov.dispute()
        ov.appraisal()
        ov.directive()
        self._supervision_showcase()

    def _supervision_showcase(self) -> None:
        world, sup = self.scene.world, self.supervision
        licheng = LICHENG if LICHENG in world.counties else None
        other = next(c for c in world.counties if c != LICHENG)
        sup.clue({"county": licheng, "disposition": "1", "finding": "2", "conflict": True, "complex": True,
                  "technical": True, "hearing": True, "review": True, "source": "06"})
        for f in ("1", "3", "4"):
            sup.clue({"county": licheng, "disposition": "1", "finding": f, "extension": f == "3", "review": f == "3"})
        sup.clue({"county": other, "disposition": "1", "finding": "2", "transfer": True})
        sup.clue({"county": other, "disposition": "2", "source": "01", "clarify": True})
        # a fault case with every kind of subject, situation and sanction, and a review
        target = next(a for a in self.scene.acting if a.county == other and a.kind == "market")
        handler = next((o for o in target.certified if "officer:" + o.id not in self.faults.liable), target.certified[0])
        self.faults.fault_case(world.justice[other], target, handler, None,
                               self.scene.last_action.get(target.id, (None,))[0], D(2025, 6, 2), source="2", full=True)

    def run(self, target_rows: int, progress: Callable[[int], None] | None = None) -> None:
        self.showcase()
        names = [e for e, _ in EVENTS]
        weights = [wt for _, wt in EVENTS]
        while self.w.total < target_rows:
            self.events[self.rng.choices(names, weights=weights)[0]]()
            if progress is not None:
                progress(self.w.total)
        self.fill_gaps()

    def fill_gaps(self) -> None:
        """Tables that chance left empty in a small package get one record (after the random
        year, so that packages where chance filled them are unchanged)."""
        counts = self.w.counts
        if not counts["credit_rating"] or not counts["incentive_measure"]:
            a = self.scene.pick("04")
            company = self.scene.counterpart(a, person=False, fresh=True)
            while company["category"] != "1":
                company = self.scene.counterpart(a, person=False, fresh=True)
            self.scene.credit(company, force_incentive=True)
        if not counts["clarification"] and LICHENG in self.scene.world.counties:
            self.supervision.clue({"county": LICHENG, "disposition": "2", "source": "01", "clarify": True})
        self.oversight.licheng_records()
        if not counts["case_file_review"]:
            self.penalties.penalty(force_review=True)
