"""Seed the 2021 research work of the article: 14 special research consultations (专题协商调研)
→ 14 reports → 100+ suggestions; county leaders' instructions on several reports; the
suggestions referred (批转/交办) to departments, replied, closed, some overdue, a few referred
again after an unsatisfied reply. Called by `seed.py` after the sessions.

Get-or-create only. Everything is fixed by the project's title (string-seeded generators),
except the dates of the few referrals still waiting: they are placed around the day of the
first seeding (referred 12 days before, due 18 days after), so a demo always shows
referrals in every state — awaiting, overdue, replied, closed — whatever the day."""

from __future__ import annotations

import datetime
import random
import zlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.accounts.models import Unit
from apps.core.seeding import SeedContext, ensure_rows, read_fixture
from apps.members.models import Member
from apps.venues.models import Venue

from .models import (
    Department,
    Instruction,
    Referral,
    Report,
    ReportVersion,
    ResearchProject,
    Session,
    Suggestion,
    Topic,
)

YEAR = 2021
C = Suggestion.Category
S = Topic.Source

# The county leaders who wrote instructions (fictional names).
LEADERS = [
    ("县委书记", "李振华"),
    ("县长", "陈卫东"),
    ("县委副书记", "刘长江"),
    ("常务副县长", "高志远"),
    ("副县长", "马玉洁"),
]
INSTRUCTION_TEXT = (
    "县政协《{title}》调研扎实、建议中肯。请{departments}认真研究吸纳，逐条制定落实措施，"
    "限期办理并向县政协反馈。"
)

# Every research topic counts as county central work: the livelihood topics (急难愁盼) of
# 2021 are the six consultations of `seed.py`.
# topic, project title, category, source, source detail, lead unit, departments (the first
# leads), field visit (township or member home), (start month, end month), report (month,
# day), instructing leader (index in LEADERS) or None, the report's suggestions.
PROJECTS = [
    (
        "教育高质量发展",
        "关于推动我县教育高质量发展的调研",
        Topic.Category.CENTRAL_WORK,
        S.PARTY_GOVERNMENT,
        "县委点题",
        "教科卫体委员会",
        ["县教体局", "县财政局", "县人社局"],
        "城关镇",
        (3, 5),
        (5, 28),
        0,
        [
            ("优化城乡学校布局，加快城区义务教育学校新建改扩建，消除大班额。", C.LIVELIHOOD),
            ("建立教师“县管校聘”动态调整机制，推动城区优秀教师到乡村学校交流任教。", C.GOVERNANCE),
            ("落实乡村教师生活补助和周转宿舍建设，稳定乡村教师队伍。", C.LIVELIHOOD),
            ("加大职业教育投入，推动县职教中心与本地企业开展订单式培养。", C.ECONOMY),
            ("推进“智慧校园”建设，实现城乡学校优质课程资源共享。", C.LIVELIHOOD),
            ("规范校外培训机构管理，切实减轻学生课业负担。", C.GOVERNANCE),
            ("完善学前教育公共服务体系，新建改扩建一批公办幼儿园。", C.LIVELIHOOD),
            ("加强中小学心理健康教育，配齐专兼职心理教师。", C.LIVELIHOOD),
        ],
    ),
    (
        "科技创新",
        "关于提升我县科技创新能力的调研",
        Topic.Category.CENTRAL_WORK,
        S.PARTY_GOVERNMENT,
        "县政府点题",
        "经济委员会",
        ["县科技局", "县工信局", "县财政局"],
        "县政协机关委员之家",
        (3, 6),
        (6, 18),
        1,
        [
            ("设立县级科技创新专项资金，逐年提高财政科技投入占比。", C.ECONOMY),
            ("支持龙头企业建设研发中心和重点实验室，培育高新技术企业。", C.ECONOMY),
            ("深化与省内高校院所合作，建立产学研协同创新平台。", C.ECONOMY),
            ("落实研发费用加计扣除等政策，帮助中小企业用足用好。", C.ECONOMY),
            ("引进和培养科技人才，完善人才住房、子女入学等配套保障。", C.LIVELIHOOD),
            ("建设科技企业孵化器和众创空间，扶持科技型中小企业成长。", C.ECONOMY),
            ("加强知识产权创造、保护和运用，开展专利质押融资。", C.GOVERNANCE),
        ],
    ),
    (
        "制造业发展",
        "关于推动我县制造业高质量发展的调研",
        Topic.Category.CENTRAL_WORK,
        S.PARTY_GOVERNMENT,
        "县委点题",
        "经济委员会",
        ["县工信局", "县发改委", "县商务局"],
        "库庄镇",
        (4, 7),
        (7, 20),
        0,
        [
            ("聚焦硅碳新材料、装备制造等主导产业，编制产业链图谱精准招商。", C.ECONOMY),
            ("推动传统制造企业智能化改造和数字化转型，给予技改奖补。", C.ECONOMY),
            ("完善产业集聚区基础设施和标准化厂房，提高土地利用效率。", C.URBAN_RURAL),
            ("建立重点企业“白名单”，协调解决用工、用地、用能难题。", C.ECONOMY),
            ("加强银企对接，扩大制造业中长期贷款和信用贷款规模。", C.ECONOMY),
            ("推进绿色制造，支持企业开展节能降碳改造。", C.ECOLOGY),
            ("培育“专精特新”企业，建立梯次培育库。", C.ECONOMY),
            ("加强技能人才培养，开展企业新型学徒制培训。", C.LIVELIHOOD),
        ],
    ),
    (
        "全面推进乡村振兴",
        "关于全面推进乡村振兴的调研",
        Topic.Category.CENTRAL_WORK,
        S.PARTY_GOVERNMENT,
        "县委农村工作会议部署",
        "农业和农村委员会",
        ["县农业农村局", "县乡村振兴局", "县财政局"],
        "紫云镇",
        (4, 7),
        (7, 26),
        1,
        [
            ("巩固拓展脱贫攻坚成果，健全防止返贫动态监测和帮扶机制。", C.LIVELIHOOD),
            ("发展烟叶、优质小麦等特色产业，延长农产品加工链条。", C.ECONOMY),
            ("培育家庭农场和农民专业合作社，发展适度规模经营。", C.ECONOMY),
            ("加强乡村人才振兴，实施高素质农民培育计划。", C.GOVERNANCE),
            ("推进农村人居环境整治，完善垃圾收运和厕所粪污处理体系。", C.ECOLOGY),
            ("深化农村集体产权制度改革，发展壮大村级集体经济。", C.ECONOMY),
            ("推进农村电商发展，完善县乡村三级物流配送体系。", C.ECONOMY),
            ("加强农村精神文明建设，推进移风易俗。", C.GOVERNANCE),
        ],
    ),
    (
        "营商环境优化提升",
        "关于持续优化营商环境的调研",
        Topic.Category.CENTRAL_WORK,
        S.MEMBERS,
        "经济界别委员联名提出",
        "提案委员会",
        ["县行政审批服务局", "县市场监管局", "县发改委"],
        "县政协机关委员之家",
        (5, 8),
        (8, 12),
        3,
        [
            ("深化“一网通办”，推动更多涉企事项“全程网办、不见面审批”。", C.GOVERNANCE),
            ("推行企业开办“一日办结”，免费刻制首套印章。", C.ECONOMY),
            ("建立涉企政策“一站式”发布和兑现平台，实现政策直达快享。", C.ECONOMY),
            ("规范涉企检查，推行“双随机、一公开”和“综合查一次”。", C.GOVERNANCE),
            ("建立政府失信责任追究制度，及时清理拖欠企业账款。", C.GOVERNANCE),
            ("畅通企业诉求反映渠道，建立问题办理闭环机制。", C.GOVERNANCE),
            ("优化水电气报装流程，压缩办理时限和费用。", C.URBAN_RURAL),
        ],
    ),
    (
        "县域医疗卫生服务能力提升",
        "关于提升县域医疗卫生服务能力的调研",
        Topic.Category.CENTRAL_WORK,
        S.PUBLIC,
        "多个乡镇联络室反映群众就医诉求",
        "教科卫体委员会",
        ["县卫健委", "县医保局", "县人民医院"],
        "麦岭镇",
        (5, 8),
        (8, 25),
        2,
        [
            ("推进紧密型县域医共体建设，实现人员、资金、药品统一管理。", C.LIVELIHOOD),
            ("加强县级医院重点专科建设，提高县域内就诊率。", C.LIVELIHOOD),
            ("改善乡镇卫生院基础设施和设备条件，提升基层首诊能力。", C.LIVELIHOOD),
            ("落实村医待遇保障，解决村医养老问题。", C.LIVELIHOOD),
            ("推广家庭医生签约服务，做实慢病患者健康管理。", C.LIVELIHOOD),
            ("建设远程会诊系统，让群众在家门口享受优质医疗服务。", C.LIVELIHOOD),
            ("加强公共卫生应急能力建设，完善发热门诊和核酸检测能力。", C.GOVERNANCE),
            ("扩大医保门诊慢特病病种范围，简化认定程序。", C.LIVELIHOOD),
        ],
    ),
    (
        "完善养老服务体系",
        "关于完善我县养老服务体系的调研",
        Topic.Category.CENTRAL_WORK,
        S.COMMITTEE,
        "县政协年度协商计划",
        "社会法制和民族宗教委员会",
        ["县民政局", "县卫健委", "县财政局"],
        "十里铺镇",
        (6, 9),
        (9, 10),
        None,
        [
            ("编制养老服务设施专项规划，新建小区按标准配建养老服务用房。", C.URBAN_RURAL),
            ("推进敬老院改造提升，向区域性养老服务中心转型。", C.LIVELIHOOD),
            ("发展社区居家养老，建设一批日间照料中心和老年食堂。", C.LIVELIHOOD),
            ("推动医养结合，支持养老机构与医疗机构签约合作。", C.LIVELIHOOD),
            ("建立养老护理人员培训和激励制度，提高从业人员待遇。", C.ECONOMY),
            ("对经济困难的高龄、失能老人发放护理补贴。", C.LIVELIHOOD),
            ("引导社会资本参与养老服务，落实税费优惠和用地政策。", C.ECONOMY),
        ],
    ),
    (
        "文旅融合发展",
        "关于加快我县文旅融合发展的调研",
        Topic.Category.CENTRAL_WORK,
        S.COMMITTEE,
        "县政协年度协商计划",
        "文化文史和学习委员会",
        ["县文广旅局", "县自然资源局", "县商务局"],
        "山头店镇",
        (6, 9),
        (9, 24),
        None,
        [
            ("挖掘襄城历史文化资源，打造首山、紫云山等精品旅游线路。", C.ECONOMY),
            ("加强文物保护利用，推进乾明寺等文保单位修缮和展示。", C.OTHER),
            ("发展乡村旅游和民宿，培育一批乡村旅游重点村。", C.ECONOMY),
            ("完善景区道路、停车场、游客服务中心等配套设施。", C.URBAN_RURAL),
            ("开发具有地方特色的文创产品和旅游商品。", C.ECONOMY),
            ("加强旅游宣传推介，借助新媒体提升知名度。", C.OTHER),
            ("培养文旅专业人才，规范导游和景区服务。", C.GOVERNANCE),
        ],
    ),
    (
        "城市更新与老旧小区改造",
        "关于推进城市更新和老旧小区改造的调研",
        Topic.Category.CENTRAL_WORK,
        S.PUBLIC,
        "城关镇联络室收集的居民意见",
        "提案委员会",
        ["县住建局", "县城管局", "县供电公司"],
        "城关镇",
        (7, 10),
        (10, 15),
        3,
        [
            ("科学编制城市更新规划，分年度推进老旧小区改造。", C.URBAN_RURAL),
            ("改造前充分征求居民意见，实行“一区一策”。", C.GOVERNANCE),
            ("同步实施雨污分流、供热供气和弱电入地改造。", C.URBAN_RURAL),
            ("增设养老、托育、便民市场等社区服务设施。", C.LIVELIHOOD),
            ("改造后建立物业管理长效机制，推行“红色物业”。", C.GOVERNANCE),
            ("有序推进老旧小区加装电梯，探索政府补助与居民出资相结合。", C.LIVELIHOOD),
            ("整治背街小巷，补齐城市照明和排水短板。", C.URBAN_RURAL),
            ("建设口袋公园和街头绿地，提升城市品质。", C.ECOLOGY),
        ],
    ),
    (
        "颍汝河流域生态保护",
        "关于加强颍河、汝河流域生态保护治理的调研",
        Topic.Category.CENTRAL_WORK,
        S.MEMBERS,
        "农业界别委员提出",
        "农业和农村委员会",
        ["县生态环境分局", "县水利局", "县农业农村局"],
        "颍阳镇",
        (7, 10),
        (10, 22),
        4,
        [
            ("全面落实河长制，加强跨乡镇断面水质监测和考核。", C.ECOLOGY),
            ("推进沿河乡镇污水处理设施建设，提高污水收集率。", C.ECOLOGY),
            ("开展河道清淤疏浚和岸线整治，恢复河道生态功能。", C.ECOLOGY),
            ("控制农业面源污染，推广测土配方施肥和病虫害绿色防控。", C.ECOLOGY),
            ("建设沿河生态廊道和湿地公园。", C.ECOLOGY),
            ("严厉打击非法采砂和向河道倾倒垃圾行为。", C.GOVERNANCE),
            ("加强防汛工程建设，提高河道行洪能力。", C.URBAN_RURAL),
        ],
    ),
    (
        "城乡交通出行",
        "关于改善城乡交通出行条件的调研",
        Topic.Category.CENTRAL_WORK,
        S.PUBLIC,
        "群众通过联络室反映出行难",
        "提案委员会",
        ["县交通运输局", "县公安局交警大队", "县财政局"],
        "王洛镇",
        (8, 10),
        (10, 29),
        1,
        [
            ("推进“四好农村路”建设，加快农村公路提档升级。", C.URBAN_RURAL),
            ("优化城乡公交线路，实现建制村通公交全覆盖。", C.LIVELIHOOD),
            ("加强城区交通组织，优化信号灯配时，缓解高峰拥堵。", C.URBAN_RURAL),
            ("规范电动车管理，加强交通安全宣传教育。", C.GOVERNANCE),
            ("在学校、医院周边增设临时停车泊位和接送区。", C.LIVELIHOOD),
            ("加强农村道路交通安全隐患排查整治。", C.GOVERNANCE),
            ("建设城乡客运一体化服务站，完善候车设施。", C.URBAN_RURAL),
            ("加快物流园区建设，提升县域货运物流效率。", C.ECONOMY),
        ],
    ),
    (
        "高标准农田建设与粮食安全",
        "关于高标准农田建设和粮食安全的调研",
        Topic.Category.CENTRAL_WORK,
        S.PARTY_GOVERNMENT,
        "县政府点题",
        "农业和农村委员会",
        ["县农业农村局", "县自然资源局", "县水利局"],
        "丁营乡",
        (8, 11),
        (11, 9),
        None,
        [
            ("统筹整合涉农资金，提高高标准农田建设亩均投入标准。", C.ECONOMY),
            ("明确建后管护主体和经费，防止“重建轻管”。", C.GOVERNANCE),
            ("完善田间灌排设施，推广高效节水灌溉。", C.URBAN_RURAL),
            ("严格落实耕地保护制度，坚决遏制耕地“非农化”。", C.GOVERNANCE),
            ("推广优质小麦良种和绿色高产技术。", C.ECONOMY),
            ("落实种粮农民补贴政策，保护农民种粮积极性。", C.LIVELIHOOD),
            ("建设粮食烘干仓储设施，减少产后损失。", C.ECONOMY),
        ],
    ),
    (
        "稳就业促创业",
        "关于稳就业促创业工作的调研",
        Topic.Category.CENTRAL_WORK,
        S.MEMBERS,
        "社会福利和社会保障界委员提出",
        "社会法制和民族宗教委员会",
        ["县人社局", "县财政局", "县商务局"],
        "汾陈镇",
        (9, 11),
        (11, 19),
        2,
        [
            ("建立县乡村三级就业服务网络，开展“家门口”就业服务。", C.LIVELIHOOD),
            ("加大创业担保贷款发放力度，降低返乡创业门槛。", C.ECONOMY),
            ("开展订单式、定向式职业技能培训，提高培训后就业率。", C.LIVELIHOOD),
            ("建设返乡创业园和就业帮扶车间。", C.ECONOMY),
            ("加强高校毕业生就业帮扶，开发公益性岗位。", C.LIVELIHOOD),
            ("维护农民工合法权益，根治欠薪问题。", C.GOVERNANCE),
            ("发展家政、养老等服务业，扩大就业容量。", C.ECONOMY),
            ("完善灵活就业人员社会保障政策。", C.LIVELIHOOD),
        ],
    ),
    (
        "城市精细化管理",
        "关于提升城市精细化管理水平的调研",
        Topic.Category.CENTRAL_WORK,
        S.COMMITTEE,
        "县政协年度协商计划",
        "提案委员会",
        ["县城管局", "县住建局", "县市场监管局"],
        "县政协机关委员之家",
        (9, 11),
        (11, 30),
        None,
        [
            ("建设数字化城市管理平台，实现问题发现、派遣、处置闭环。", C.GOVERNANCE),
            ("规范占道经营，合理设置便民疏导点和早夜市。", C.GOVERNANCE),
            ("推进生活垃圾分类，完善分类投放、收集、运输、处理体系。", C.ECOLOGY),
            ("加强户外广告和店招标牌规范管理。", C.URBAN_RURAL),
            ("提高道路机械化清扫率，加强扬尘污染治理。", C.ECOLOGY),
            ("推行“街长制”，发动沿街商户参与门前管理。", C.GOVERNANCE),
            ("完善城市公厕布局，推动沿街单位厕所对外开放。", C.LIVELIHOOD),
        ],
    ),
]

REPORT_BODY = (
    "根据县政协{year}年度协商工作计划，{unit}牵头组成调研组，围绕“{topic}”开展专题协商调研。"
    "调研组深入{place}等地实地察看，召开座谈会，听取有关部门、基层干部和群众代表的意见。\n\n"
    "调研认为，近年来全县在{topic}方面做了大量工作，取得了明显成效，但仍存在一些短板和不足。"
    "为此，调研组提出以下{count}条意见建议：\n\n{items}"
)
REPLY_TEXT = {
    Referral.Implementation.SOLVED: (
        "已研究落实。{department}按照建议制定了具体措施，相关工作已完成，并将持续跟踪成效。"
    ),
    Referral.Implementation.SOLVING: (
        "{department}高度重视，已制定工作方案并分步实施，目前正在推进中，预计明年底前完成。"
    ),
    Referral.Implementation.PLANNED: (
        "{department}认真研究认为建议可行，已列入下一年度工作计划，待资金落实后组织实施。"
    ),
}
REFERRAL_NOTE = "请认真研究办理，并在期限内书面答复县政协。"


def seed(ctx: SeedContext) -> None:
    departments = ensure_rows(ctx, Department, read_fixture("departments.json"), "name")
    units = {u.name: u for u in Unit.objects.all()}
    venues = {
        v.township.name if v.township else v.name: v
        for v in Venue.objects.active().select_related("township")
    }
    members = list(
        Member.objects.filter(term=settings.CURRENT_TERM, status=Member.Status.ACTIVE)
        .order_by("member_no")
        .only("pk", "name")
    )
    staff = _seed_staff_user()
    today = timezone.localdate()
    for entry in PROJECTS:
        _project(
            ctx,
            entry,
            departments=departments,
            units=units,
            venues=venues,
            members=members,
            staff=staff,
            today=today,
        )
    _session_referrals(ctx, departments, staff)


def _seed_staff_user():
    """The staff account recorded as having referred and closed (the first seeded staff)."""
    from apps.accounts.models import User

    return User.objects.filter(groups__name="county_staff").order_by("username").first()


def _rng(*parts) -> random.Random:
    return random.Random("|".join(str(p) for p in (YEAR, "research", *parts)))


def _project(ctx, entry, *, departments, units, venues, members, staff, today) -> None:
    (
        topic_title,
        title,
        category,
        source,
        source_note,
        unit_name,
        department_names,
        place,
        (start_month, end_month),
        (report_month, report_day),
        leader,
        items,
    ) = entry
    unit = units.get(unit_name)
    if unit is None:
        return
    rng = _rng(title)
    topic, created = Topic.objects.get_or_create(
        year=YEAR,
        title=topic_title,
        defaults={
            "category": category,
            "source": source,
            "source_note": source_note,
            "status": Topic.Status.DONE,
            "description": f"{YEAR}年度专题协商调研议题。",
        },
    )
    ctx.count("topics", created)
    report_on = datetime.date(YEAR, report_month, report_day)
    project, created = ResearchProject.objects.get_or_create(
        topic=topic,
        title=title,
        defaults={
            "lead_unit": unit,
            "planned_start": datetime.date(YEAR, start_month, 1),
            "planned_end": datetime.date(YEAR, end_month, 28),
            "actual_start": datetime.date(YEAR, start_month, rng.randint(5, 15)),
            "actual_end": report_on,
            "status": ResearchProject.Status.DONE,
            "description": f"围绕“{topic_title}”，采取实地察看、座谈交流、问卷调查等方式开展调研，"
            "形成调研报告报县委、县政府参阅。",
        },
    )
    ctx.count("research projects", created)
    team = rng.sample(members, min(len(members), rng.randint(5, 7))) if members else []
    if created and team:
        project.team_leader = team[0]
        project.save(update_fields=["team_leader"])
        project.team.set(team)
    venue = venues.get(place)
    if venue is not None:
        visit_day = datetime.date(YEAR, start_month + 1, rng.randint(3, 25))
        started_at = datetime.datetime(
            visit_day.year,
            visit_day.month,
            visit_day.day,
            15,
            30,
            tzinfo=timezone.get_current_timezone(),
        )
        session, visit_created = Session.objects.get_or_create(
            venue=venue,
            started_at=started_at,
            defaults={
                "topic": topic,
                "form": Session.Form.SPECIAL,
                "place": f"{place}（调研座谈）",
                "departments": "、".join(department_names),
                "other_attendee_count": rng.randint(6, 15),
                "other_attendees": "部门负责同志、基层干部和群众代表",
                "minutes": f"调研组围绕“{topic_title}”实地察看并召开座谈会，听取部门和群众意见。",
                "state": Session.State.PUBLISHED,
                "submitted_at": started_at + datetime.timedelta(days=1),
                "published_at": started_at + datetime.timedelta(days=2),
            },
        )
        if visit_created:
            session.members.set(team)
        ctx.count("consultation sessions", visit_created)
        if created:
            project.visits.add(session)
    report = _report(ctx, project, unit, topic_title, place, report_on, items, rng)
    if report is None:
        return
    suggestions = _suggestions(ctx, report, items, team, rng)
    instruction = None
    if leader is not None:
        leader_title, leader_name = LEADERS[leader]
        instruction, created = Instruction.objects.get_or_create(
            report=report,
            leader_name=leader_name,
            defaults={
                "leader_title": leader_title,
                "instructed_on": report_on + datetime.timedelta(days=rng.randint(4, 10)),
                "text": INSTRUCTION_TEXT.format(
                    title=report.title, departments="、".join(department_names[:2])
                ),
                "entered_by": staff,
                "on_behalf": True,
            },
        )
        ctx.count("leaders' instructions", created)
    for index, suggestion in enumerate(suggestions):
        if suggestion.outcome == Suggestion.Outcome.REFERENCE:
            continue  # kept for reference: not referred
        if instruction is None and index % 3:
            continue  # without an instruction staff referred only some
        # The first department leads most; every fourth goes to the second; every other
        # one has a co-handling department.
        lead_name = department_names[1] if index % 4 == 3 else department_names[0]
        lead = departments[lead_name]
        co = [departments[n] for n in department_names if n != lead_name][:1] if index % 2 else []
        start = (instruction.instructed_on if instruction else report_on) + datetime.timedelta(
            days=3
        )
        _referral(ctx, suggestion, lead, co, instruction, start, staff, today, _rng(title, index))


def _report(ctx, project, unit, topic_title, place, report_on, items, rng) -> Report | None:
    title = project.title.replace("的调研", "的调研报告")
    report = Report.objects.filter(project=project, title=title).first()
    if report is not None:
        ctx.count("research reports", False)
        return report
    body = REPORT_BODY.format(
        year=YEAR,
        unit=unit.name,
        topic=topic_title,
        place=place,
        count=len(items),
        items="\n".join(f"{i}. {text}" for i, (text, _c) in enumerate(items, 1)),
    )
    report = Report(project=project, title=title, submitted_on=report_on, body=body, version=1)
    # Three reports come with their signed PDF, as offices usually file them.
    if project.title in {p[1] for p in PROJECTS[:3]}:
        report.attachment.save("report.pdf", ContentFile(sample_pdf(title)), save=False)
        report.attachment_name = f"{title}.pdf"
        report.attachment_size = report.attachment.size
    report.save()
    version = ReportVersion.objects.create(
        report=report,
        number=1,
        title=report.title,
        body=report.body,
        attachment=report.attachment.name if report.attachment else "",
        attachment_name=report.attachment_name,
        attachment_size=report.attachment_size,
        note="报送稿",
    )
    # Saved on the day of the report (auto_now_add stamps the seeding day).
    ReportVersion.objects.filter(pk=version.pk).update(
        created_at=datetime.datetime.combine(
            report_on, datetime.time(17, 0), tzinfo=timezone.get_current_timezone()
        )
    )
    ctx.count("research reports", True)
    return report


def _suggestions(ctx, report, items, team, rng) -> list[Suggestion]:
    existing = list(report.suggestions.order_by("pk"))
    if existing:
        return existing
    created = []
    for text, category in items:
        roll = rng.random()
        outcome = (
            Suggestion.Outcome.ADOPTED
            if roll < 0.65
            else Suggestion.Outcome.PARTLY
            if roll < 0.85
            else Suggestion.Outcome.REFERENCE
        )
        suggestion = Suggestion.objects.create(
            report=report,
            text=text,
            category=category,
            raised_on=report.submitted_on,
            outcome=outcome,
            outcome_on=report.submitted_on + datetime.timedelta(days=rng.randint(15, 30)),
        )
        if team:
            suggestion.members.set(rng.sample(team, min(len(team), rng.randint(1, 3))))
        ctx.count("suggestions", True)
        created.append(suggestion)
    return created


def _referral(ctx, suggestion, lead, co, instruction, start, staff, today, rng) -> None:
    """One referral in a state drawn from `rng`: closed (half), replied, overdue, or closed
    as unsatisfied and referred again (awaiting, dated around `today`)."""
    if Referral.objects.filter(suggestion=suggestion).exists():
        ctx.count("referrals", False)
        return
    roll = rng.random()
    referral = Referral(
        suggestion=suggestion,
        department=lead,
        instruction=instruction,
        referred_on=start,
        due_on=start + datetime.timedelta(days=60),
        note=REFERRAL_NOTE,
        referred_by=staff,
    )
    if roll < 0.82:  # replied
        implementation = rng.choices(
            list(Referral.Implementation), weights=[6, 3, 2] if roll < 0.55 else [1, 3, 2]
        )[0]
        referral.replied_on = start + datetime.timedelta(days=rng.randint(18, 58))
        referral.implementation = implementation
        referral.reply_text = REPLY_TEXT[implementation].format(department=lead.name)
        referral.reply_recorded_by = staff
    if roll < 0.55 or 0.74 <= roll < 0.82:  # closed
        assert referral.replied_on is not None  # replied above (roll < 0.82)
        referral.closed_on = referral.replied_on + datetime.timedelta(days=rng.randint(7, 20))
        referral.closed_by = staff
        referral.satisfaction = (
            Referral.Satisfaction.UNSATISFIED
            if roll >= 0.74
            else rng.choice(
                [Referral.Satisfaction.SATISFIED] * 3 + [Referral.Satisfaction.BASICALLY]
            )
        )
    referral.save()
    referral.co_departments.set(co)
    ctx.count("referrals", True)
    if referral.satisfaction == Referral.Satisfaction.UNSATISFIED:
        # Referred again after the unsatisfied reply; the new reply is awaited.
        again = Referral.objects.create(
            suggestion=suggestion,
            department=lead,
            instruction=instruction,
            referred_on=today - datetime.timedelta(days=12),
            due_on=today + datetime.timedelta(days=18),
            note="委员对答复不满意，请重新研究办理。",
            referred_by=staff,
        )
        again.co_departments.set(co)
        ctx.count("referrals", True)


# Livelihood consultations (急难愁盼): suggestions of the sessions referred to the first
# department their session invited.
def _session_referrals(ctx, departments, staff) -> None:
    sessions = (
        Session.objects.filter(topic__category=Topic.Category.LIVELIHOOD, topic__year=YEAR)
        .exclude(departments="")
        .prefetch_related("suggestions")
        .order_by("started_at")
    )
    for session in sessions:
        names = [n for n in session.departments.split("、") if n in departments]
        if not names:
            continue
        held = timezone.localtime(session.started_at).date()
        for index, suggestion in enumerate(list(session.suggestions.all())[:2]):
            if not suggestion.outcome:
                suggestion.outcome = Suggestion.Outcome.ADOPTED
                suggestion.outcome_on = held + datetime.timedelta(days=10)
                suggestion.save(update_fields=["outcome", "outcome_on"])
            _referral(
                ctx,
                suggestion,
                departments[names[index % len(names)]],
                [],
                None,
                held + datetime.timedelta(days=14),
                staff,
                timezone.localdate(),
                _rng(session.venue_id, suggestion.text),
            )


def link_demo_users(ctx: SeedContext, users: dict) -> None:
    """The demo member proposed suggestions in several states and served on a research
    team, so their home and "My suggestions" page show the whole follow-up."""
    user = users.get("member")
    member = Member.objects.filter(user=user).first() if user else None
    if member is None or member.suggestions.exists():
        return
    picked: dict[str, Suggestion] = {}
    candidates = Suggestion.objects.from_reports().with_progress().order_by("pk")
    for suggestion in candidates:
        if suggestion.progress not in picked:
            picked[suggestion.progress] = suggestion
    for suggestion in picked.values():
        suggestion.members.add(member)
        ctx.count("demo member suggestions", True)
    project = ResearchProject.objects.filter(reports__suggestions__in=list(picked.values())).first()
    if project is not None:
        project.team.add(member)


def sample_pdf(title: str) -> bytes:
    """A one-page PDF (ASCII text: the built-in fonts have no Chinese glyphs)."""
    text = f"Xiangcheng CPPCC research report {YEAR} - {zlib.crc32(title.encode()) % 10_000:04d}"
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
