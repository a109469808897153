"""Oversight of enforcement as a whole: evaluations, prominent issues, jurisdiction disputes,
satisfaction appraisals, supervision directives, and 历城区's supervision records (work reports,
error-prone warnings, the annual supervision plan)."""

from __future__ import annotations

from jn_exchange.sample.scene import DAY, LICHENG, YEAR_START, D, Part


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
        # appraisals are 002's (历城区, task 15): organised by 历城区's justice bureau
        organizer = self.world.justice.get(LICHENG) or self.world.justice[None]
        self.w.row("enforcement_appraisal", appraisal_id=self.s.nid("AP", 4), appraisal_type="2",
                   organizing_agency_id=organizer.id, period_start=D(2025, 1, 1), period_end=D(2025, 11, 30),
                   completion_date=D(2025, 12, 20), indicator_system="行政执法人民群众满意度测评指标体系（2025年版）",
                   third_party_name="山东齐鲁民意调查咨询有限公司", sample_size=3000, satisfaction_rate=93.6,
                   findings_summary="群众对执法规范性、文明性评价较高，对执法效率仍有期待",
                   report_doc_no="济司函〔2025〕88号", reported_to_government_date=D(2025, 12, 28))

    def directive(self) -> None:
        rng = self.rng
        county = rng.choice(self.world.counties)
        pool = [x for x in self.s.acting if x.county == county and not x.entrusting]
        target = rng.choice(pool)
        if LICHENG in self.world.counties and county != LICHENG:
            # directives are 002's (历城区, task 15): the same draw, mapped onto 历城区's agencies
            # without another random number, so the rest of the sample stays as it was
            local = [x for x in self.s.acting if x.county == LICHENG and not x.entrusting]
            county, target = LICHENG, local[pool.index(target) % len(local)]
        issuer = self.world.justice[county]
        issued = self.s.day(YEAR_START, D(2025, 10, 31))
        last = self.s.last_action.get(target.id)
        self.w.row("supervision_directive", directive_id=self.s.nid("SD", 5), issuing_agency_id=issuer.id,
                   target_agency_id=target.id, target_action_id=last[0] if last and last[1] < issued else None,
                   trigger=rng.choice("123"), incident_summary="同类投诉反复发生，群众反映强烈", issue_date=issued,
                   doc_no=self.s.doc(issuer, "督", issued.year), deadline=issued + DAY * 30,
                   completed_date=issued + DAY * rng.randint(10, 28), result_summary="已完成整改并书面报告")

    def licheng_records(self) -> None:
        """历城区's supervision body: its annual plan (002 task 14), a report to the district
        government (003 第十九条第二款) and an error-prone warning (003 第二十一条). No random
        numbers: written after the random year, they leave the rest of the sample as it was."""
        body = self.world.justice.get(LICHENG)
        if body is None:
            return
        self.w.row("annual_supervision_plan", plan_id="ASP2025", agency_id=body.id, plan_year=2025,
                   issued_date=D(2025, 2, 20), doc_no=self.s.doc(body, "监方", 2025),
                   special_supervision_domains="涉企行政检查、城市管理领域执法")
        self.w.row("supervision_work_report", report_id="SWR2025H2", reporting_agency_id=body.id,
                   period_start=D(2025, 3, 1), period_end=D(2025, 11, 30), report_date=D(2025, 12, 15),
                   doc_no=self.s.doc(body, "报", 2025),
                   summary="报告期内启动监督案件并同步开展履职尽责容错纠错核查，认定与纠错情况及下一步措施")
        self.w.row("error_prone_warning", warning_id="EPW2025001", issuing_agency_id=body.id, trigger="1",
                   risk_point="现场检查笔录未载明检查依据，处罚决定书未说明裁量基准适用情况",
                   warned_parties="区政府各部门、各街道办事处的行政执法人员", issued_date=D(2025, 9, 20))
