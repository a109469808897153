"""The supervision chain: a clue, the supervision case it opens (investigators, methods,
technical periods, transfer), the opinion and correction, and the duty determination of 003
that may lead to a fault case (`Faults`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jn_exchange.sample import fakes
from jn_exchange.sample.faults import Faults
from jn_exchange.sample.scene import DAY, LICHENG, S3_FROM, D, Part, Scene
from jn_exchange.sample.world import Agency, Officer


@dataclass
class _Case:
    """A supervision case as its later steps need it."""
    id: str
    sup: Agency
    target: Agency
    action_id: str | None
    force: dict[str, Any]
    s3: bool                 # handled under 003 (历城区 from 2025-03-01): determination and stages
    finding: str
    transfer: bool
    tech: bool
    filing: D
    end: D
    decision: D
    notice: D
    team: list[Officer]


class Supervision(Part):
    def __init__(self, scene: Scene, faults: Faults):
        super().__init__(scene)
        self.faults = faults
        self.lenient: set[str] = set()   # officers already tolerated or treated leniently (003)

    def clue(self, force: dict[str, Any] | None = None) -> None:
        rng, w = self.rng, self.w
        force = force or {}
        county = force.get("county") or rng.choice(self.world.counties)
        receiver = self.world.justice[county]
        targets = [x for x in self.s.acting if x.county == county and not x.entrusting and x.id in self.s.last_action]
        if not targets:
            return
        target = rng.choice(targets)
        action_id, action_day = self.s.last_action[target.id]
        received = max(action_day + DAY * rng.randint(5, 30), S3_FROM + DAY * 10)
        if received > D(2025, 12, 31):
            received = D(2025, 12, 31)
        source = force.get("source") or rng.choice(["01", "02", "03", "04", "05", "06", "10", "11"])
        named = source in ("01", "02", "06") and rng.random() < 0.6
        disposition = force.get("disposition") or rng.choices("12345", weights=[6, 1.5, 1, 1, 0.5])[0]
        cid = self.s.nid("CL", 6)
        disp_day = received + DAY * rng.randint(2, 6)
        w.row("supervision_clue", clue_id=cid, receiving_agency_id=receiver.id, clue_source=source,
              received_date=received,
              referring_body_name={"07": "区纪委监委", "08": "区人民政府行政复议办公室"}.get(source),
              target_agency_id=target.id, target_action_id=action_id,
              summary=rng.choice(["反映执法人员检查时态度粗暴", "反映罚款数额明显过高", "反映举报违法建设后长期未予查处",
                                  "反映同一事项重复检查"]),
              is_named_report=named, informant_ref=f"INF{received:%Y%m%d}{rng.randint(0, 9999):04d}" if named else None,
              disposition=disposition, disposition_date=disp_day,
              feedback_date=disp_day + DAY * 5 if named else None, feedback_mode="1" if named else None)
        if disposition == "1":
            self.case(receiver, target, cid, action_id, disp_day, force)
        elif disposition == "2" and (force.get("clarify") or rng.random() < 0.4):
            reason = rng.choice("12")   # drawn in every district, so the rest of the sample stays as it was
            if county == LICHENG:       # clarification is 003's (历城区, 第二十二条)
                self.w.row("clarification", clarification_id=self.s.nid("CLR", 5), organizing_agency_id=receiver.id,
                           clue_id=cid, subject_type="1", agency_id=target.id, reason=reason,
                           clarification_date=disp_day + DAY * 10, clarification_scope="在被反映单位内部及相关单位范围内",
                           method_description="召开澄清正名会议并书面说明调查结论")

    def case(self, sup: Agency, target: Agency, clue_id: str | None, action_id: str | None, start: D,
             force: dict[str, Any]) -> None:
        c = self._open_case(sup, target, clue_id, action_id, start, force)
        self._investigate(c)
        determination, last = self._conclude(c)
        if c.s3:
            stages = [("1", c.filing, c.filing), ("2", c.filing, c.end), ("3", c.end, c.decision),
                      ("4", c.decision, c.notice), ("5", c.notice, last), ("6", last + DAY, last + DAY * 5)]
            for code, a_, b_ in stages:
                self.w.row("supervision_case_stage", supervision_case_id=c.id, stage=code, start_date=a_, end_date=b_,
                           responsible_officer_id=c.team[0].id)
        if force.get("review") and determination:
            received = c.notice
            app = received + DAY * 10
            self.w.row("review_application", review_application_id=self.s.nid("RA", 5), reviewed_decision_type="1",
                       supervision_case_id=c.id, determination_id=determination, applicant_type="1",
                       applicant_agency_id=target.id, review_agency_id=sup.id, decision_received_date=received,
                       application_date=app, is_written=True, application_reasons="认为认定事实有误",
                       review_decision_date=app + DAY * 20, review_doc_no=self.s.doc(sup, "复核", app.year),
                       outcome="1")

    def _open_case(self, sup: Agency, target: Agency, clue_id: str | None, action_id: str | None, start: D,
                   force: dict[str, Any]) -> _Case:
        """Draw the case's course (finding, transfer, complexity, dates) and write the case."""
        rng, w = self.rng, self.w
        s3 = sup.county == LICHENG and start >= S3_FROM
        finding = force.get("finding") or rng.choices("123456", weights=[3.5, 2, 2, 0.5, 1, 1])[0]
        transfer = force.get("transfer", rng.random() < 0.12)
        complex_ = force.get("complex", rng.random() < 0.05)
        filing = start + DAY * rng.randint(0, 2)
        tech = s3 and force.get("technical", rng.random() < 0.1)
        inv_days = rng.randint(10, 24) + (7 if tech else 0)
        ext_days = None
        if complex_:
            ext_days = 20
            inv_days = 30 + 12 + (7 if tech else 0)
        end = filing + DAY * inv_days
        decision = end + DAY * rng.randint(1, 2)
        notice = decision + DAY * rng.randint(1, 4)
        hearing = force.get("hearing", False)
        approver = sup.officers[0]
        scid = self.s.nid("SC", 6)
        w.row("supervision_case", supervision_case_id=scid, case_no=self.s.doc(sup, "监立", filing.year),
              supervising_agency_id=sup.id, target_agency_id=target.id, target_action_id=action_id, clue_id=clue_id,
              procedure_basis="1" if s3 else "2", case_summary="对被反映的行政执法行为的合法性、适当性进行监督调查",
              handling_mode="2" if transfer else "1", start_date=start, duty_review_start_date=start if s3 else None,
              filing_date=filing, hearing_held=hearing, hearing_date=end - DAY * 3 if hearing else None,
              hearing_host_name=fakes.person_name(rng) if hearing else None, investigation_end_date=end,
              is_complex=complex_, extension_days=ext_days,
              extension_approved_date=filing + DAY * 27 if complex_ else None,
              extension_approver_id=approver.id if complex_ else None, decision_date=decision,
              decision_doc_no=self.s.doc(sup, "监决", decision.year), finding=finding, notice_date=notice)
        team = [o for o in sup.certified if o is not approver][:2] if len(sup.certified) > 2 else sup.certified[:2]
        return _Case(scid, sup, target, action_id, force, s3, finding, transfer, tech, filing, end, decision, notice,
                     team)

    def _investigate(self, c: _Case) -> None:
        """Investigators (one recused for a conflict of interest when asked), methods, a technical
        period, a transfer to the target agency."""
        rng, w, sup, filing = self.rng, self.w, c.sup, c.filing
        for o in c.team:
            w.row("supervision_investigator", supervision_case_id=c.id, officer_id=o.id, certificate_no=o.certificate_no,
                  assigned_date=filing, has_conflict_of_interest=False, recused=False)
        if c.force.get("conflict"):
            other = [o for o in sup.certified if o not in c.team]
            if other:
                w.row("supervision_investigator", supervision_case_id=c.id, officer_id=other[0].id,
                      certificate_no=other[0].certificate_no, assigned_date=filing, has_conflict_of_interest=True,
                      conflict_description="与被调查执法人员系近亲属", recused=True, recusal_date=filing + DAY)
        w.row("supervision_case_method", supervision_case_id=c.id, method="01", first_used_date=filing + DAY,
              method_description="调阅并审查执法案卷")
        w.row("supervision_case_method", supervision_case_id=c.id, method="02", first_used_date=filing + DAY * 3,
              method_description="询问承办执法人员和当事人")
        if c.tech:
            w.row("technical_period", technical_period_id=self.s.nid("TP", 5), supervision_case_id=c.id, kind="3",
                  subject_matter="现场噪声检测", institution_name="山东省计量科学研究院", start_date=filing + DAY * 5,
                  end_date=filing + DAY * 12, report_no=f"JC{filing.year}{rng.randint(1000, 9999)}")
        if c.transfer:
            td = filing + DAY * 2
            result = td + DAY * rng.randint(10, 20)
            w.row("supervision_transfer", supervision_transfer_id=self.s.nid("ST", 5), supervision_case_id=c.id,
                  receiving_agency_id=c.target.id, transfer_date=td, transfer_doc_no=self.s.doc(sup, "监移", td.year),
                  transferred_matters="被反映执法行为的调查核实", received_date=td + DAY, result_date=result,
                  result_summary="已调查核实并提交书面调查报告", result_reported_date=result + DAY * 3)

    def _conclude(self, c: _Case) -> tuple[str | None, D]:
        """Statement of defence and opinion when the finding is adverse, the determination (003) or
        fault case (004), and the correction. Returns the determination and the case's last day."""
        rng, w, sup, target, decision, finding = self.rng, self.w, c.sup, c.target, c.decision, c.finding
        bad = finding in ("2", "3", "4")
        officer = self._handler(c.action_id, target)
        if bad:
            w.row("statement_of_defense", statement_id=self.s.nid("SOD", 6), supervision_case_id=c.id, subject_type="1",
                  agency_id=target.id, statement_date=c.end - DAY * 2, waived=False, statement_form="1",
                  content_summary="对调查认定的事实提出说明", adopted=False, adoption_explanation="申辩理由不能成立")
        opinion = None
        if bad:
            opinion = self.s.nid("OP", 5)
            w.row("supervision_opinion", opinion_id=opinion, supervision_case_id=c.id, issuing_agency_id=sup.id,
                  target_agency_id=target.id, doc_no=self.s.doc(sup, "监意", decision.year), issue_date=decision,
                  served_date=decision + DAY * 2, nature=finding, problems="执法程序不规范，裁量说明不充分",
                  recommendations="依法予以纠正，完善裁量说明和全过程记录", reply_date=decision + DAY * 25)
        determination = None
        if c.s3 and finding in ("1", "2", "3", "4"):
            determination = self.determination(c.id, target, officer, finding, decision)
        elif finding == "2" and not c.s3:
            self.faults.fault_case(sup, target, officer, c.id, c.action_id, decision + DAY * 3, source="1",
                                   full=rng.random() < 0.25)
        last = c.notice
        if bad:
            last = max(last, self._correction(c, opinion, determination))
        return determination, last

    def _correction(self, c: _Case, opinion: str | None, determination: str | None) -> D:
        """The correction ordered after an adverse finding; returns the day it was completed."""
        issued = c.decision + DAY
        extension = c.force.get("extension", False)
        deadline = issued + DAY * 30
        completed = issued + DAY * (40 if extension else self.rng.randint(10, 28))
        self.w.row("correction", correction_id=self.s.nid("COR", 5), supervision_case_id=c.id, opinion_id=opinion,
                   determination_id=determination, target_type="1", agency_id=c.target.id, reason="执法行为违法或者不当",
                   matters="按照监督意见书纠正", requirement="30日内完成整改并书面报告", issued_date=issued,
                   deadline=deadline, extension_requested=extension,
                   extension_request_date=deadline - DAY * 5 if extension else None,
                   extension_approved=True if extension else None,
                   extended_deadline=deadline + DAY * 15 if extension else None, completed_date=completed,
                   completion_summary="已完成整改", follow_up_date=completed + DAY * 3)
        return completed

    def _handler(self, action_id: str | None, target: Agency) -> Officer:
        # the case handler; one not yet treated leniently where the agency has one (003 第十二条（五）)
        return next((o for o in target.certified if o.id not in self.lenient), target.certified[0])

    def determination(self, scid: str, target: Agency, officer: Officer, finding: str, when: D) -> str:
        rng, w = self.rng, self.w
        dtype = {"1": "1", "3": "2", "4": "3", "2": "4"}[finding]
        # leniency once per officer: a second mistake after it is not tolerated (003 第十二条（五）)
        repeat = dtype in ("2", "3") and officer.id in self.lenient
        if repeat:
            dtype = "4"
        elif dtype in ("2", "3"):
            self.lenient.add(officer.id)
        did = self.s.nid("DD", 5)
        fault = None
        if dtype == "4":
            fault = self.faults.fault_case(self.world.justice[target.county], target, officer, scid, None, when + DAY * 3,
                                    source="1")
        w.row("duty_determination", determination_id=did, supervision_case_id=scid, subject_type="2",
              agency_id=target.id, officer_id=officer.id, determination_type=dtype,
              treatment={"2": "3", "3": "1"}.get(dtype), is_enforcement_error=dtype in ("3", "4"),
              fault_case_id=fault, decision_date=when, decision_doc_no=self.s.doc(self.world.justice[target.county], "容", when.year),
              reasons="经核查，依照实施办法有关规定作出认定")
        table, codes = {"1": ("determination_duty_situation", ["01", "02", "05"]),
                        "2": ("determination_tolerance_situation", ["02", "03", "04"]),
                        "3": ("determination_reduction_situation", ["1", "2"]),
                        "4": ("determination_no_tolerance_situation", ["1", "3"])}[dtype]
        w.row(table, determination_id=did, situation="5" if repeat else rng.choice(codes),
              explanation="经调查核实，符合该情形")
        return did
