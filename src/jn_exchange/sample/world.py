"""The standing reference data of a sample package: agencies and their jurisdiction, officers,
certificates, reviews, assessments, training, matter lists, discretion benchmarks, the four
lists, sampling plans and emergency plans. Small (thousands of rows even for a 10M package),
so it is kept in memory for the activity generator to draw from."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from jn_exchange.identifiers import generate_citizen_id, generate_uscc
from jn_exchange.sample import fakes
from jn_exchange.sample.writer import PackageWriter

D = dt.date

# Agency kinds: (short name, full-name suffix, domain, action types, matters by action type)
KINDS: dict[str, dict[str, Any]] = {
    "justice": {"name": "司法局", "domain": "99", "types": {}},
    "market": {"name": "市场监督管理局", "domain": "01", "types": {
        "01": ["对销售不符合食品安全标准的食品的行政处罚", "对未取得食品经营许可从事食品经营活动的行政处罚",
               "对经营者不明码标价的行政处罚"],
        "04": ["对食品经营者的监督检查", "对特种设备使用单位的监督检查"],
        "03": ["查封、扣押不符合食品安全标准的食品"],
        "02": ["食品经营许可"], "09": ["个体工商户登记"]}},
    "urban": {"name": "综合行政执法局", "domain": "07", "types": {
        "01": ["对擅自设置户外广告设施的行政处罚", "对违法建设的行政处罚", "对随意倾倒建筑垃圾的行政处罚"],
        "04": ["对市容环境卫生责任区的监督检查", "对建筑工地扬尘治理的监督检查"],
        "03": ["强制拆除违法建筑物、构筑物"]}},
    "safety": {"name": "应急管理局", "domain": "05", "types": {
        "01": ["对生产经营单位未按规定对从业人员进行安全生产教育和培训的行政处罚",
               "对未按规定对安全设备进行经常性维护、保养的行政处罚"],
        "04": ["对生产经营单位安全生产情况的监督检查"]}},
    "hr": {"name": "人力资源和社会保障局", "domain": "06", "types": {
        "01": ["对用人单位未按时足额支付劳动报酬的行政处罚"],
        "04": ["对用人单位遵守劳动保障法律法规情况的劳动保障监察"],
        "08": ["工伤认定"], "10": ["失业保险金给付"]}},
    "eco": {"name": "生态环境局", "domain": "04", "types": {
        "01": ["对超过排放标准排放大气污染物的行政处罚", "对未依法取得排污许可证排放污染物的行政处罚"],
        "04": ["对排污单位的现场检查"],
        "03": ["查封、扣押造成污染物排放的设施、设备"]}},
    "transport": {"name": "交通运输局", "domain": "08", "types": {
        "01": ["对未取得道路运输经营许可擅自从事道路运输经营的行政处罚"],
        "04": ["对道路运输经营者的监督检查"], "02": ["道路货物运输经营许可"]}},
    "natres": {"name": "自然资源和规划局", "domain": "03", "types": {
        "01": ["对非法占用土地的行政处罚"], "04": ["对土地利用情况的监督检查"],
        "05": ["集体土地征收"], "06": ["临时用地征用"]}},
    "health": {"name": "卫生健康委员会", "domain": "02", "types": {
        "01": ["对医疗机构使用非卫生技术人员从事医疗卫生技术工作的行政处罚"],
        "04": ["对医疗机构的监督检查"], "02": ["医疗机构执业许可"]}},
    "water": {"name": "水务局", "domain": "11", "types": {
        "01": ["对未经批准擅自取水的行政处罚"], "04": ["对取水单位的监督检查"],
        "07": ["水土保持补偿费收取"], "11": ["水事纠纷裁决"]}},
    "education": {"name": "教育局", "domain": "10", "types": {
        "01": ["对校外培训机构超范围培训的行政处罚"], "04": ["对校外培训机构的监督检查"],
        "02": ["民办学校办学许可"]}},
    "subdistrict": {"name": "", "domain": "07", "types": {
        "01": ["对占道经营的行政处罚", "对在露天场所焚烧垃圾的行政处罚"],
        "04": ["对沿街商户门前责任区的检查"]}},
    "entrusted": {"name": "", "domain": "07", "types": {
        "04": ["对城市道路挖掘占用的监督检查"], "01": ["对擅自挖掘城市道路的行政处罚"]}},
}
LEGAL_BASIS = {
    "01": "《中华人民共和国食品安全法》", "07": "《济南市城市市容和环境卫生管理条例》",
    "05": "《中华人民共和国安全生产法》", "06": "《保障农民工工资支付条例》",
    "04": "《中华人民共和国大气污染防治法》", "08": "《中华人民共和国道路运输条例》",
    "03": "《中华人民共和国土地管理法》", "02": "《医疗机构管理条例》",
    "11": "《中华人民共和国水法》", "10": "《中华人民共和国民办教育促进法》", "99": "《中华人民共和国行政处罚法》",
}
# Grade ranges of a penalty matter's discretion benchmark (元): 轻微 / 一般 / 严重.
GRADES = [("较轻", "初次违法、危害后果轻微并及时改正", 0, 10000),
          ("一般", "违法行为持续时间较短、社会危害一般", 10000, 50000),
          ("严重", "多次违法或者造成较大社会影响", 50000, 100000)]


@dataclass
class Officer:
    id: str
    agency: Agency
    name: str
    category: str
    certificate_no: str | None = None
    supervision: bool = False


@dataclass
class Agency:
    id: str
    name: str
    kind: str
    level: str
    county: str | None          # county-level code; None for municipal
    division: str
    authority: str
    nature: str = "01"
    parent: Agency | None = None
    entrusting: Agency | None = None
    officers: list[Officer] = field(default_factory=list)
    matters: dict[str, list[str]] = field(default_factory=dict)          # action type -> matter ids
    benchmarks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # matter id -> grades
    list_items: dict[str, str] = field(default_factory=dict)             # list type -> item id
    plans: dict[str, str] = field(default_factory=dict)                  # high-risk code -> plan id
    sampling_plan: str | None = None

    @property
    def domain(self) -> str:
        return KINDS[self.kind]["domain"]

    @property
    def certified(self) -> list[Officer]:
        return [o for o in self.officers if o.certificate_no]


class World:
    """Builds and writes the reference tables; exposes what the activity generator needs."""

    def __init__(self, rng: random.Random, w: PackageWriter, rows: int):
        self.rng, self.w, self.rows = rng, w, rows
        self.agencies: list[Agency] = []
        self.justice: dict[str | None, Agency] = {}     # county (None = city) -> 司法局
        self.by_kind: dict[tuple[str | None, str], Agency] = {}
        self.muni_benchmarks: dict[tuple[str, int, int], str] = {}   # (kind, matter index, grade) -> id
        self._seq: dict[str, int] = {}
        n_counties = 2 if rows < 5_000 else 4 if rows < 50_000 else len(fakes.COUNTIES)
        self.counties = [c[0] for c in fakes.COUNTIES[:n_counties]]
        self.per_agency = max(3, min(400, rows // 2_500))

    def next_id(self, prefix: str, width: int = 6) -> str:
        n = self._seq.get(prefix, 0) + 1
        self._seq[prefix] = n
        return f"{prefix}{n:0{width}d}"

    # ------------------------------------------------------------------ agencies
    def build(self) -> None:
        small = self.rows < 5_000
        muni_kinds = (["justice", "market", "urban", "natres", "transport"] if small else
                      ["justice", "market", "urban", "safety", "hr", "eco", "transport", "natres",
                       "health", "water", "education"])
        county_kinds = ["justice", "market", "urban"] if small else ["justice", "market", "urban", "safety", "hr"]
        for kind in muni_kinds:
            name = "济南市" + ("城市管理局" if kind == "urban" else KINDS[kind]["name"])
            self._agency(name, kind, "1", None, "370100", "370100")
        urban = self.by_kind[(None, "urban")]
        ent = self._agency("济南市市政设施服务中心", "entrusted", "1", None, "370100", "370100",
                           nature="03", category="2")
        ent.entrusting = urban
        for code in self.counties:
            _, cname, _, _ = fakes.COUNTY_BY_CODE[code]
            for kind in county_kinds:
                self._agency(f"济南市{cname}{KINDS[kind]['name']}", kind, "2", code, code, code)
            for i, sd in enumerate(fakes.SUBDISTRICTS[code][: 1 if small else 3]):
                a = self._agency(f"济南市{cname}人民政府{sd}办事处", "subdistrict", "3", code,
                                 f"{code}{i + 1:03d}", code)
                a.parent = self.by_kind[(code, "urban")]
        for a in self.agencies:
            self.w.row("enforcement_agency", agency_id=a.id, uscc=a.id, name=a.name, agency_nature=a.nature,
                       admin_level=a.level, division_code=a.division, accountability_authority=a.authority,
                       parent_agency_id=None,
                       entrusting_agency_id=a.entrusting.id if a.entrusting else None,
                       entrusted_scope="城市道路挖掘占用的监督检查及相关行政处罚" if a.entrusting else None,
                       is_supervision_body=a.kind == "justice",
                       established_date=D(2019, 1, 28) if a.kind != "entrusted" else D(2020, 6, 1))
        for a in self.agencies:
            self._officers(a)
        for a in self.agencies:
            self._matters(a)
        for a in self.agencies:
            self._lists_and_plans(a)

    def _agency(self, name: str, kind: str, level: str, county: str | None, division: str,
                authority: str, nature: str = "01", category: str = "1") -> Agency:
        uscc = generate_uscc(self.rng, division=division[:6], authority="1", category=category)
        a = Agency(uscc, name, kind, level, county, division, authority, nature)
        self.agencies.append(a)
        if kind == "justice":
            self.justice[county] = a
        self.by_kind.setdefault((county, kind), a)
        return a

    # ------------------------------------------------------------------ people
    def _officers(self, a: Agency) -> None:
        rng, w = self.rng, self.w
        n = self.per_agency + (1 if a.kind == "justice" else 0)
        for i in range(n):
            category = "01" if i < max(3, int(n * 0.8)) else rng.choice(["02", "03"])
            sex, birth = fakes.sex_and_birth(rng)
            oid = self.next_id("P", 7)
            o = Officer(oid, a, fakes.person_name(rng), category, supervision=a.kind == "justice")
            onboard = D(rng.randint(2005, 2021), rng.randint(1, 12), rng.randint(1, 28))
            w.row("enforcement_officer", officer_id=oid, agency_id=a.id, name=o.name,
                  citizen_id_number=generate_citizen_id(rng, (a.county or "370102"), birth, sex),
                  personnel_category=category, is_supervision_staff=o.supervision,
                  enforcement_domain=None if a.kind == "justice" else a.domain,
                  position=rng.choice(["科员", "一级主任科员", "四级主任科员", "执法队员", "中队长", "副科长"]),
                  mobile_phone=fakes.mobile(rng), onboard_date=onboard,
                  publicity_date=D(2024, 3, 15) if category == "01" else None)
            if category == "01":
                self._certificate(o)
            self._assessment(o)
            self._training(o)
            a.officers.append(o)

    def _certificate(self, o: Officer) -> None:
        rng, w = self.rng, self.w
        issue = D(rng.randint(2022, 2024), rng.randint(1, 9), rng.randint(1, 28))
        o.certificate_no = f"{'JD' if o.supervision else 'ZF'}{o.agency.division[:6]}{self.next_id('C', 6)[1:]}"
        w.row("enforcement_certificate", certificate_no=o.certificate_no, officer_id=o.id,
              certificate_type="2" if o.supervision else "1", issuing_authority="山东省人民政府",
              enforcement_scope="行政执法监督" if o.supervision else fakes_domain_label(o.agency.domain),
              issue_date=issue, valid_from=issue, valid_to=D(issue.year + 5, issue.month, issue.day),
              status="1", status_date=issue)
        reviewer = self.justice.get(o.agency.county) or self.justice[None]
        for year in range(issue.year, 2026):
            w.row("certificate_annual_review", review_id=self.next_id("CR", 7), certificate_no=o.certificate_no,
                  review_year=year, review_date=D(year, 12, rng.randint(5, 20)), result="1",
                  reviewing_agency_id=reviewer.id)

    def _assessment(self, o: Officer) -> None:
        self.w.row("officer_annual_assessment", assessment_id=self.next_id("AS", 7), officer_id=o.id,
                   assessment_year=2024, assessing_agency_id=o.agency.id,
                   grade=self.rng.choice(["1", "2", "2", "2"]), score=float(self.rng.randint(82, 98)),
                   assessment_date=D(2025, 1, self.rng.randint(10, 24)))

    def _training(self, o: Officer) -> None:
        """64 hours in 2025 of the contents that count (public law, professional knowledge,
        enforcement skills), public law first, before any enforcement in the year."""
        rng, w = self.rng, self.w
        city = self.justice[None]
        w.row("training_record", training_id=self.next_id("TR", 7), officer_id=o.id,
              training_name="2025年度全市行政执法人员公共法律知识集中轮训", training_form="01",
              training_content="2", training_date=D(2025, 1, 6), end_date=D(2025, 1, 10), hours=32.0,
              is_new_staff_training=False, organizer_agency_id=city.id, organizer_name=city.name)
        start = D(2025, rng.randint(3, 6), rng.randint(1, 28))
        w.row("training_record", training_id=self.next_id("TR", 7), officer_id=o.id,
              training_name="山东省行政执法人员网上学习平台专业知识课程", training_form="02",
              training_content="3", training_date=start, end_date=start + dt.timedelta(days=60), hours=24.0,
              is_new_staff_training=False, organizer_name="山东省司法厅")
        w.row("training_record", training_id=self.next_id("TR", 7), officer_id=o.id,
              training_name="行政执法文书制作与现场执法技能岗位练兵", training_form="07",
              training_content="4", training_date=D(2025, 9, rng.randint(1, 20)), hours=8.0,
              is_new_staff_training=False, organizer_agency_id=o.agency.id, organizer_name=o.agency.name)

    # ------------------------------------------------------------------ lists
    def _matters(self, a: Agency) -> None:
        rng, w = self.rng, self.w
        owner = a.entrusting or a
        for atype, names in KINDS[a.kind]["types"].items():
            for idx, name in enumerate(names):
                mid = self.next_id("M", 6)
                w.row("enforcement_matter", matter_id=mid, agency_id=owner.id,
                      matter_code=f"{a.division}-{atype}-{len(a.matters.get(atype, [])) + 1:03d}",
                      matter_name=name, action_type=atype, legal_basis=LEGAL_BASIS[a.domain],
                      responsibility_mode="双随机、一公开" if atype == "04" else "属地管理、分级负责",
                      domain=a.domain, valid_from=D(2023, 1, 1))
                # an entrusted organization acts in the entrusting agency's name: the matter is the
                # entrusting agency's, kept on the organization that carries it out
                a.matters.setdefault(atype, []).append(mid)
                if a.kind == "subdistrict":
                    assert a.county is not None  # subdistricts are made per county
                    w.row("delegated_power", power_id=self.next_id("DP", 6), subdistrict_agency_id=a.id,
                          original_agency_id=a.parent.id if a.parent else None, matter_id=mid, matter_name=name,
                          action_type=atype, delegation_document=fakes.doc_no(
                              f"济{fakes.COUNTY_BY_CODE[a.county][2][0]}政发", 2022, rng.randint(1, 30)),
                          valid_from=D(2022, 7, 1), evaluation_date=D(2024, 12, 20),
                          cannot_undertake=False, supervision_lagging=False)
                if atype == "01":
                    self._benchmarks(owner, a, mid, idx)

    def _benchmarks(self, owner: Agency, a: Agency, mid: str, idx: int) -> None:
        w = self.w
        muni = a.level == "1"
        parent_ids = [self.muni_benchmarks.get((a.kind, idx, g)) for g in range(3)]
        refine = not muni and all(parent_ids)
        grades = []
        for g, (gname, circ, lo, hi) in enumerate(GRADES):
            bid = self.next_id("B", 6)
            if refine:  # a district refines the city's grade inside its range
                lo2, hi2 = lo + (hi - lo) // 5, hi - (hi - lo) // 5
            else:
                lo2, hi2 = lo, hi
            w.row("discretion_benchmark", benchmark_id=bid, formulating_level="3" if muni else "4",
                  formulating_agency_id=owner.id, formulating_authority_name=owner.name,
                  document_name=f"{owner.name}行政处罚裁量基准（2024年版）",
                  adoption_mode="2" if refine else "3", parent_benchmark_id=parent_ids[g] if refine else None,
                  action_type="01", matter_id=mid, violation_name=KINDS[a.kind]["types"]["01"][idx],
                  violated_provision=f"{LEGAL_BASIS[a.domain]}有关条款", penalty_provision=f"{LEGAL_BASIS[a.domain]}罚则条款",
                  grade_order=g + 1, grade_name=gname, applicable_circumstances=circ,
                  penalty_standard=f"处{lo2}元以上{hi2}元以下罚款" if lo2 else f"给予警告，可以并处{hi2}元以下罚款",
                  fine_min=float(lo2), fine_max=float(hi2), valid_from=D(2024, 1, 1))
            if muni:
                self.muni_benchmarks[(a.kind, idx, g)] = bid
            grades.append({"id": bid, "min": lo2, "max": hi2, "grade": g + 1})
        a.benchmarks[mid] = grades

    def _lists_and_plans(self, a: Agency) -> None:
        rng, w = self.rng, self.w
        if a.entrusting:
            return
        if "01" in a.matters:
            mid = a.matters["01"][0]
            for lt, circ in (("1", "初次违法且危害后果轻微并及时改正"), ("2", "主动消除或者减轻违法行为危害后果"),
                             ("3", "配合行政机关查处违法行为有立功表现"), ("4", "违法行为造成严重后果或者屡教不改")):
                iid = self.next_id("L", 6)
                w.row("penalty_list_item", list_item_id=iid, list_type=lt, agency_id=a.id, matter_id=mid,
                      item_no=f"{lt}-{len(a.list_items) + 1:02d}", violation_name=KINDS[a.kind]["types"]["01"][0],
                      legal_basis=f"《中华人民共和国行政处罚法》第三十二条、第三十三条；{LEGAL_BASIS[a.domain]}",
                      applicable_circumstances=circ, document_name=f"{a.name}“四张清单”（2024年版）",
                      valid_from=D(2024, 1, 1))
                a.list_items[lt] = iid
        if "04" in a.matters:
            a.sampling_plan = None
            for grade, ratio, freq in (("A", 3.0, 1.0), ("B", 5.0, 1.0), ("C", 10.0, 2.0), ("D", 20.0, 4.0)):
                pid = self.next_id("SP", 6)
                w.row("sampling_plan", sampling_plan_id=pid, agency_id=a.id, plan_code="SJ2025-01",
                      plan_name=f"{a.name}2025年度“双随机、一公开”抽查计划", matter_id=a.matters["04"][0],
                      credit_grade=grade, sampling_ratio=ratio, frequency_per_year=freq,
                      valid_from=D(2025, 1, 1), valid_to=D(2025, 12, 31))
                a.sampling_plan = a.sampling_plan or pid
        risky = []
        if "03" in a.matters:
            risky += ["03"] + (["04"] if a.kind in ("urban", "subdistrict") else [])
        if "05" in a.matters:
            risky.append("01")
        if "06" in a.matters:
            risky.append("02")
        for code in risky:
            pid = self.next_id("EP", 5)
            activity = {"01": "土地征收", "02": "临时用地征用", "03": "查封、扣押财产", "04": "强制拆除违法建筑"}[code]
            w.row("emergency_plan", emergency_plan_id=pid, agency_id=a.id, high_risk_activity=code,
                  plan_name=f"{a.name}{activity}执法风险应急预案", activity_description=f"{activity}现场执法",
                  risk_assessment="已开展社会稳定风险评估，风险等级为中", response_measures="现场处置组、医疗保障组、舆情应对组分工负责",
                  approval_date=D(2024, rng.randint(3, 11), rng.randint(1, 28)))
            a.plans[code] = pid


def fakes_domain_label(domain: str) -> str:
    return {"01": "食品药品", "02": "公共卫生", "03": "自然资源", "04": "生态环境", "05": "安全生产",
            "06": "劳动保障", "07": "城市管理", "08": "交通运输", "09": "金融服务", "10": "教育培训",
            "11": "水行政", "99": "综合"}[domain]
