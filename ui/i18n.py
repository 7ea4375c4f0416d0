"""The one translation table for UI text: Chinese first, English as a toggle.

Every string a page shows goes through `t(key)`. Codes stay codes; catalogue names come from the
reference tables' name_zh / name_en columns (see `name_column`).
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

# key -> (中文, English)
TEXT: dict[str, tuple[str, str]] = {
    # product
    "app.title": ("周口市个人诚信体系监测平台", "Zhoukou Personal Integrity Dashboard"),
    "app.subtitle": (
        "个人公共信用信息分析与监督",
        "Analytics and oversight of personal public credit information",
    ),
    # sign-in
    "signin.title": ("登录", "Sign in"),
    "signin.username": ("用户名", "Username"),
    "signin.password": ("密码", "Password"),
    "signin.submit": ("登录", "Sign in"),
    "signin.bad_credentials": ("用户名或密码错误。", "Wrong username or password."),
    "signin.locked": (
        "连续输错密码次数过多，账户已锁定 15 分钟。",
        "Too many failed attempts: the account is locked for 15 minutes.",
    ),
    "signin.missing": ("请输入用户名和密码。", "Enter a username and a password."),
    "signin.timeout": (
        "会话已超时，请重新登录。",
        "Your session timed out. Please sign in again.",
    ),
    "signin.demo_hint": (
        "演示账户见 README（如 leading_office、dept_samr、privacy_officer、admin）。",
        "Demo accounts are listed in the README (e.g. leading_office, dept_samr, "
        "privacy_officer, admin).",
    ),
    "access.denied": (
        "您的角色无权查看本页面。",
        "Your role may not open this page.",
    ),
    "signout": ("退出登录", "Sign out"),
    "signed_in_as": ("当前用户", "Signed in as"),
    # roles
    "role.leading_office": ("领导小组办公室（市信用办）", "Leading-group office"),
    "role.department_head": ("部门负责人", "Department head"),
    "role.privacy_officer": ("隐私保护专员", "Privacy officer"),
    "role.admin": ("系统管理员", "Administrator"),
    # sidebar filters
    "filters.header": ("全局筛选", "Global filters"),
    "filters.as_of": ("统计截止日期", "As-of date"),
    "filters.counties": ("县（市、区）", "Counties"),
    "filters.counties_help": (
        "不选即全市。",
        "Leave empty for the whole city.",
    ),
    "filters.language": ("语言 / Language", "Language / 语言"),
    # database
    "db.building": (
        "首次启动：正在生成演示数据库（约 5 万名合成居民），请稍候……",
        "First start: building the demo database (about 50,000 synthetic residents)…",
    ),
    "db.built": ("演示数据库已生成。", "The demo database is ready."),
    "db.empty": (
        "数据库中尚无数据。请运行 `python -m seed_data` 生成演示数据，或用 "
        "`python -m data_access import` 导入数据。",
        "The database holds no data yet. Run `python -m seed_data` for demo data, or import "
        "files with `python -m data_access import`.",
    ),
    "db.unreachable": (
        "无法连接数据库：{reason}",
        "The database cannot be reached: {reason}",
    ),
    # pages
    "page.overview": ("总览", "Overview"),
    "page.reporting": ("部门报送进度", "Reporting progress"),
    "page.coverage": ("重点人群与重点领域覆盖", "Key professions and domains"),
    "page.scores": ("诚信积分", "Integrity points"),
    "page.oversight": ("查询行为监测", "Query oversight"),
    "page.person": ("个人信用档案", "Personal credit file"),
    "page.repair": ("异议与信用修复", "Objections and repair"),
    "page.imports": ("数据报送", "Data submission"),
    "nav.analysis": ("分析", "Analysis"),
    "nav.oversight": ("监督", "Oversight"),
    "nav.work": ("业务", "Work"),
    "placeholder.body": (
        "本页面尚在建设中，将随需求「{issue}」上线。下方为该页面将提供的内容。",
        "This page is being built and lands with the issue “{issue}”. "
        "Below is what it will provide.",
    ),
    "placeholder.scope": ("您的数据范围：{scope}", "Your data scope: {scope}"),
    "scope.all": ("全市全部数据", "all data of the city"),
    "scope.department": ("本部门：{dept}", "your department: {dept}"),
    "scope.privacy": ("查询日志与预警", "the query log and alerts"),
    "summary.persons": ("库内居民", "Residents in the database"),
    "summary.records": ("信用记录", "Credit records"),
    "summary.queries": ("查询日志", "Query-log rows"),
    "summary.operators": ("查询操作员", "Operators"),
    # --- overview and reporting progress (pages/overview.py, pages/reporting.py)
    # --- coverage (pages/coverage.py)
    # --- integrity points (pages/scores.py)
    # --- query oversight (pages/oversight.py)
}

PLACEHOLDER_PLANS: dict[str, tuple[str, str]] = {
    "overview": (
        "核心指标及同比趋势：库内居民、重点人群覆盖率、目录按时报送率、未报事项、年度报告报送情况、"
        "红黑名单人数、未处理隐私预警、超期未办结的异议与修复申请。",
        "Headline figures with trends: residents, key-profession coverage, on-time catalogue "
        "deliveries, outstanding items, annual reports filed versus due, red and black lists, "
        "open privacy alerts, objections and repairs past their time limit.",
    ),
    "reporting": (
        "各报送单位按目录事项的应报、已报、按时、逾期、缺报及退回行数；排名、红黄绿状态、热力图、"
        "年度报告跟踪与通报导出。",
        "Per reporting unit and catalogue item: expected, delivered, on time, late, missing and "
        "rejected rows; ranking, red/amber/green status, heat map, annual-report tracker and the "
        "circular export.",
    ),
    "coverage": (
        "25 类重点职业人群信用档案覆盖率、分县热力图、14 个重点领域的记录结构与展示期。",
        "Credit-file coverage of the 25 key professions, a county heat map, and the records of "
        "the 14 key domains with their display periods.",
    ),
    "scores": (
        "诚信积分等级分布、红黑名单、积分明细与规则模拟（积分只用于激励，不用于惩戒）。",
        "Integrity-point grades, red and black lists, ledgers and what-if rules (scores reward, "
        "never punish).",
    ),
    "oversight": (
        "查询日志异常检测预警队列、证据、原因说明与案件处置记录。",
        "The alert queue of abnormal lookups, evidence, plain-language reasons and case triage.",
    ),
    "person": (
        "按身份证号或姓名检索个人信用档案；须选择合法查询事由，每次查看均登记入查询日志。",
        "Search a personal credit file by ID number or name; a lawful purpose is required and "
        "every view is written to the query log.",
    ),
    "repair": (
        "异议与信用修复申请的受理、办理时限（工作日）、超期清单与展示期到期提醒。",
        "Objections and repair applications: handling times in working days, overdue lists and "
        "display periods ending soon.",
    ),
    "imports": (
        "部门上传目录事项数据文件，逐行校验后确认入库，并计入报送进度。",
        "Departments upload a catalogue item's file, review the row-by-row validation, then "
        "accept it into the reporting progress.",
    ),
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for key in the language; a missing key shows itself so it is spotted in review."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**values) if values else text


def name_column(lang: str) -> str:
    """Which column of a reference table holds names in the language."""
    return "name_zh" if lang == "zh" else "name_en"
