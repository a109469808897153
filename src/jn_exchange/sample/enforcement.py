"""Everyday enforcement events: inspections (joint ones too), licences, other decisions, land
levies, flexible measures and non-site findings. Penalties that follow from them are made by
`Penalties`."""

from __future__ import annotations

from typing import Any

from jn_exchange.identifiers import generate_uscc
from jn_exchange.sample import fakes
from jn_exchange.sample.penalties import Penalties
from jn_exchange.sample.scene import DAY, YEAR_START, D, Part, Scene, at
from jn_exchange.sample.world import Agency, fakes_domain_label


class Enforcement(Part):
    def __init__(self, scene: Scene, penalties: Penalties):
        super().__init__(scene)
        self.penalties = penalties

    def inspection(self, joint: bool = False, result: str | None = None) -> str:
        rng, w = self.rng, self.w
        a = self.s.pick("04")
        cp = self.s.counterpart(a, person=False)
        start = self.s.day()
        end = start + DAY * rng.randint(0, 2)
        kind = rng.choices("1234", weights=[4, 1.5, 0.5, 4])[0]
        result = result or rng.choices("123", weights=[7, 2, 1])[0]
        enterprise = cp["category"] in ("1", "3")
        ji = None
        if joint:
            lead = a.entrusting or a
            others = [x for x in self.s.by_type["04"] if x is not lead and not x.entrusting]
            partners = [x for x in others if x.county == a.county]
            partners = partners[:2] if len(partners) >= 2 else others[:2]
            ji = self.s.nid("JI", 6)
            w.row("joint_inspection", joint_inspection_id=ji, lead_agency_id=(a.entrusting or a).id,
                  name=f"{start.year}年{start.month}月{fakes_domain_label(a.domain)}领域跨部门联合检查", domain=a.domain,
                  inspection_date=start, end_date=end, inspection_content="“综合查一次”跨部门联合检查")
            for x in [a.entrusting or a, *partners]:
                w.row("joint_inspection_agency", joint_inspection_id=ji, agency_id=x.id,
                      responsibility="牵头组织" if x is (a.entrusting or a) else "配合检查本部门职责事项")
        published = kind == "4"
        aid = self.s.action(a, "04", start, cp, close=end if result != "2" else end + DAY * 16,
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
            self.penalties.penalty(a=a, cp=cp, start=end + DAY * rng.randint(1, 5), source=aid)
        return aid

    def joint(self) -> str:
        return self.inspection(joint=True)

    def license(self) -> str:
        rng = self.rng
        a = self.s.pick("02")
        cp = self.s.counterpart(a, person=False)
        start = self.s.day()
        decision = start + DAY * rng.randint(3, 18)
        return self.s.action(a, "02", start, cp, decision=decision, close=decision, doc_kind="许", role="2",
                           publicity_status="1", publicity_date=decision + DAY * 2, license_category="1",
                           has_audio_video_record=False)

    def other(self) -> str:
        rng = self.rng
        atype = rng.choice([t for t in ("07", "08", "09", "10", "11") if t in self.s.by_type])
        a = self.s.pick(atype)
        person = atype in ("08", "10")
        cp = self.s.counterpart(a, person=person)
        start = self.s.day()
        decision = start + DAY * rng.randint(5, 40)
        return self.s.action(a, atype, start, cp, decision=decision, close=decision, doc_kind="决", role="2",
                           publicity_status="3")

    def levy(self, atype: str | None = None) -> str:
        rng = self.rng
        types = [t for t in ("05", "06") if t in self.s.by_type]
        if not types:
            return ""
        atype = atype or rng.choice(types)
        a = self.s.pick(atype)
        county = self.s.county_of(a)
        cid = self.s.nid("CP", 8)
        name = f"济南市{fakes.COUNTY_BY_CODE[county][1]}{rng.choice(fakes.SUBDISTRICTS[county])}{rng.choice(fakes.SURNAMES)}家村股份经济合作社"
        uscc = generate_uscc(rng, division=county, authority="N", category="2")
        self.w.row("counterpart", counterpart_id=cid, category="1", name=name, uscc=uscc,
                   legal_representative=fakes.person_name(rng), address=fakes.address(rng, county))
        cp = {"id": cid, "category": "1", "name": name, "uscc": uscc}
        start = self.s.day()
        decision = start + DAY * rng.randint(30, 60)
        return self.s.action(a, atype, start, cp, decision=decision, close=decision + DAY * 30, doc_kind="征",
                           high_risk_activity="01" if atype == "05" else "02",
                           emergency_plan_id=a.plans["01" if atype == "05" else "02"], publicity_status="1",
                           publicity_date=decision + DAY * 2, is_major_decision=True, major_decision_reason="1")

    def flexible(self, a: Agency | None = None, cp: dict[str, Any] | None = None, when: D | None = None,
                 action_id: str | None = None) -> str:
        rng = self.rng
        a = a or rng.choice([x for x in self.s.by_type["01"] if x.domain not in ("01", "02", "05")])
        cp = cp or self.s.counterpart(a)
        when = when or self.s.day()
        mid = rng.choice(a.matters["01"])
        mtype = rng.choice(["01", "02", "03", "04", "05"])
        list_item = a.list_items.get("1") if rng.random() < 0.3 else None
        mid = self.w.row("flexible_measure", measure_id=self.s.nid("FM", 7), agency_id=(a.entrusting or a).id,
                         counterpart_id=cp["id"], action_id=action_id, matter_id=mid, measure_type=mtype,
                         measure_date=when, domain=a.domain, is_minor_violation=True,
                         violation_description="初次轻微违法，未造成危害后果", list_item_id=list_item,
                         document_no=self.s.doc(a, "指", when.year) if mtype in ("01", "02") else None,
                         corrected_date=when + DAY * rng.randint(1, 10))["measure_id"]
        return mid

    def nonsite(self, disposition: str | None = None) -> str:
        rng, w = self.rng, self.w
        a = rng.choice([x for x in self.s.by_type["01"] if x.kind in ("urban", "eco", "transport", "subdistrict", "market")])
        mode = rng.choice("123")
        detected = self.s.day(YEAR_START, D(2025, 11, 15))
        disposition = disposition or rng.choices("125", weights=[4, 4, 2])[0]
        cp = self.s.counterpart(a, person=False)
        action_id = None
        if disposition == "1":
            action_id = self.penalties.penalty(a=a, cp=cp, start=detected + DAY * 3, non_site=mode)
        elif disposition == "2":
            self.flexible(a=a if a.domain not in ("01", "02", "05") else None, cp=cp, when=detected + DAY * 3)
        w.row("non_site_finding", finding_id=self.s.nid("NS", 7), agency_id=(a.entrusting or a).id, non_site_mode=mode,
              detected_at=at(detected, rng.randint(7, 21), rng.randint(0, 59)), source_system={"1": "城市运行管理服务平台视频监控", "2": "移动执法终端",
                                                   "3": "在线监测预警系统"}[mode],
              location=fakes.address(rng, self.s.county_of(a)), matter_id=rng.choice(a.matters["01"]),
              violation_description="系统监测发现疑似违法行为", counterpart_id=cp["id"], review_date=detected + DAY,
              review_passed=disposition != "5", notification_date=detected + DAY * 2 if disposition != "5" else None,
              disposition=disposition, disposition_date=detected + DAY * 3, action_id=action_id)
        return action_id or ""
