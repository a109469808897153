"""Administrative penalties: the decision with its discretion grade, kinds and amounts, and what
may follow it (legal review of a major decision, transfer of a suspected crime, case-file review)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jn_exchange.sample import fakes
from jn_exchange.sample.scene import DAY, D, Part
from jn_exchange.sample.world import KINDS, Agency


class Penalties(Part):
    def penalty(self, a: Agency | None = None, cp: dict[str, Any] | None = None, start: D | None = None,
                source: str | None = None, variant: str | None = None, non_site: str | None = None,
                force_review: bool = False) -> str:
        rng, w = self.rng, self.w
        a = a or self.s.pick("01")
        cp = cp or self.s.counterpart(a)
        start = start or self.s.day()
        mid = rng.choice(a.matters["01"])
        grades = a.benchmarks[mid]
        g = 2 if variant == "major" else rng.choices([0, 1, 2], weights=[6, 3, 1])[0]
        bench = grades[g]
        # 简易程序 (行政处罚法 第五十一条): at most 200 yuan for a person, 3000 for an organisation,
        # and still inside the benchmark grade (JN-DSC-004)
        summary = variant is None and g == 0 and rng.random() < 0.2 and bench["min"] <= (200 if cp["category"] == "2" else 3000)
        if variant == "crime":
            decision, outcome = None, "4"
        elif summary:
            decision, outcome = start, "1"
        else:
            decision, outcome = start + DAY * rng.randint(20, 60), "1"
        list_type = None
        if variant == "no_penalty" or (variant is None and g == 0 and "1" in a.list_items and rng.random() < 0.05):
            list_type, outcome = "1", "2"
        elif variant is None and "3" in a.list_items and rng.random() < 0.1:
            list_type = "3"
        elif g == 2 and "4" in a.list_items and rng.random() < 0.3 and outcome == "1":  # a list only with a penalty (JN-LST-001)
            list_type = "4"
        kinds: list[str] = []
        fine = confiscation = None
        if outcome == "1":
            kinds = ["03"] + (["01"] if rng.random() < 0.3 else []) + (["04"] if rng.random() < 0.1 else [])
            lo, hi = max(bench["min"], 200), bench["max"]
            fine = float(round(rng.uniform(lo, hi) / 100) * 100)
            if summary:
                fine = 200.0 if cp["category"] == "2" else float(max(1000, bench["min"]))
            if "04" in kinds:
                confiscation = float(rng.randint(5, 200) * 100)
        major = (fine or 0) >= 50000 or variant == "major"
        service: D | None = None
        close: D | None = None
        if decision is not None:
            service = decision if summary else decision + DAY * rng.randint(1, 3)
            close = service + DAY * rng.randint(10, 40)
        elif variant == "crime":
            close = start + DAY * 25
        aid = self.s.action(
            a, "01", start, cp, matter=mid, decision=decision, close=close, doc_kind="罚" if outcome == "1" else "不罚",
            source_action_id=source, is_non_site=bool(non_site), non_site_mode=non_site,
            publicity_status="1" if outcome == "1" and cp["category"] != "2" else "4" if outcome == "1" else "3",
            publicity_date=decision + DAY * 3 if decision is not None and outcome == "1" and cp["category"] != "2" else None,
            is_major_decision=major, major_decision_reason="5" if major else None,
            suspected_crime=variant == "crime", status="3" if close else "1")
        gname = ("较轻", "一般", "严重")[g]
        w.row("penalty_decision", action_id=aid, procedure="1" if summary else "2", decision_outcome=outcome,
              violation_type=KINDS[a.kind]["types"]["01"][a.matters["01"].index(mid) % len(KINDS[a.kind]["types"]["01"])].removeprefix("对").removesuffix("的行政处罚"),
              violation_facts="经查，当事人存在上述违法行为，有现场检查笔录、询问笔录、照片等证据为证。",
              violated_provision="有关法律法规的禁止性规定", legal_basis="有关法律法规的罚则条款",
              penalty_content={"1": "罚款" + (f"{fine:.0f}元" if fine else ""), "2": "不予行政处罚",
                               "4": "移送公安机关"}.get(outcome),
              fine_amount=fine, confiscation_amount=confiscation,
              confiscated_items=None, benchmark_id=bench["id"],
              discretion_statement=None if outcome == "4" else
              f"适用本单位行政处罚裁量基准第{g + 1}阶次（{gname}），在{bench['min']}元至{bench['max']}元幅度内裁量",
              discretion_adjusted=False, applied_list_type=list_type,
              list_item_id=a.list_items.get(list_type) if list_type else None,
              hearing_held=major, excluded_days=None, deadline_extended=False,
              delivered_on_spot=summary if decision else None, service_date=service,
              publicity_deadline=decision + dt.timedelta(days=365 * 3)
              if decision is not None and outcome == "1" and cp["category"] != "2" else None)
        for k in kinds:
            w.row("penalty_decision_kind", action_id=aid, penalty_kind=k,
                  kind_content={"03": f"罚款{fine:.0f}元" if fine else None, "01": "警告",
                                "04": f"没收违法所得{confiscation:.0f}元" if confiscation else None}.get(k))
        if major:
            assert decision is not None      # major: a fine, or variant "major"; both are penalties (outcome "1")
            reviewer = a.certified[-1]
            w.row("legal_review", legal_review_id=self.s.nid("LR", 6), action_id=aid, review_round=1,
                  review_agency_id=(a.entrusting or a).id, is_collaborative=False, reviewer_officer_id=reviewer.id,
                  reviewer_role="1", submitted_date=decision - DAY * 8, review_date=decision - DAY * 4,
                  conclusion="1", opinion="事实清楚，证据确凿，适用依据正确，程序合法，裁量适当")
        if variant == "crime":
            w.row("case_transfer", transfer_id=self.s.nid("CT", 6), transfer_type="1", agency_id=(a.entrusting or a).id,
                  action_id=aid, other_party_name=f"济南市公安局{fakes.COUNTY_BY_CODE[self.s.county_of(a)][1]}分局",
                  transfer_date=start + DAY * 20, transfer_doc_no=self.s.doc(a, "移", start.year),
                  case_summary="涉案金额较大，涉嫌构成犯罪", suspected_offence="生产、销售不符合安全标准的食品罪",
                  receipt_date=start + DAY * 22, outcome="1", outcome_date=start + DAY * 25, assisted_investigation=True)
        if close and (rng.random() < 0.08 or force_review):
            reviewing = self.world.justice.get(a.county) or self.world.justice[None]
            w.row("case_file_review", file_review_id=self.s.nid("FR", 6), action_id=aid, reviewing_agency_id=reviewing.id,
                  review_program=f"{start.year}年度行政执法案卷评查", review_date=max(close + DAY * 20, D(2025, 12, 10)),
                  is_electronic_file=True, score=float(rng.randint(82, 98)), grade=rng.choice("12"),
                  rectification_required=False)
        return aid

    def crime(self) -> str:
        return self.penalty(variant="crime")
