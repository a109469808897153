"""What every event of a sample year draws on: the shared random source and writer, the
agencies that act, a bounded pool of recent counterparts, document numbers, and the common
part of every enforcement action (the action, its counterpart and officers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jn_exchange.identifiers import generate_citizen_id, generate_uscc
from jn_exchange.sample import fakes
from jn_exchange.sample.world import Agency, Officer, World

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
BEIJING = dt.timezone(dt.timedelta(hours=8))


def at(day: D, hour: int, minute: int) -> dt.datetime:
    """Times carry their offset (Beijing time), so that the JSON form is RFC 3339 date-time."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, 0, tzinfo=BEIJING)


class Scene:
    """State shared by the events of the year. Only small bounded pools are kept (recent
    counterparts, the last action of each agency), so the size of a package does not change memory."""

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
              good_standing=grade == "A",  # the scheme's own conclusion; A in this sample
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

    def officers(self, a: Agency, aid: str) -> list[Officer]:
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


class Part:
    """One domain of the year's events, drawing on the shared scene."""

    def __init__(self, scene: Scene):
        self.s, self.rng, self.w, self.world = scene, scene.rng, scene.w, scene.world
