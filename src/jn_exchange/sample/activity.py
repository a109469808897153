"""A city's year of enforcement and supervision, streamed event by event: inspections, penalties,
licences and the other action types with their counterparts and officers, coercion and
demolition, flexible measures, non-site findings, and the supervision chain (clue → case →
stages, investigators, opinion, correction, determination → fault case → sanctions → review).

Every record is written as soon as it is made; only small bounded pools (recent counterparts,
the last action of each agency) are kept, so the size of a package does not change memory."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from jn_exchange.identifiers import generate_citizen_id, generate_uscc
from jn_exchange.sample import fakes
from jn_exchange.sample.world import KINDS, Agency, Officer, World

D = dt.date
DAY = dt.timedelta(days=1)
YEAR_START, YEAR_END = D(2025, 1, 20), D(2025, 11, 30)
S3_FROM = D(2025, 3, 1)   # 003 applies from 2025-03-01, in 历城区 only
LICHENG = "370112"
TYPE_SUFFIX = {"01": "行政处罚案", "02": "行政许可申请", "03": "行政强制", "04": "监督检查", "05": "集体土地征收",
               "06": "临时用地征用", "07": "行政收费", "08": "工伤认定申请", "09": "登记申请", "10": "待遇给付申请",
               "11": "水事纠纷裁决申请"}
DOC_CODE = {"market": "市监", "urban": "综执", "safety": "应急", "hr": "人社", "eco": "环", "transport": "交",
            "natres": "自然资", "health": "卫健", "water": "水", "education": "教", "subdistrict": "街", "entrusted": "城管",
            "justice": "司"}
# Weights of the events of a year: many inspections, fewer penalties, few supervision cases.
EVENTS = [("joint", 1.0), ("inspection", 49), ("penalty", 12.9), ("crime", 0.1), ("license", 8), ("other", 6), ("flexible", 5), ("nonsite", 4),
          ("coercion", 2.5), ("clue", 1.6), ("demolition", 0.4), ("levy", 0.3), ("directive", 0.15),
          ("evaluation", 0.1), ("prominent", 0.1), ("dispute", 0.1), ("appraisal", 0.03)]


class Activity:
    def __init__(self, world: World):
        self.world, self.rng, self.w = world, world.rng, world.w
        self.counterparts: list[dict[str, Any]] = []
        self.last_action: dict[str, tuple[str, D]] = {}
        self.acting = [a for a in world.agencies if a.kind != "justice"]
        self.by_type: dict[str, list[Agency]] = {}
        for a in self.acting:
            for t in a.matters:
                self.by_type.setdefault(t, []).append(a)
        self.seq: dict[str, int] = {}
        self.fault_count = 0
        # decision dates of the fault cases in which each officer / unit was held liable (004 第十条（二）)
        self.liable: dict[str, list[D]] = {}
        self.lenient: set[str] = set()   # officers already tolerated or treated leniently (003)
        self.closed_penalty: tuple[str, Agency, D] | None = None

    # ------------------------------------------------------------------ helpers
    def nid(self, prefix: str, width: int = 7) -> str:
        return self.world.next_id(prefix, width)

    def doc(self, a: Agency, kind: str, year: int) -> str:
        county = fakes.COUNTY_BY_CODE[a.county][2][:1] if a.county else ""
        key = f"{a.id}{kind}{year}"
        self.seq[key] = self.seq.get(key, 0) + 1
        return fakes.doc_no(f"济{county}{DOC_CODE[a.kind]}{kind}", year, self.seq[key])

    def day(self, lo: D = YEAR_START, hi: D = YEAR_END) -> D:
        return lo + dt.timedelta(days=self.rng.randint(0, (hi - lo).days))

    def pick(self, atype: str, kinds: tuple[str, ...] | None = None) -> Agency:
        pool = [a for a in self.by_type[atype] if kinds is None or a.kind in kinds] or self.by_type[atype]
        return self.rng.choice(pool)

    def county_of(self, a: Agency) -> str:
        return a.county or self.rng.choice(self.world.counties)

    def counterpart(self, a: Agency, person: bool | None = None, fresh: bool = False) -> dict[str, Any]:
        rng = self.rng
        want_person = rng.random() < 0.25 if person is None else person
        if not fresh and self.counterparts and rng.random() < 0.3:
            same = [c for c in self.counterparts[-200:] if (c["category"] == "2") == want_person]
            if same:
                return rng.choice(same)
        county = self.county_of(a)
        cname = fakes.COUNTY_BY_CODE[county][1]
        cid = self.nid("CP", 8)
        if want_person:
            sex, birth = fakes.sex_and_birth(rng, 20, 70)
            name = fakes.person_name(rng)
            c = {"id": cid, "category": "2", "name": name, "uscc": None}
            self.w.row("counterpart", counterpart_id=cid, category="2", name=name, id_type="001",
                       id_number=generate_citizen_id(rng, county, birth, sex), address=fakes.address(rng, county),
                       phone=fakes.mobile(rng))
        else:
            shop = rng.random() < 0.3
            if shop:
                owner = fakes.person_name(rng)
                name = fakes.shop_name(rng, cname, owner)
                uscc = generate_uscc(rng, division=county, authority="9", category="2")
                c = {"id": cid, "category": "3", "name": name, "uscc": uscc}
                self.w.row("counterpart", counterpart_id=cid, category="3", name=name, uscc=uscc,
                           legal_representative=owner, address=fakes.address(rng, county), phone=fakes.mobile(rng))
            else:
                name, _ = fakes.company_name(rng, cname, a.domain if rng.random() < 0.7 else None)
                uscc = generate_uscc(rng, division=county, authority="9", category="1")
                c = {"id": cid, "category": "1", "name": name, "uscc": uscc}
                self.w.row("counterpart", counterpart_id=cid, category="1", name=name, uscc=uscc,
                           legal_representative=fakes.person_name(rng), address=fakes.address(rng, county),
                           phone=fakes.mobile(rng))
                if rng.random() < 0.12:
                    self.credit(c)
        self.counterparts.append(c)
        if len(self.counterparts) > 2000:
            del self.counterparts[:1000]
        return c

    def credit(self, c: dict[str, Any], force_incentive: bool = False) -> None:
        rng, w = self.rng, self.w
        grade = "A" if force_incentive else rng.choices("ABCD", weights=[5, 3, 1.5, 0.5])[0]
        rid = self.nid("CRD", 7)
        w.row("credit_rating", rating_id=rid, subject_uscc=c["uscc"], subject_name=c["name"],
              rating_scheme="山东省公共信用综合评价", rating_authority_name="山东省社会信用中心",
              original_grade={"A": "A级", "B": "B级", "C": "C级", "D": "D级"}[grade], grade=grade,
              rating_date=D(2024, 12, 20), valid_from=D(2025, 1, 1), valid_to=D(2025, 12, 31))
        if grade == "A" and (force_incentive or rng.random() < 0.6):
            a = self.pick("04")
            when = self.day(D(2025, 2, 1), D(2025, 12, 20))
            code = rng.choice(["01", "04", "05"]) if when >= D(2025, 7, 2) else rng.choice(["11", "12"])
            content = {"01": "办理许可事项时开通绿色通道、容缺受理", "04": "合理降低“双随机、一公开”抽查比例和频次",
                       "05": "在“信用中国（山东济南）”网站宣传推介", "11": "评优评先中同等条件下优先考虑",
                       "12": "按信用等级合理确定抽查比例和频次"}[code]
            w.row("incentive_measure", incentive_id=self.nid("INC", 6), agency_id=(a.entrusting or a).id,
                  subject_uscc=c["uscc"], subject_name=c["name"], rating_id=rid, measure_type=code,
                  measure_date=when, measure_content=content,
                  authority_basis="《济南市推进行政执法精准化规定》第十一条" if when >= D(2025, 7, 2) else "《济南市优化营商环境条例》")

    def officers(self, a: Agency, aid: str, lead_only: bool = False) -> list[Officer]:
        rng = self.rng
        certified = a.certified
        team = rng.sample(certified, 2)
        for role, o in zip(("1", "2"), team):
            self.w.row("action_officer", action_id=aid, officer_id=o.id, certificate_no=o.certificate_no, role=role)
        aux = [o for o in a.officers if o.category == "03"]
        if aux and rng.random() < 0.2:   # auxiliary staff may assist, never counted as the officers
            self.w.row("action_officer", action_id=aid, officer_id=aux[0].id, role="5")
        return team

    def action(self, a: Agency, atype: str, start: D, cp: dict[str, Any] | None, *, matter: str | None = None,
               decision: D | None = None, close: D | None = None, doc_kind: str | None = None,
               role: str = "1", **kw: Any) -> str:
        aid = self.nid("A2025", 8)
        mid = matter or self.rng.choice(a.matters[atype])
        owner = a.entrusting or a
        values = dict(action_id=aid, action_type=atype, agency_id=owner.id,
                      executing_agency_id=a.id if a.entrusting else None, matter_id=mid,
                      case_no=self.doc(a, "立", start.year) if atype in ("01", "03") else None,
                      action_name=f"{cp['name'] if cp else a.name}{TYPE_SUFFIX[atype]}",
                      division_code=a.division, domain=a.domain, start_date=start, decision_date=decision,
                      decision_doc_no=self.doc(a, doc_kind, decision.year) if decision and doc_kind else None,
                      close_date=close, status="3" if close else "2" if decision else "1",
                      is_non_site=False, publicity_status="3", has_written_record=True,
                      has_audio_video_record=atype in ("01", "03", "04"), is_major_decision=False,
                      suspected_crime=False)
        values.update(kw)
        self.w.row("enforcement_action", **values)
        if cp:
            self.w.row("action_counterpart", action_id=aid, counterpart_id=cp["id"], counterpart_role=role)
        self.officers(a, aid)
        self.last_action[owner.id] = (aid, start)
        return aid

    # ------------------------------------------------------------------ enforcement events
    def inspection(self, joint: bool = False, result: str | None = None) -> str:
        rng, w = self.rng, self.w
        a = self.pick("04")
        cp = self.counterpart(a, person=False)
        start = self.day()
        end = start + DAY * rng.randint(0, 2)
        kind = rng.choices("1234", weights=[4, 1.5, 0.5, 4])[0]
        result = result or rng.choices("123", weights=[7, 2, 1])[0]
        enterprise = cp["category"] in ("1", "3")
        ji = None
        if joint:
            lead = a.entrusting or a
            others = [x for x in self.by_type["04"] if x is not lead and not x.entrusting]
            partners = [x for x in others if x.county == a.county]
            partners = partners[:2] if len(partners) >= 2 else others[:2]
            ji = self.nid("JI", 6)
            w.row("joint_inspection", joint_inspection_id=ji, lead_agency_id=(a.entrusting or a).id,
                  name=f"{start.year}年{start.month}月{fakes_domain(a)}领域跨部门联合检查", domain=a.domain,
                  inspection_date=start, end_date=end, inspection_content="“综合查一次”跨部门联合检查")
            for x in [a.entrusting or a, *partners]:
                w.row("joint_inspection_agency", joint_inspection_id=ji, agency_id=x.id,
                      responsibility="牵头组织" if x is (a.entrusting or a) else "配合检查本部门职责事项")
        published = kind == "4"
        aid = self.action(a, "04", start, cp, close=end if result != "2" else end + DAY * 16,
                          publicity_status="1" if published else "3",
                          publicity_date=end + DAY * 3 if published else None)
        w.row("inspection", action_id=aid, inspection_kind=kind, is_enterprise=enterprise,
              enterprise_filing_no=f"RQ{start:%Y%m%d}{rng.randint(0, 99999):05d}" if enterprise else None,
              enterprise_filing_date=start - DAY * rng.randint(1, 3) if enterprise else None,
              joint_inspection_id=ji, sampling_plan_id=a.sampling_plan if kind == "4" else None,
              inspection_content=rng.choice(["经营资质、台账和现场管理情况", "安全生产责任制落实情况", "环境卫生责任区落实情况"]),
              end_date=end, result=result,
              result_description={"1": "未发现违法违规问题", "2": "发现问题已责令限期改正", "3": "发现涉嫌违法行为，已立案查处"}[result],
              rectification_deadline=end + DAY * 15 if result == "2" else None,
              follow_up_date=end + DAY * 16 if result == "2" else None)
        if result == "3" and "01" in a.matters:
            self.penalty(a=a, cp=cp, start=end + DAY * rng.randint(1, 5), source=aid)
        return aid

    def joint(self) -> str:
        return self.inspection(joint=True)

    def crime(self) -> str:
        return self.penalty(variant="crime")

    def penalty(self, a: Agency | None = None, cp: dict[str, Any] | None = None, start: D | None = None,
                source: str | None = None, variant: str | None = None, non_site: str | None = None,
                force_review: bool = False) -> str:
        rng, w = self.rng, self.w
        a = a or self.pick("01")
        cp = cp or self.counterpart(a)
        start = start or self.day()
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
        service = None if decision is None else decision if summary else decision + DAY * rng.randint(1, 3)
        close = None
        if decision:
            close = service + DAY * rng.randint(10, 40)
        elif variant == "crime":
            close = start + DAY * 25
        aid = self.action(
            a, "01", start, cp, matter=mid, decision=decision, close=close, doc_kind="罚" if outcome == "1" else "不罚",
            source_action_id=source, is_non_site=bool(non_site), non_site_mode=non_site,
            publicity_status="1" if outcome == "1" and cp["category"] != "2" else "4" if outcome == "1" else "3",
            publicity_date=decision + DAY * 3 if outcome == "1" and cp["category"] != "2" else None,
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
              publicity_deadline=decision + dt.timedelta(days=365 * 3) if outcome == "1" and cp["category"] != "2" else None)
        for k in kinds:
            w.row("penalty_decision_kind", action_id=aid, penalty_kind=k,
                  kind_content={"03": f"罚款{fine:.0f}元" if fine else None, "01": "警告",
                                "04": f"没收违法所得{confiscation:.0f}元" if confiscation else None}.get(k))
        if major:
            reviewer = a.certified[-1]
            w.row("legal_review", legal_review_id=self.nid("LR", 6), action_id=aid, review_round=1,
                  review_agency_id=(a.entrusting or a).id, is_collaborative=False, reviewer_officer_id=reviewer.id,
                  reviewer_role="1", submitted_date=decision - DAY * 8, review_date=decision - DAY * 4,
                  conclusion="1", opinion="事实清楚，证据确凿，适用依据正确，程序合法，裁量适当")
        if variant == "crime":
            w.row("case_transfer", transfer_id=self.nid("CT", 6), transfer_type="1", agency_id=(a.entrusting or a).id,
                  action_id=aid, other_party_name=f"济南市公安局{fakes.COUNTY_BY_CODE[self.county_of(a)][1]}分局",
                  transfer_date=start + DAY * 20, transfer_doc_no=self.doc(a, "移", start.year),
                  case_summary="涉案金额较大，涉嫌构成犯罪", suspected_offence="生产、销售不符合安全标准的食品罪",
                  receipt_date=start + DAY * 22, outcome="1", outcome_date=start + DAY * 25, assisted_investigation=True)
        if close:
            self.closed_penalty = (aid, a, close)
        if close and (rng.random() < 0.08 or force_review):
            reviewer = self.world.justice.get(a.county) or self.world.justice[None]
            w.row("case_file_review", file_review_id=self.nid("FR", 6), action_id=aid, reviewing_agency_id=reviewer.id,
                  review_program=f"{start.year}年度行政执法案卷评查", review_date=max(close + DAY * 20, D(2025, 12, 10)),
                  is_electronic_file=True, score=float(rng.randint(82, 98)), grade=rng.choice("12"),
                  rectification_required=False)
        return aid

    def license(self) -> str:
        rng = self.rng
        a = self.pick("02")
        cp = self.counterpart(a, person=False)
        start = self.day()
        decision = start + DAY * rng.randint(3, 18)
        return self.action(a, "02", start, cp, decision=decision, close=decision, doc_kind="许", role="2",
                           publicity_status="1", publicity_date=decision + DAY * 2, license_category="1",
                           has_audio_video_record=False)

    def other(self) -> str:
        rng = self.rng
        atype = rng.choice([t for t in ("07", "08", "09", "10", "11") if t in self.by_type])
        a = self.pick(atype)
        person = atype in ("08", "10")
        cp = self.counterpart(a, person=person)
        start = self.day()
        decision = start + DAY * rng.randint(5, 40)
        return self.action(a, atype, start, cp, decision=decision, close=decision, doc_kind="决", role="2",
                           publicity_status="3")

    def coercion(self) -> str:
        rng, w = self.rng, self.w
        a = self.pick("03")
        cp = self.counterpart(a, person=False)
        start = self.day()
        kind = rng.choice("23")
        aid = self.action(a, "03", start, cp, matter=a.matters["03"][0], decision=start, close=start + DAY * 30,
                          doc_kind="强", high_risk_activity="03", emergency_plan_id=a.plans["03"])
        w.row("coercive_action", action_id=aid, coercion_category="1", measure_kind=kind,
              target_description="涉嫌违法的产品、工具及经营场所" if kind == "2" else "涉嫌不符合安全标准的产品",
              on_site_record_no=self.doc(a, "现记", start.year), emergency_on_site=False,
              measure_deadline=start + DAY * 30, term_extended=False, lifted_date=start + DAY * rng.randint(15, 29))
        return aid

    def demolition(self, status: str | None = None, risk: bool | None = None, attestation: str | None = None) -> str:
        rng, w = self.rng, self.w
        a = rng.choice([x for x in self.by_type["03"] if "04" in x.plans])
        cp = self.counterpart(a)
        start = self.day(YEAR_START, D(2025, 10, 31))
        announce = start + DAY * 10
        deadline = announce + DAY * 15
        execution = deadline + DAY * rng.randint(3, 10)
        risk = rng.random() < 0.3 if risk is None else risk
        aid = self.action(a, "03", start, cp, matter=a.matters["03"][0], decision=start + DAY * 5,
                          close=execution + DAY * 20, doc_kind="强拆", high_risk_activity="04",
                          emergency_plan_id=a.plans["04"])
        w.row("coercive_action", action_id=aid, coercion_category="2", execution_kind="6",
              target_description="未取得建设工程规划许可证建设的违法建筑", on_site_record_no=self.doc(a, "现记", start.year),
              demand_notice_date=start + DAY * 5)
        status = status or rng.choice("134")
        w.row("demolition", action_id=aid, structure_description="砖混结构违法建筑约120平方米",
              structure_location=f"{fakes.address(rng, self.county_of(a))}院内", announcement_date=announce,
              self_demolition_deadline=deadline, property_notice_date=announce, property_handling_deadline=deadline,
              execution_date=execution, property_handling_status=status)
        if status in ("2", "3"):
            attestation = attestation or rng.choice("12")
            w.row("property_inventory", inventory_id=self.nid("PI", 6), action_id=aid, inventory_date=execution,
                  attestation_method=attestation,
                  notary_office_name="山东省济南市泉城公证处" if attestation == "1" else None,
                  notary_name=fakes.person_name(rng) if attestation == "1" else None,
                  notarial_certificate_no=f"（{execution.year}）鲁济泉城证民字第{rng.randint(100, 9999)}号" if attestation == "1" else None,
                  witness_name=fakes.person_name(rng) if attestation == "2" else None,
                  witness_capacity="所在社区居民委员会工作人员" if attestation == "2" else None,
                  on_site_record_no=self.doc(a, "清点", execution.year),
                  item_summary="家具、电器及生活用品若干", item_count=rng.randint(5, 40), custody_place="区综合行政执法局物品保管仓库",
                  custodian_name=fakes.person_name(rng), handover_notice_date=execution + DAY,
                  handover_date=execution + DAY * rng.randint(5, 15), handover_description="当事人到场清点签收")
        if risk:
            w.row("risk_event", risk_event_id=self.nid("RE", 6), action_id=aid, occurred_at=at(execution - DAY * 2, 9, 40),
                  risk_description="当事人情绪激动并聚集亲属阻挠执法", plan_activated=True, activity_suspended=True,
                  suspended_at=at(execution - DAY * 2, 9, 55), disposal_measures="暂停执法，启动应急预案，社区和律师参与疏导",
                  disposal_completed_date=execution - DAY, resumed_date=execution)
        return aid

    def levy(self, atype: str | None = None) -> str:
        rng = self.rng
        types = [t for t in ("05", "06") if t in self.by_type]
        if not types:
            return ""
        atype = atype or rng.choice(types)
        a = self.pick(atype)
        county = self.county_of(a)
        cid = self.nid("CP", 8)
        name = f"济南市{fakes.COUNTY_BY_CODE[county][1]}{rng.choice(fakes.SUBDISTRICTS[county])}{rng.choice(fakes.SURNAMES)}家村股份经济合作社"
        uscc = generate_uscc(rng, division=county, authority="N", category="2")
        self.w.row("counterpart", counterpart_id=cid, category="1", name=name, uscc=uscc,
                   legal_representative=fakes.person_name(rng), address=fakes.address(rng, county))
        cp = {"id": cid, "category": "1", "name": name, "uscc": uscc}
        start = self.day()
        decision = start + DAY * rng.randint(30, 60)
        return self.action(a, atype, start, cp, decision=decision, close=decision + DAY * 30, doc_kind="征",
                           high_risk_activity="01" if atype == "05" else "02",
                           emergency_plan_id=a.plans["01" if atype == "05" else "02"], publicity_status="1",
                           publicity_date=decision + DAY * 2, is_major_decision=True, major_decision_reason="1")

    def flexible(self, a: Agency | None = None, cp: dict[str, Any] | None = None, when: D | None = None,
                 action_id: str | None = None) -> str:
        rng = self.rng
        a = a or rng.choice([x for x in self.by_type["01"] if x.domain not in ("01", "02", "05")])
        cp = cp or self.counterpart(a)
        when = when or self.day()
        mid = rng.choice(a.matters["01"])
        mtype = rng.choice(["01", "02", "03", "04", "05"])
        list_item = a.list_items.get("1") if rng.random() < 0.3 else None
        mid = self.w.row("flexible_measure", measure_id=self.nid("FM", 7), agency_id=(a.entrusting or a).id,
                         counterpart_id=cp["id"], action_id=action_id, matter_id=mid, measure_type=mtype,
                         measure_date=when, domain=a.domain, is_minor_violation=True,
                         violation_description="初次轻微违法，未造成危害后果", list_item_id=list_item,
                         document_no=self.doc(a, "指", when.year) if mtype in ("01", "02") else None,
                         corrected_date=when + DAY * rng.randint(1, 10))["measure_id"]
        return mid

    def nonsite(self, disposition: str | None = None) -> str:
        rng, w = self.rng, self.w
        a = rng.choice([x for x in self.by_type["01"] if x.kind in ("urban", "eco", "transport", "subdistrict", "market")])
        mode = rng.choice("123")
        detected = self.day(YEAR_START, D(2025, 11, 15))
        disposition = disposition or rng.choices("125", weights=[4, 4, 2])[0]
        cp = self.counterpart(a, person=False)
        action_id = None
        if disposition == "1":
            action_id = self.penalty(a=a, cp=cp, start=detected + DAY * 3, non_site=mode)
        elif disposition == "2":
            self.flexible(a=a if a.domain not in ("01", "02", "05") else None, cp=cp, when=detected + DAY * 3)
        w.row("non_site_finding", finding_id=self.nid("NS", 7), agency_id=(a.entrusting or a).id, non_site_mode=mode,
              detected_at=at(detected, rng.randint(7, 21), rng.randint(0, 59)), source_system={"1": "城市运行管理服务平台视频监控", "2": "移动执法终端",
                                                   "3": "在线监测预警系统"}[mode],
              location=fakes.address(rng, self.county_of(a)), matter_id=rng.choice(a.matters["01"]),
              violation_description="系统监测发现疑似违法行为", counterpart_id=cp["id"], review_date=detected + DAY,
              review_passed=disposition != "5", notification_date=detected + DAY * 2 if disposition != "5" else None,
              disposition=disposition, disposition_date=detected + DAY * 3, action_id=action_id)
        return action_id or ""

    def evaluation(self) -> None:
        rng, w = self.rng, self.w
        a = rng.choice([x for x in self.acting if not x.entrusting])
        eid = self.nid("EV", 5)
        start = self.day(YEAR_START, D(2025, 9, 30))
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
        target = rng.choice([x for x in self.acting if x.county == county])
        listed = self.day(YEAR_START, D(2025, 9, 30))
        self.w.row("prominent_issue", issue_id=self.nid("PI", 5), lead_agency_id=lead.id, agency_id=target.id,
                   source=rng.choice("12"), domain=target.domain, issue_title="执法“一刀切”“运动式”问题",
                   issue_description="群众反映部分区域集中整治中存在简单化执法现象", listed_date=listed,
                   rectification_measures="制定整改清单，开展执法人员专题培训", rectification_deadline=listed + DAY * 60,
                   completed_date=listed + DAY * 50, rectification_result="已完成整改并建立长效机制")

    def dispute(self) -> None:
        rng = self.rng
        county = rng.choice(self.world.counties)
        a = self.world.by_kind.get((county, "urban"))
        b = self.world.by_kind.get((county, "market"))
        coord = self.world.justice[county]
        raised = self.day(YEAR_START, D(2025, 10, 31))
        self.w.row("jurisdiction_dispute", dispute_id=self.nid("JD", 5), dispute_type="1", raising_agency_id=a.id,
                   counter_agency_id=b.id, matter_id=a.matters["01"][0],
                   dispute_description="流动摊贩销售食品的查处职责存在争议", raised_date=raised,
                   coordinating_agency_id=coord.id, resolution_method="2", resolved_date=raised + DAY * 12,
                   determined_agency_id=a.id, resolution="由综合行政执法部门负责查处，市场监管部门配合")

    def appraisal(self) -> None:
        city = self.world.justice[None]
        self.w.row("enforcement_appraisal", appraisal_id=self.nid("AP", 4), appraisal_type="2",
                   organizing_agency_id=city.id, period_start=D(2025, 1, 1), period_end=D(2025, 11, 30),
                   completion_date=D(2025, 12, 20), indicator_system="行政执法人民群众满意度测评指标体系（2025年版）",
                   third_party_name="山东齐鲁民意调查咨询有限公司", sample_size=3000, satisfaction_rate=93.6,
                   findings_summary="群众对执法规范性、文明性评价较高，对执法效率仍有期待",
                   report_doc_no="济司函〔2025〕88号", reported_to_government_date=D(2025, 12, 28))

    def directive(self) -> None:
        rng = self.rng
        county = rng.choice(self.world.counties)
        issuer = self.world.justice[county]
        target = rng.choice([x for x in self.acting if x.county == county and not x.entrusting])
        issued = self.day(YEAR_START, D(2025, 10, 31))
        last = self.last_action.get(target.id)
        self.w.row("supervision_directive", directive_id=self.nid("SD", 5), issuing_agency_id=issuer.id,
                   target_agency_id=target.id, target_action_id=last[0] if last and last[1] < issued else None,
                   trigger=rng.choice("123"), incident_summary="同类投诉反复发生，群众反映强烈", issue_date=issued,
                   doc_no=self.doc(issuer, "督", issued.year), deadline=issued + DAY * 30,
                   completed_date=issued + DAY * rng.randint(10, 28), result_summary="已完成整改并书面报告")

    # ------------------------------------------------------------------ supervision
    def clue(self, force: dict[str, Any] | None = None) -> None:
        rng, w = self.rng, self.w
        force = force or {}
        county = force.get("county") or rng.choice(self.world.counties)
        receiver = self.world.justice[county]
        targets = [x for x in self.acting if x.county == county and not x.entrusting and x.id in self.last_action]
        if not targets:
            return
        target = rng.choice(targets)
        action_id, action_day = self.last_action[target.id]
        received = max(action_day + DAY * rng.randint(5, 30), S3_FROM + DAY * 10)
        if received > D(2025, 12, 31):
            received = D(2025, 12, 31)
        source = force.get("source") or rng.choice(["01", "02", "03", "04", "05", "06", "10", "11"])
        named = source in ("01", "02", "06") and rng.random() < 0.6
        disposition = force.get("disposition") or rng.choices("12345", weights=[6, 1.5, 1, 1, 0.5])[0]
        cid = self.nid("CL", 6)
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
            self.w.row("clarification", clarification_id=self.nid("CLR", 5), organizing_agency_id=receiver.id,
                       clue_id=cid, subject_type="1", agency_id=target.id, reason=rng.choice("12"),
                       clarification_date=disp_day + DAY * 10, clarification_scope="在被反映单位内部及相关单位范围内",
                       method_description="召开澄清正名会议并书面说明调查结论")

    def case(self, sup: Agency, target: Agency, clue_id: str | None, action_id: str | None, start: D,
             force: dict[str, Any]) -> None:
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
        scid = self.nid("SC", 6)
        w.row("supervision_case", supervision_case_id=scid, case_no=self.doc(sup, "监立", filing.year),
              supervising_agency_id=sup.id, target_agency_id=target.id, target_action_id=action_id, clue_id=clue_id,
              procedure_basis="1" if s3 else "2", case_summary="对被反映的行政执法行为的合法性、适当性进行监督调查",
              handling_mode="2" if transfer else "1", start_date=start, duty_review_start_date=start if s3 else None,
              filing_date=filing, hearing_held=hearing, hearing_date=end - DAY * 3 if hearing else None,
              hearing_host_name=fakes.person_name(rng) if hearing else None, investigation_end_date=end,
              is_complex=complex_, extension_days=ext_days,
              extension_approved_date=filing + DAY * 27 if complex_ else None,
              extension_approver_id=approver.id if complex_ else None, decision_date=decision,
              decision_doc_no=self.doc(sup, "监决", decision.year), finding=finding, notice_date=notice)
        team = [o for o in sup.certified if o is not approver][:2] if len(sup.certified) > 2 else sup.certified[:2]
        for o in team:
            w.row("supervision_investigator", supervision_case_id=scid, officer_id=o.id, certificate_no=o.certificate_no,
                  assigned_date=filing, has_conflict_of_interest=False, recused=False)
        if force.get("conflict"):
            other = [o for o in sup.certified if o not in team]
            if other:
                w.row("supervision_investigator", supervision_case_id=scid, officer_id=other[0].id,
                      certificate_no=other[0].certificate_no, assigned_date=filing, has_conflict_of_interest=True,
                      conflict_description="与被调查执法人员系近亲属", recused=True, recusal_date=filing + DAY)
        w.row("supervision_case_method", supervision_case_id=scid, method="01", first_used_date=filing + DAY,
              method_description="调阅并审查执法案卷")
        w.row("supervision_case_method", supervision_case_id=scid, method="02", first_used_date=filing + DAY * 3,
              method_description="询问承办执法人员和当事人")
        if tech:
            w.row("technical_period", technical_period_id=self.nid("TP", 5), supervision_case_id=scid, kind="3",
                  subject_matter="现场噪声检测", institution_name="山东省计量科学研究院", start_date=filing + DAY * 5,
                  end_date=filing + DAY * 12, report_no=f"JC{filing.year}{rng.randint(1000, 9999)}")
        if transfer:
            td = filing + DAY * 2
            result = td + DAY * rng.randint(10, 20)
            w.row("supervision_transfer", supervision_transfer_id=self.nid("ST", 5), supervision_case_id=scid,
                  receiving_agency_id=target.id, transfer_date=td, transfer_doc_no=self.doc(sup, "监移", td.year),
                  transferred_matters="被反映执法行为的调查核实", received_date=td + DAY, result_date=result,
                  result_summary="已调查核实并提交书面调查报告", result_reported_date=result + DAY * 3)
        bad = finding in ("2", "3", "4")
        officer = self._handler(action_id, target)
        if bad:
            w.row("statement_of_defense", statement_id=self.nid("SOD", 6), supervision_case_id=scid, subject_type="1",
                  agency_id=target.id, statement_date=end - DAY * 2, waived=False, statement_form="1",
                  content_summary="对调查认定的事实提出说明", adopted=False, adoption_explanation="申辩理由不能成立")
        opinion = correction = None
        if bad:
            opinion = self.nid("OP", 5)
            w.row("supervision_opinion", opinion_id=opinion, supervision_case_id=scid, issuing_agency_id=sup.id,
                  target_agency_id=target.id, doc_no=self.doc(sup, "监意", decision.year), issue_date=decision,
                  served_date=decision + DAY * 2, nature=finding, problems="执法程序不规范，裁量说明不充分",
                  recommendations="依法予以纠正，完善裁量说明和全过程记录", reply_date=decision + DAY * 25)
        determination = None
        if s3 and finding in ("1", "2", "3", "4"):
            determination = self.determination(scid, target, officer, finding, decision)
        elif finding == "2" and not s3:
            self.fault_case(sup, target, officer, scid, action_id, decision + DAY * 3, source="1",
                            full=rng.random() < 0.25)
        last = notice
        if bad:
            issued = decision + DAY
            extension = force.get("extension", False)
            deadline = issued + DAY * 30
            completed = issued + DAY * (40 if extension else rng.randint(10, 28))
            correction = self.nid("COR", 5)
            w.row("correction", correction_id=correction, supervision_case_id=scid, opinion_id=opinion,
                  determination_id=determination, target_type="1", agency_id=target.id, reason="执法行为违法或者不当",
                  matters="按照监督意见书纠正", requirement="30日内完成整改并书面报告", issued_date=issued,
                  deadline=deadline, extension_requested=extension,
                  extension_request_date=deadline - DAY * 5 if extension else None,
                  extension_approved=True if extension else None,
                  extended_deadline=deadline + DAY * 15 if extension else None, completed_date=completed,
                  completion_summary="已完成整改", follow_up_date=completed + DAY * 3)
            last = max(last, completed)
        if s3:
            stages = [("1", filing, filing), ("2", filing, end), ("3", end, decision), ("4", decision, notice),
                      ("5", notice, last), ("6", last + DAY, last + DAY * 5)]
            for code, a_, b_ in stages:
                w.row("supervision_case_stage", supervision_case_id=scid, stage=code, start_date=a_, end_date=b_,
                      responsible_officer_id=team[0].id)
        if force.get("review") and determination:
            received = notice
            app = received + DAY * 10
            w.row("review_application", review_application_id=self.nid("RA", 5), reviewed_decision_type="1",
                  supervision_case_id=scid, determination_id=determination, applicant_type="1",
                  applicant_agency_id=target.id, review_agency_id=sup.id, decision_received_date=received,
                  application_date=app, is_written=True, application_reasons="认为认定事实有误",
                  review_decision_date=app + DAY * 20, review_doc_no=self.doc(sup, "复核", app.year), outcome="1")

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
        did = self.nid("DD", 5)
        fault = None
        if dtype == "4":
            fault = self.fault_case(self.world.justice[target.county], target, officer, scid, None, when + DAY * 3,
                                    source="1")
        w.row("duty_determination", determination_id=did, supervision_case_id=scid, subject_type="2",
              agency_id=target.id, officer_id=officer.id, determination_type=dtype,
              treatment={"2": "3", "3": "1"}.get(dtype), is_enforcement_error=dtype in ("3", "4"),
              fault_case_id=fault, decision_date=when, decision_doc_no=self.doc(self.world.justice[target.county], "容", when.year),
              reasons="经核查，依照实施办法有关规定作出认定")
        table, codes = {"1": ("determination_duty_situation", ["01", "02", "05"]),
                        "2": ("determination_tolerance_situation", ["02", "03", "04"]),
                        "3": ("determination_reduction_situation", ["1", "2"]),
                        "4": ("determination_no_tolerance_situation", ["1", "3"])}[dtype]
        w.row(table, determination_id=did, situation="5" if repeat else rng.choice(codes),
              explanation="经调查核实，符合该情形")
        return did

    def fault_case(self, sup: Agency, target: Agency, officer: Officer, scid: str | None, action_id: str | None,
                   start: D, source: str, full: bool = False) -> str:
        rng, w = self.rng, self.w
        self.fault_count += 1
        fid = self.nid("FC", 5)
        filing = start + DAY * 2
        end = filing + DAY * rng.randint(12, 24)   # decided within 30 days (004 第十九条)
        approval = end + DAY * 3
        decision = approval + DAY * 2
        notified = decision + DAY * 2
        w.row("fault_case", fault_case_id=fid, case_no=self.doc(sup, "过", filing.year),
              accountability_authority=target.authority, supervising_agency_id=sup.id, source=source,
              referring_body_name="区纪委监委" if source == "2" else None, supervision_case_id=scid,
              target_action_id=action_id, case_summary="行政执法过错责任追究", handling_mode="1",
              verification_start_date=start, filing_date=filing, joint_with_discipline_body=False,
              investigation_end_date=end, is_complex=False, government_approval_date=approval,
              decision_date=decision, decision_doc_no=self.doc(sup, "过决", decision.year),
              result_notified_date=notified)
        for code in (["1", "3"] if full else [rng.choice("1234")]):
            w.row("fault_case_situation", fault_case_id=fid, fault_situation=code, explanation="经调查核实")
        unit = self.nid("FS", 6)
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
        handler = self.nid("FS", 6)
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
        w.row("statement_of_defense", statement_id=self.nid("SOD", 6), fault_case_id=fid, subject_id=handler,
              subject_type="2", agency_id=target.id, officer_id=officer.id, statement_date=end - DAY * 3,
              waived=False, statement_form="1", content_summary="对承办过程作出说明", adopted=True,
              adoption_explanation="部分采纳，作为从轻考量")
        if full and staff_outcome == "3":
            w.row("subject_mitigating_situation", subject_id=handler, situation="4", explanation="积极配合调查")
        if full:
            approver_officer = next(o for o in target.certified if o.id != officer.id)
            exempt = self.nid("FS", 6)
            w.row("fault_case_subject", subject_id=exempt, fault_case_id=fid, subject_type="2", agency_id=target.id,
                  officer_id=approver_officer.id, staff_role="3", actual_role_description="审批人",
                  responsibility_degree="4", liability_outcome="5")
            w.row("subject_exemption_situation", subject_id=exempt, situation="4",
                  explanation="对证据认识不一致，不存在故意或者明显过失")
            received = notified
            app = received + DAY * 8
            w.row("review_application", review_application_id=self.nid("RA", 5), reviewed_decision_type="2",
                  fault_case_id=fid, subject_id=handler, applicant_type="2", applicant_agency_id=target.id,
                  applicant_officer_id=officer.id, review_agency_id=sup.id, decision_received_date=received,
                  application_date=app, is_written=True, application_reasons="认为处理过重",
                  review_decision_date=app + DAY * 25, review_doc_no=self.doc(sup, "过复", app.year), outcome="1")
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

    # ------------------------------------------------------------------ the year
    def showcase(self) -> None:
        """One of every kind of record first, so that even a small package has every table and
        every branch (major decision, crime transfer, demolition with notarised inventory, ...)."""
        for joint in (True, False):
            self.inspection(joint=joint, result="2")
        self.inspection(result="3")
        self.penalty(variant="major")
        self.penalty(variant="crime")
        self.penalty(variant="no_penalty")
        self.penalty()
        self.license()
        self.other()
        self.coercion()
        self.demolition(status="3", risk=True, attestation="1")
        self.demolition(status="2", risk=False, attestation="2")
        for t in ("05", "06"):
            if t in self.by_type:
                self.levy(t)
        self.flexible()
        self.nonsite("1")
        self.nonsite("2")
        self.evaluation()
        self.prominent()
        self.dispute()
        self.appraisal()
        self.directive()
        licheng = LICHENG if LICHENG in self.world.counties else None
        other = next(c for c in self.world.counties if c != LICHENG)
        self.clue({"county": licheng, "disposition": "1", "finding": "2", "conflict": True, "complex": True,
                   "technical": True, "hearing": True, "review": True, "source": "06"})
        for f in ("1", "3", "4"):
            self.clue({"county": licheng, "disposition": "1", "finding": f, "extension": f == "3", "review": f == "3"})
        self.clue({"county": other, "disposition": "1", "finding": "2", "transfer": True})
        self.clue({"county": other, "disposition": "2", "source": "01", "clarify": True})
        # a fault case with every kind of subject, situation and sanction, and a review
        target = next(a for a in self.acting if a.county == other and a.kind == "market")
        handler = next((o for o in target.certified if "officer:" + o.id not in self.liable), target.certified[0])
        self.fault_case(self.world.justice[other], target, handler, None,
                        self.last_action.get(target.id, (None,))[0], D(2025, 6, 2), source="2", full=True)

    def run(self, target_rows: int, progress=None) -> None:
        self.showcase()
        names = [e for e, _ in EVENTS]
        weights = [wt for _, wt in EVENTS]
        while self.w.total < target_rows:
            getattr(self, self.rng.choices(names, weights=weights)[0])()
            if progress is not None:
                progress(self.w.total)
        self.fill_gaps()

    def fill_gaps(self) -> None:
        """Tables that chance left empty in a small package get one record (after the random
        year, so that packages where chance filled them are unchanged)."""
        counts = self.w.counts
        if not counts["credit_rating"] or not counts["incentive_measure"]:
            a = self.pick("04")
            company = self.counterpart(a, person=False, fresh=True)
            while company["category"] != "1":
                company = self.counterpart(a, person=False, fresh=True)
            self.credit(company, force_incentive=True)
        if not counts["case_file_review"]:
            self.penalty(force_review=True)


BEIJING = dt.timezone(dt.timedelta(hours=8))


def _years(day: D, n: int) -> D:
    try:
        return day.replace(year=day.year + n)
    except ValueError:  # 29 February
        return day.replace(year=day.year + n, day=28)


def at(day: D, hour: int, minute: int) -> dt.datetime:
    """Times carry their offset (Beijing time), so that the JSON form is RFC 3339 date-time."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, 0, tzinfo=BEIJING)


def fakes_domain(a: Agency) -> str:
    from jn_exchange.sample.world import fakes_domain_label
    return fakes_domain_label(a.domain)
