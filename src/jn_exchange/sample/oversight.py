"""Oversight of enforcement as a whole: evaluations, prominent issues, jurisdiction disputes,
satisfaction appraisals and supervision directives."""

from __future__ import annotations

from jn_exchange.sample.scene import DAY, YEAR_START, D, Part


class Oversight(Part):
    def evaluation(self) -> None:
        rng, w = self.rng, self.w
        a = rng.choice([x for x in self.s.acting if not x.entrusting])
        eid = self.s.nid("EV", 5)
        start = self.s.day(YEAR_START, D(2025, 9, 30))
        w.row("enforcement_evaluation", evaluation_id=eid, agency_id=a.id, trigger=rng.choice("12"),
              subject=rng.choice(["占道经营屡禁不止", "夜间施工噪声扰民投诉集中", "电动自行车违规充电"]),
              time_place_pattern="夏季夜间，商业街区周边", domain=a.domain, start_date=start,
              completion_date=start + DAY * 45, measures_adjusted=True,
              adjustment_description="调整巡查时段，增加夜间错时执法并推行柔性执法", report_date=start + DAY * 50,
              report_recipient="同级人民政府")
        for dim in "123":
            w.row("evaluation_dimension_result", evaluation_id=eid, dimension=dim, conclusion=rng.choice("12"),
                  finding="执法措施总体符合要求，部分时段执法力量配置需优化")

    def prominent(self) -> None:
        rng = self.rng
        county = rng.choice(self.world.counties)
        lead = self.world.justice[county]
        target = rng.choice([x for x in self.s.acting if x.county == county])
        listed = self.s.day(YEAR_START, D(2025, 9, 30))
        self.w.row("prominent_issue", issue_id=self.s.nid("PI", 5), lead_agency_id=lead.id, agency_id=target.id,
                   source=rng.choice("12"), domain=target.domain, issue_title="执法“一刀切”“运动式”问题",
                   issue_description="群众反映部分区域集中整治中存在简单化执法现象", listed_date=listed,
                   rectification_measures="制定整改清单，开展执法人员专题培训", rectification_deadline=listed + DAY * 60,
                   completed_date=listed + DAY * 50, rectification_result="已完成整改并建立长效机制")

    def dispute(self) -> None:
        rng = self.rng
        county = rng.choice(self.world.counties)
        a = self.world.by_kind[(county, "urban")]
        b = self.world.by_kind[(county, "market")]
        coord = self.world.justice[county]
        raised = self.s.day(YEAR_START, D(2025, 10, 31))
        self.w.row("jurisdiction_dispute", dispute_id=self.s.nid("JD", 5), dispute_type="1", raising_agency_id=a.id,
                   counter_agency_id=b.id, matter_id=a.matters["01"][0],
                   dispute_description="流动摊贩销售食品的查处职责存在争议", raised_date=raised,
                   coordinating_agency_id=coord.id, resolution_method="2", resolved_date=raised + DAY * 12,
                   determined_agency_id=a.id, resolution="由综合行政执法部门负责查处，市场监管部门配合")

    def appraisal(self) -> None:
        city = self.world.justice[None]
        self.w.row("enforcement_appraisal", appraisal_id=self.s.nid("AP", 4), appraisal_type="2",
                   organizing_agency_id=city.id, period_start=D(2025, 1, 1), period_end=D(2025, 11, 30),
                   completion_date=D(2025, 12, 20), indicator_system="行政执法人民群众满意度测评指标体系（2025年版）",
                   third_party_name="山东齐鲁民意调查咨询有限公司", sample_size=3000, satisfaction_rate=93.6,
                   findings_summary="群众对执法规范性、文明性评价较高，对执法效率仍有期待",
                   report_doc_no="济司函〔2025〕88号", reported_to_government_date=D(2025, 12, 28))

    def directive(self) -> None:
        rng = self.rng
        county = rng.choice(self.world.counties)
        issuer = self.world.justice[county]
        target = rng.choice([x for x in self.s.acting if x.county == county and not x.entrusting])
        issued = self.s.day(YEAR_START, D(2025, 10, 31))
        last = self.s.last_action.get(target.id)
        self.w.row("supervision_directive", directive_id=self.s.nid("SD", 5), issuing_agency_id=issuer.id,
                   target_agency_id=target.id, target_action_id=last[0] if last and last[1] < issued else None,
                   trigger=rng.choice("123"), incident_summary="同类投诉反复发生，群众反映强烈", issue_date=issued,
                   doc_no=self.s.doc(issuer, "督", issued.year), deadline=issued + DAY * 30,
                   completed_date=issued + DAY * rng.randint(10, 28), result_summary="已完成整改并书面报告")
