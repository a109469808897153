"""Fault cases (004): the case, its situations, the liable unit and staff with their sanctions,
aggravating, mitigating and exempting situations, investigators, statements of defence and a review."""

from __future__ import annotations

from jn_exchange.sample.scene import DAY, D, Part, Scene
from jn_exchange.sample.world import Agency, Officer


class Faults(Part):
    def __init__(self, scene: Scene):
        super().__init__(scene)
        # decision dates of the fault cases in which each officer / unit was held liable (004 第十条（二）)
        self.liable: dict[str, list[D]] = {}

    def fault_case(self, sup: Agency, target: Agency, officer: Officer, scid: str | None, action_id: str | None,
                   start: D, source: str, full: bool = False) -> str:
        rng, w = self.rng, self.w
        fid = self.s.nid("FC", 5)
        filing = start + DAY * 2
        end = filing + DAY * rng.randint(12, 24)   # decided within 30 days (004 第十九条)
        approval = end + DAY * 3
        decision = approval + DAY * 2
        notified = decision + DAY * 2
        w.row("fault_case", fault_case_id=fid, case_no=self.s.doc(sup, "过", filing.year),
              accountability_authority=target.authority, supervising_agency_id=sup.id, source=source,
              referring_body_name="区纪委监委" if source == "2" else None, supervision_case_id=scid,
              target_action_id=action_id, case_summary="行政执法过错责任追究", handling_mode="1",
              verification_start_date=start, filing_date=filing, joint_with_discipline_body=False,
              investigation_end_date=end, is_complex=False, government_approval_date=approval,
              decision_date=decision, decision_doc_no=self.s.doc(sup, "过决", decision.year),
              result_notified_date=notified)
        for o in [o for o in sup.certified if o.id != officer.id][:2]:   # 004 第十八条: two investigators
            w.row("fault_case_investigator", fault_case_id=fid, officer_id=o.id, certificate_no=o.certificate_no,
                  assigned_date=filing, has_conflict_of_interest=False, recused=False)
        for code in (["1", "3"] if full else [rng.choice("1234")]):
            w.row("fault_case_situation", fault_case_id=fid, fault_situation=code, explanation="经调查核实")
        unit = self.s.nid("FS", 6)
        history = self._liability("unit:" + target.id, decision)
        unit_outcome = {"repeat": "2", "later": "7"}.get(history, "2" if full else "1")
        w.row("fault_case_subject", subject_id=unit, fault_case_id=fid, subject_type="1", agency_id=target.id,
              responsibility_degree="1", responsibility_share=100.0, liability_outcome=unit_outcome)
        if unit_outcome != "7":
            w.row("unit_sanction", subject_id=unit, sanction="1", detail="责令限期整改", executed_date=decision + DAY * 10)
        if full and unit_outcome != "7":
            w.row("unit_sanction", subject_id=unit, sanction="2", detail="向同级人民政府作出书面检查",
                  executed_date=decision + DAY * 12)
            w.row("subject_aggravating_situation", subject_id=unit, situation="1", explanation="拒不纠正违法执法行为")
        if history == "repeat":
            w.row("subject_aggravating_situation", subject_id=unit, situation="2", explanation="一年内第二次被追究过错责任")
        handler = self.s.nid("FS", 6)
        history = self._liability("officer:" + officer.id, decision)
        staff_outcome = {"repeat": "2", "later": "7"}.get(history, "3" if full else "1")
        w.row("fault_case_subject", subject_id=handler, fault_case_id=fid, subject_type="2", agency_id=target.id,
              officer_id=officer.id, staff_role="1", actual_role_description="案件承办人",
              responsibility_degree="2", liability_outcome=staff_outcome)
        if staff_outcome != "7":
            w.row("staff_sanction", subject_id=handler, sanction=rng.choice("12"), detail="由所在单位执行",
                  executed_date=decision + DAY * 7)
        if history == "repeat":
            w.row("subject_aggravating_situation", subject_id=handler, situation="2", explanation="一年内第二次被追究过错责任")
        w.row("statement_of_defense", statement_id=self.s.nid("SOD", 6), fault_case_id=fid, subject_id=handler,
              subject_type="2", agency_id=target.id, officer_id=officer.id, statement_date=end - DAY * 3,
              waived=False, statement_form="1", content_summary="对承办过程作出说明", adopted=True,
              adoption_explanation="部分采纳，作为从轻考量")
        if full and staff_outcome == "3":
            w.row("subject_mitigating_situation", subject_id=handler, situation="4", explanation="积极配合调查")
        if full:
            approver_officer = next(o for o in target.certified if o.id != officer.id)
            exempt = self.s.nid("FS", 6)
            w.row("fault_case_subject", subject_id=exempt, fault_case_id=fid, subject_type="2", agency_id=target.id,
                  officer_id=approver_officer.id, staff_role="3", actual_role_description="审批人",
                  responsibility_degree="4", liability_outcome="5")
            w.row("subject_exemption_situation", subject_id=exempt, situation="4",
                  explanation="对证据认识不一致，不存在故意或者明显过失")
            received = notified
            app = received + DAY * 8
            w.row("review_application", review_application_id=self.s.nid("RA", 5), reviewed_decision_type="2",
                  fault_case_id=fid, subject_id=handler, applicant_type="2", applicant_agency_id=target.id,
                  applicant_officer_id=officer.id, review_agency_id=sup.id, decision_received_date=received,
                  application_date=app, is_written=True, application_reasons="认为处理过重",
                  review_decision_date=app + DAY * 25, review_doc_no=self.s.doc(sup, "过复", app.year), outcome="1")
        return fid

    def _liability(self, who: str, decision: D) -> str:
        """'repeat' when `who` was already held liable within the year before `decision` (an
        aggravating situation, 004 第十条（二）), 'later' when a case decided within the following
        year exists (generated first: this one then ends without liability, so the other stays
        the first), else 'first'. Records the decision unless 'later'."""
        dates = self.liable.setdefault(who, [])
        if any(_years(decision, -1) < d <= decision for d in dates):
            dates.append(decision)
            return "repeat"
        if any(decision < d <= _years(decision, 1) for d in dates):
            return "later"
        dates.append(decision)
        return "first"


def _years(day: D, n: int) -> D:
    try:
        return day.replace(year=day.year + n)
    except ValueError:  # 29 February
        return day.replace(year=day.year + n, day=28)
