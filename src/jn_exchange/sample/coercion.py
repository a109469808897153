"""Administrative coercion: seizures, and demolitions with their announcements, property
inventory and, sometimes, a risk event during execution."""

from __future__ import annotations

from jn_exchange.sample import fakes
from jn_exchange.sample.scene import DAY, YEAR_START, D, Part, at


class Coercion(Part):
    def coercion(self) -> str:
        rng, w = self.rng, self.w
        a = self.s.pick("03")
        cp = self.s.counterpart(a, person=False)
        start = self.s.day()
        kind = rng.choice("23")
        aid = self.s.action(a, "03", start, cp, matter=a.matters["03"][0], decision=start, close=start + DAY * 30,
                          doc_kind="强", high_risk_activity="03", emergency_plan_id=a.plans["03"])
        w.row("coercive_action", action_id=aid, coercion_category="1", measure_kind=kind,
              target_description="涉嫌违法的产品、工具及经营场所" if kind == "2" else "涉嫌不符合安全标准的产品",
              on_site_record_no=self.s.doc(a, "现记", start.year), emergency_on_site=False,
              measure_deadline=start + DAY * 30, term_extended=False, lifted_date=start + DAY * rng.randint(15, 29))
        return aid

    def demolition(self, status: str | None = None, risk: bool | None = None, attestation: str | None = None) -> str:
        rng, w = self.rng, self.w
        a = rng.choice([x for x in self.s.by_type["03"] if "04" in x.plans])
        cp = self.s.counterpart(a)
        start = self.s.day(YEAR_START, D(2025, 10, 31))
        announce = start + DAY * 10
        deadline = announce + DAY * 15
        execution = deadline + DAY * rng.randint(3, 10)
        risk = rng.random() < 0.3 if risk is None else risk
        aid = self.s.action(a, "03", start, cp, matter=a.matters["03"][0], decision=start + DAY * 5,
                          close=execution + DAY * 20, doc_kind="强拆", high_risk_activity="04",
                          emergency_plan_id=a.plans["04"])
        w.row("coercive_action", action_id=aid, coercion_category="2", execution_kind="6",
              target_description="未取得建设工程规划许可证建设的违法建筑", on_site_record_no=self.s.doc(a, "现记", start.year),
              demand_notice_date=start + DAY * 5)
        status = status or rng.choice("134")
        w.row("demolition", action_id=aid, structure_description="砖混结构违法建筑约120平方米",
              structure_location=f"{fakes.address(rng, self.s.county_of(a))}院内", announcement_date=announce,
              self_demolition_deadline=deadline, property_notice_date=announce, property_handling_deadline=deadline,
              execution_date=execution, property_handling_status=status)
        if status in ("2", "3"):
            attestation = attestation or rng.choice("12")
            w.row("property_inventory", inventory_id=self.s.nid("PI", 6), action_id=aid, inventory_date=execution,
                  attestation_method=attestation,
                  notary_office_name="山东省济南市泉城公证处" if attestation == "1" else None,
                  notary_name=fakes.person_name(rng) if attestation == "1" else None,
                  notarial_certificate_no=f"（{execution.year}）鲁济泉城证民字第{rng.randint(100, 9999)}号" if attestation == "1" else None,
                  witness_name=fakes.person_name(rng) if attestation == "2" else None,
                  witness_capacity="所在社区居民委员会工作人员" if attestation == "2" else None,
                  on_site_record_no=self.s.doc(a, "清点", execution.year),
                  item_summary="家具、电器及生活用品若干", item_count=rng.randint(5, 40), custody_place="区综合行政执法局物品保管仓库",
                  custodian_name=fakes.person_name(rng), handover_notice_date=execution + DAY,
                  handover_date=execution + DAY * rng.randint(5, 15), handover_description="当事人到场清点签收")
        if risk:
            w.row("risk_event", risk_event_id=self.s.nid("RE", 6), action_id=aid, occurred_at=at(execution - DAY * 2, 9, 40),
                  risk_description="当事人情绪激动并聚集亲属阻挠执法", plan_activated=True, activity_suspended=True,
                  suspended_at=at(execution - DAY * 2, 9, 55), disposal_measures="暂停执法，启动应急预案，社区和律师参与疏导",
                  disposal_completed_date=execution - DAY, resumed_date=execution)
        return aid
