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
    "signin.bad_credentials": (
        "用户名或密码错误。连续输错 5 次后，账户将锁定 15 分钟。",
        "Wrong username or password. After 5 failed attempts an account is locked for 15 minutes.",
    ),
    "signin.locked": (
        "连续输错密码次数过多，账户已锁定 15 分钟。",
        "Too many failed attempts: the account is locked for 15 minutes.",
    ),
    "signin.sso": ("统一身份认证登录（{provider}）", "Sign in with single sign-on ({provider})"),
    "signin.sso_unlinked": (
        "您的统一身份尚未关联本平台账户，请联系系统管理员。",
        "Your single-sign-on identity is not linked to a dashboard account; ask an administrator.",
    ),
    "signin.sso_leave": ("退出统一身份认证", "Leave single sign-on"),
    "signin.no_accounts": (
        "此数据库尚无任何账号。请由服务器管理员在服务器上创建第一个系统管理员账号："
        "`python -m data_access users add 用户名 --role admin`，再由其在“账号管理”页创建其他账号。",
        "This database has no accounts yet. The server's administrator creates the first "
        "administrator on the server: `python -m data_access users add USERNAME --role admin`; "
        "that administrator then creates the others on the Accounts page.",
    ),
    "signin.last_attempt": (
        "再输错一次，该账号将被锁定 15 分钟。忘记密码请联系系统管理员。",
        "One more failed attempt locks the account for 15 minutes. If you forgot the password, "
        "ask an administrator.",
    ),
    "signin.must_change": (
        "账号 {username} 仍在使用演示密码。在正式数据库上，演示密码只能用来设置新密码：请先设置新密码。",
        "Account {username} still has the demo password. On this database the demo password only "
        "serves to set a new one: set a new password first.",
    ),
    "signin.new_password": ("新密码", "New password"),
    "signin.new_password_again": ("再次输入新密码", "New password again"),
    "signin.password_rule": (
        "密码规则：至少 12 个字符，至少包含小写字母、大写字母、数字、其他符号中的三类，不得包含用户名，不得为演示密码。",
        "Password rule: at least 12 characters, of at least three kinds (lower case, upper case, "
        "digits, other signs), not containing the username, not the demo password.",
    ),
    "signin.set_password": ("设置新密码并登录", "Set the new password and sign in"),
    "signin.passwords_differ": ("两次输入的新密码不一致。", "The two new passwords differ."),
    "signin.password_weak": (
        "新密码不符合密码规则，请按上方规则重新设置。",
        "The new password does not meet the rule above; choose another.",
    ),
    "acc.caption": (
        "每一项变更（新建、改密、停用、启用、解锁）及因连续输错而自动锁定均记入变更记录。锁定 15 分钟后自动解除。",
        "Every change (created, password, disabled, enabled, unlocked) and every automatic lockout "
        "after failed attempts is kept in the change log. A lockout ends by itself after 15 "
        "minutes.",
    ),
    "acc.count": (
        "账号 {n} 个：启用 {active} 个，当前锁定 {locked} 个。",
        "{n} accounts: {active} active, {locked} locked now.",
    ),
    "acc.col.username": ("用户名", "Username"),
    "acc.col.display_name": ("显示名称", "Display name"),
    "acc.col.role": ("角色", "Role"),
    "acc.col.department": ("部门", "Department"),
    "acc.col.state": ("状态", "State"),
    "acc.col.locked_until": ("锁定至", "Locked until"),
    "acc.col.failed": ("连续输错", "Failed attempts"),
    "acc.col.last_sign_in": ("最近登录", "Last sign-in"),
    "acc.col.at": ("时间", "When"),
    "acc.col.actor": ("操作人", "By"),
    "acc.col.action": ("操作", "Change"),
    "acc.col.detail": ("说明", "Detail"),
    "acc.active": ("启用", "active"),
    "acc.disabled": ("停用", "disabled"),
    "acc.locked": ("锁定", "locked"),
    "acc.never": ("从未登录", "never"),
    "acc.tab.add": ("新建账号", "New account"),
    "acc.tab.password": ("重设密码", "Set a password"),
    "acc.tab.state": ("停用 / 启用 / 解锁", "Disable / enable / unlock"),
    "acc.tab.events": ("变更记录", "Change log"),
    "acc.username_help": (
        "3–64 个字符：小写字母、数字及 . _ -。",
        "3 to 64 characters: lower-case letters, digits and . _ -.",
    ),
    "acc.department": ("部门（部门负责人必填）", "Department (required for a department head)"),
    "acc.none": ("（无）", "(none)"),
    "acc.create": ("新建", "Create"),
    "acc.user": ("账号", "Account"),
    "acc.set_password": ("设置密码", "Set the password"),
    "acc.disable": ("停用", "Disable"),
    "acc.enable": ("启用", "Enable"),
    "acc.unlock": ("解锁", "Unlock"),
    "acc.done.created": ("已新建账号 {username}。", "Account {username} created."),
    "acc.done.password": (
        "已为 {username} 设置新密码，其已登录的会话均已结束。",
        "Password of {username} set; its signed-in sessions ended.",
    ),
    "acc.done.disabled": (
        "已停用 {username}，其会话立即结束。",
        "{username} disabled; its sessions ended at once.",
    ),
    "acc.done.enabled": ("已启用 {username}。", "{username} enabled."),
    "acc.done.unlocked": ("已解锁 {username}。", "{username} unlocked."),
    "acc.action.created": ("新建", "created"),
    "acc.action.password": ("设置密码", "password set"),
    "acc.action.disabled": ("停用", "disabled"),
    "acc.action.enabled": ("启用", "enabled"),
    "acc.action.unlocked": ("解锁", "unlocked"),
    "acc.action.locked": ("自动锁定", "locked"),
    "acc.err.username_format": (
        "用户名须为 3–64 个字符，仅含小写字母、数字及 . _ -，并以字母或数字开头。",
        "A username has 3 to 64 characters: lower-case letters, digits and . _ -, starting with "
        "a letter or digit.",
    ),
    "acc.err.role": ("未知角色。", "Unknown role."),
    "acc.err.department_needed": (
        "部门负责人必须选择部门。",
        "A department head needs a department.",
    ),
    "acc.err.department_unknown": (
        "该部门不在目录中。",
        "That department is not in the catalogue.",
    ),
    "acc.err.taken": ("该用户名已被使用。", "That username is taken."),
    "acc.err.password_rule": (
        "密码不符合规则：至少 12 个字符，至少包含小写字母、大写字母、数字、其他符号中的三类，不得包含用户名，不得为演示密码。",
        "The password breaks the rule: at least 12 characters of at least three kinds (lower "
        "case, upper case, digits, other signs), not containing the username, not the demo "
        "password.",
    ),
    "acc.err.no_user": ("没有该账号。", "There is no such account."),
    "acc.err.self_disable": ("不能停用自己的账号。", "You cannot disable your own account."),
    "acc.err.last_admin": (
        "这是最后一个启用的系统管理员账号，不能停用。",
        "This is the last active administrator; it cannot be disabled.",
    ),
    "acc.err.passwords_differ": ("两次输入的密码不一致。", "The two passwords differ."),
    "nav.refused": (
        "您的角色无权打开所访问的页面（或该地址不存在），已转到您的首页。",
        "Your role may not open the page you asked for (or it does not exist); this is your home "
        "page.",
    ),
    "error.incident": (
        "页面出现意外错误，未显示任何数据。事件编号 {incident}：请将此编号告知系统管理员，以便在服务器日志中查找。",
        "Something went wrong on this page and nothing was shown. Incident {incident}: give this "
        "number to the administrator, who finds the details in the server log.",
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
    "filters.whole_city": ("全市", "Whole city"),
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
    "page.accounts": ("账号管理", "Accounts"),
    "nav.analysis": ("分析", "Analysis"),
    "nav.oversight": ("监督", "Oversight"),
    "nav.work": ("业务", "Work"),
    "nav.admin": ("系统管理", "Administration"),
    "scope.all": ("全市全部数据", "all data of the city"),
    "scope.department": ("本部门：{dept}", "your department: {dept}"),
    "scope.privacy": ("查询日志与预警", "the query log and alerts"),
    "summary.persons": ("库内居民", "Residents in the database"),
    "summary.records": ("信用记录", "Credit records"),
    "summary.queries": ("查询日志", "Query-log rows"),
    "summary.operators": ("查询操作员", "Operators"),
    # --- overview and reporting progress (pages/overview.py, pages/reporting.py)
    "rep.caption": (
        "统计期：{start} 至 {end}；截至 {as_of}；范围：{scope}",
        "Period {start} to {end}; as of {as_of}; scope: {scope}",
    ),
    "rep.period": ("统计期（按报送期）", "Period (by reporting period)"),
    "rep.thresholds": ("红黄绿判定阈值", "Red/amber/green thresholds"),
    "rep.green_on_time": ("绿：按时率不低于", "Green: on-time rate at least"),
    "rep.green_completeness": ("绿：完整率不低于", "Green: completeness at least"),
    "rep.amber_on_time": ("黄：按时率不低于", "Amber: on-time rate at least"),
    "rep.amber_completeness": ("黄：完整率不低于", "Amber: completeness at least"),
    "rep.thresholds_text": (
        "绿：按时率 ≥ {g_on:.0%} 且完整率 ≥ {g_c:.0%}；黄：按时率 ≥ {a_on:.0%} 且完整率 ≥ "
        "{a_c:.0%}；其余为红。",
        "Green: on-time ≥ {g_on:.0%} and completeness ≥ {g_c:.0%}; amber: on-time ≥ {a_on:.0%} "
        "and completeness ≥ {a_c:.0%}; otherwise red.",
    ),
    "rep.glossary": ("指标口径", "Definitions"),
    "rep.tab.ranking": ("排名", "Ranking"),
    "rep.tab.heat": ("月度热力图", "Monthly heat map"),
    "rep.tab.trend": ("全市趋势", "City trend"),
    "rep.tab.drill": ("单位明细", "Unit drill-down"),
    "rep.tab.annual": ("年度报告", "Annual reports"),
    "rep.tab.export": ("通报导出", "Circular export"),
    "rep.units": ("报送单位", "Reporting units"),
    "rep.no_items": (
        "所选范围内没有应报事项。",
        "Nothing was due in the selected scope and period.",
    ),
    "rep.drill_unit": ("选择单位", "Unit"),
    "rep.drill_item": ("目录事项", "Catalogue item"),
    "rep.export_title": (
        "周口市个人诚信体系建设部门报送情况通报（{start} 至 {end}，截至 {as_of}）",
        "Zhoukou personal integrity programme: reporting circular ({start} to {end}, as of {as_of})",
    ),
    "rep.export_excel": ("下载通报（Excel）", "Download the circular (Excel)"),
    "rep.export_csv": ("下载排名（CSV）", "Download the ranking (CSV)"),
    "rep.export_note": (
        "工作簿含：排名、逾期与缺报清单、年度报告未报单位、月度按时率。",
        "The workbook holds: ranking, late and missing deliveries, units without annual "
        "reports, monthly on-time rates.",
    ),
    "rep.sheet.ranking": ("排名", "Ranking"),
    "rep.sheet.laggards": ("逾期与缺报", "Late and missing"),
    "rep.sheet.annual": ("年度报告未报", "Annual reports outstanding"),
    "rep.sheet.monthly": ("月度按时率", "Monthly on-time"),
    "rep.heat_title": (
        "各单位按月按时率（按应报日期所在月）",
        "On-time rate by unit and due month",
    ),
    "rep.trend_title": ("全市按时率与完整率", "City on-time rate and completeness"),
    "rep.annual_year": ("年度", "Year"),
    "rep.days_left": ("距 12 月 31 日还有 {days} 天", "{days} days left to 31 December"),
    "rep.annual_missing": (
        "尚未报送本年度报告的单位",
        "Units that have not filed this year's report",
    ),
    "rep.annual_overdue_past": ("往年逾期未报", "Overdue in past years"),
    "rep.none": ("无", "None"),
    "col.rank": ("排名", "Rank"),
    "col.unit": ("报送单位", "Unit"),
    "col.unit_code": ("单位代码", "Unit code"),
    "col.status": ("状态", "Status"),
    "col.due": ("应报", "Due"),
    "col.delivered": ("已报", "Delivered"),
    "col.on_time": ("按时", "On time"),
    "col.late": ("逾期", "Late"),
    "col.missing": ("缺报", "Missing"),
    "col.avg_delay_days": ("平均逾期天数", "Average delay (days)"),
    "col.rows_submitted": ("报送行数", "Rows submitted"),
    "col.rows_rejected": ("退回行数", "Rows rejected"),
    "col.on_time_rate": ("按时率", "On-time rate"),
    "col.completeness": ("完整率", "Completeness"),
    "col.rejection_rate": ("退回率", "Rejection rate"),
    "col.item": ("目录事项", "Catalogue item"),
    "col.item_code": ("事项代码", "Item code"),
    "col.period": ("报送期", "Period"),
    "col.due_date": ("应报日期", "Due date"),
    "col.submitted_at": ("报送时间", "Submitted at"),
    "col.delay_days": ("逾期天数", "Days late"),
    "col.state": ("状态", "State"),
    "col.year": ("年度", "Year"),
    "col.filed_at": ("报送时间", "Filed at"),
    "col.days_late": ("逾期天数", "Days late"),
    "col.month": ("月份", "Month"),
    "status.green": ("🟢 绿", "🟢 green"),
    "status.amber": ("🟡 黄", "🟡 amber"),
    "status.red": ("🔴 红", "🔴 red"),
    "delivery.on_time": ("按时", "on time"),
    "delivery.late": ("逾期", "late"),
    "delivery.missing": ("缺报", "missing"),
    "annual.filed_on_time": ("按时报送", "filed on time"),
    "annual.filed_late": ("逾期报送", "filed late"),
    "annual.overdue": ("逾期未报", "overdue"),
    "annual.open": ("未到期", "not yet due"),
    "def.due": (
        "应报：统计期内已结束且应报日期（期末次月 15 日，或报送记录所载日期）不晚于截止日期的目录事项报送期数；未到期的不计。",
        "Due: catalogue periods in the selected range that have ended and whose due date (the "
        "15th of the following month, or the date recorded on the delivery) is on or before the "
        "as-of date; periods not yet due are not counted.",
    ),
    "def.on_time_rate": (
        "按时率 = 应报日期当天或之前报送的期数 ÷ 应报期数。",
        "On-time rate = periods delivered on or before their due date ÷ periods due.",
    ),
    "def.completeness": (
        "完整率 = 截止日期前已报送的期数 ÷ 应报期数。",
        "Completeness = periods delivered by the as-of date ÷ periods due.",
    ),
    "def.late": (
        "逾期：在应报日期之后报送；平均逾期天数只计逾期报送的期数。",
        "Late: delivered after the due date; the average delay counts late deliveries only.",
    ),
    "def.missing": (
        "缺报：已到应报日期但截至统计日期仍未报送。",
        "Missing: due but not delivered by the as-of date.",
    ),
    "def.rejection_rate": (
        "退回率 = 退回行数 ÷ 报送行数（校验未通过的数据行）。",
        "Rejection rate = rows rejected ÷ rows submitted (rows that failed validation).",
    ),
    "def.rank": (
        "排名：按时率从高到低，相同时按完整率；并列同名次。",
        "Rank: by on-time rate, then completeness; ties share a rank.",
    ),
    "def.annual": (
        "年度报告：每个报送单位（市直部门、县市区、功能区）每年 12 月 31 日前向领导小组办公室报送；"
        "次年报送为逾期报送，至今未报为逾期未报。",
        "Annual report: every reporting unit (departments, counties, zones) files with the "
        "leading-group office by 31 December; filed later is late, never filed is overdue.",
    ),
    # overview
    "ov.caption": ("截至 {as_of}；本年度为 {year} 年", "As of {as_of}; the current year is {year}"),
    "ov.residents": ("库内居民", "Residents in the database"),
    "ov.roster_coverage": ("重点人群建档率", "Key-profession file coverage"),
    "ov.on_time_ytd": ("本年目录按时报送率", "On-time catalogue deliveries this year"),
    "ov.outstanding": ("本年缺报事项", "Items outstanding this year"),
    "ov.annual_filed": ("本年度报告已报 / 应报", "Annual reports filed / due this year"),
    "ov.lists": ("红名单 / 绿色通道人数", "Red list / green channel persons"),
    "ov.alerts": ("未处理隐私预警", "Open privacy alerts"),
    "ov.overdue_cases": ("超期未办结的异议与修复", "Objections and repairs past their limit"),
    "ov.not_available": ("暂不可用", "Not available"),
    "ov.not_available_help": (
        "该指标所依赖的功能尚未上线，暂不显示，以免误导。",
        "The feature behind this figure has not landed yet; it is not shown rather than invented.",
    ),
    "ov.vs_last_year": ("较去年同期", "vs the same date last year"),
    "ov.go": ("查看详情", "Details"),
    "ov.units_missing": (
        "尚未报送本年度报告的单位（{n}）",
        "Units yet to file this year's report ({n})",
    ),
    "def.residents": (
        "库内居民：个人公共信用基础数据库中的自然人数（按全局县区筛选）。",
        "Residents: natural persons in the personal public credit database (county filter applies).",
    ),
    "def.roster_coverage": (
        "重点人群建档率 = 已由主管部门报送资格资质信息（建立信用档案）的在册从业人员 ÷ 在册从业人员（25 类重点职业人群及成年在校学生合计，一人多证按多次计）。",
        "File coverage = current practitioners of the 25 key professions and adult students whose responsible "
        "department has reported their qualification record ÷ current practitioners (roster "
        "places: a person on two rosters counts twice).",
    ),
    "def.overdue_cases": (
        "截至统计日期仍未办结且已超过法定时限的异议与修复申请：受理后超过 3 个工作日未作决定，或超过 "
        "10 个工作日未答复申请人（工作日扣除周末和法定节假日，受理当日不计）。",
        "Objections and repair applications still open past a legal limit on the as-of date: not "
        "decided more than 3 working days after receipt, or the applicant not answered after 10 "
        "(weekends and public holidays excluded; the day of receipt not counted).",
    ),
    "def.lists": (
        "最近一次诚信积分计算（截止日期不晚于统计日期）中的红名单 / 绿色通道人数。只使用截至当日仍在计分的记录；"
        "过期、已修复、已撤销的记录一律不使用。失信被执行人名单由法院公布，见诚信积分页。",
        "Red list / green channel persons in the latest integrity-points run on or before the "
        "as-of date. Only records that count that day are used: none past its period, repaired "
        "or revoked. The judgment-defaulter list is the courts'; see the integrity points page.",
    ),
    "def.on_time_ytd": (
        "本年 1 月 1 日至截止日期已到期的目录报送期中按时报送的比例；与去年同期比较。",
        "Share of catalogue periods due from 1 January to the as-of date that were delivered on "
        "time; compared with the same span last year.",
    ),
    "def.outstanding": (
        "本年已到应报日期但仍未报送的目录事项报送期数。",
        "Catalogue periods due this year and not yet delivered.",
    ),
    "def.annual_filed": (
        "本年度已报送年度报告的报送单位数 ÷ 报送单位总数；截止日期为 12 月 31 日。",
        "Reporting units that have filed this year's annual report ÷ all reporting units; due 31 "
        "December.",
    ),
    # --- coverage (pages/coverage.py)
    "cov.caption": (
        "截至 {as_of}；县（市、区）：{counties}；范围：{scope}",
        "As of {as_of}; counties: {counties}; scope: {scope}",
    ),
    "cov.all_counties": ("全市", "the whole city"),
    "cov.list_separator": ("、", ", "),
    "cov.glossary_item": ("**{term}**：{definition}", "**{term}**: {definition}"),
    "cov.footer": (
        "数据范围：{scope}。少于 5 人的数字显示为“<5”，据此计算的比率不予显示。",
        "Data scope: {scope}. Figures describing fewer than 5 persons show as “<5”; rates "
        "computed from them are not shown.",
    ),
    "cov.nothing": (
        "您所在部门不负责任何重点职业人群，也不牵头任何重点领域，本页面在您的数据范围内没有可显示的内容。",
        "Nothing in your scope: your department answers for none of the key professions and "
        "leads none of the key domains.",
    ),
    "cov.no_professions": (
        "本部门不负责任何重点职业人群。",
        "Your department answers for none of the key professions.",
    ),
    "cov.no_domains": (
        "本部门不牵头任何重点领域。",
        "Your department leads none of the key domains.",
    ),
    "cov.no_practitioners": (
        "所选县（市、区）截至统计日期没有在册从业人员。",
        "No current practitioners in the selected counties on the as-of date.",
    ),
    "cov.target": ("建档率目标（%）", "Coverage target (%)"),
    "cov.tab.professions": ("重点职业人群", "Key professions"),
    "cov.tab.counties": ("分县覆盖", "By county"),
    "cov.tab.domains": ("重点领域", "Key domains"),
    "cov.metric.current": ("在册从业人员", "Current practitioners"),
    "cov.metric.with_file": ("已建立信用档案", "With a credit file"),
    "cov.metric.coverage": ("建档率", "Coverage"),
    "cov.metric.updated_share": ("近 12 个月更新率", "Updated in 12 months"),
    "cov.metric.gap": ("距目标缺口（人）", "Gap to target (persons)"),
    "cov.below_target": (
        "{total} 类人群中 {n} 类未达目标。合计按名册人次计：同一人在两类人群名册中计两次。",
        "{n} of {total} professions below the target. Totals count roster places: a person on "
        "two rosters counts twice.",
    ),
    "cov.students_title": ("成年在校学生诚信档案", "Adult students' integrity files"),
    "cov.students_current": ("在册成年在校学生", "Adult students enrolled"),
    "cov.students_with_file": ("已建诚信档案", "With an integrity file"),
    "cov.students_records_help": (
        "截至统计日期仍在展示期内、由在册成年在校学生持有的记录；涉及学生 {students} 人。",
        "Records still displayed on the as-of date held by enrolled adult students; {students} "
        "students hold them.",
    ),
    "cov.students_note": (
        "意见二.五.5：建立成年在校学生诚信档案，开展教师和学生信用评价。学生名册与诚信档案由市教育局报送；"
        "考试舞弊与学术造假、助学贷款违约记录只统计在册学生持有的部分。",
        "Opinion 2.5.5: integrity files for adult students and credit evaluation of teachers and "
        "students. The education bureau delivers the student roster and the files; exam-fraud "
        "and student-loan records are counted only where enrolled students hold them.",
    ),
    "cov.professions_title": ("各重点职业人群建档情况", "Credit files by key profession"),
    "cov.population_note": (
        "一般人群（成年居民）：负面记录 {neg} 条/千人，正面记录 {pos} 条/千人（{adults} 人）。",
        "General population (adult residents): {neg} negative and {pos} positive records per "
        "1,000 ({adults} persons).",
    ),
    "cov.heat_title": (
        "各人群分县建档率（目标 {target}）",
        "Coverage by profession and county (target {target})",
    ),
    "cov.all_cells": ("各人群分县明细", "Every profession by county"),
    "cov.worst_title": ("缺口最大的人群与县区", "Largest gaps by profession and county"),
    "cov.no_gaps": (
        "所有人群在所有县区均已达到目标。",
        "Every profession reaches the target in every county.",
    ),
    "cov.window": ("统计月数", "Months shown"),
    "cov.window_option": ("近 {n} 个月", "Last {n} months"),
    "cov.domains_title": ("各重点领域记录概况", "Records of the key domains"),
    "cov.domain_select": ("选择领域", "Domain"),
    "cov.by_category": ("按类别、性质与严重程度", "By category, polarity and severity"),
    "cov.by_department": ("按报送部门", "By reporting department"),
    "cov.by_month": ("按月", "By month"),
    "cov.month_title": ("按决定月份的记录数", "Records by month of decision"),
    "cov.no_records": ("所选期间本领域没有可显示的记录。", "No records to show in this period."),
    "cov.visible_note": (
        "负面记录只计截至统计日期仍在公示期内的记录；已过公示期、已修复或已撤销的记录一律不显示，"
        "仅计入“已过公示期占比”。",
        "Negative records are counted only while displayed on the as-of date; records past "
        "their display period, repaired or revoked are never shown, only counted in the expired "
        "share.",
    ),
    "cov.glossary": ("指标口径", "Definitions"),
    "cov.rollup_source": (
        "重点人群覆盖与全市人口取自 {computed_at} 计算的全市汇总（截至 {as_of}）；此后一旦导入"
        "人员、花名册或信用记录，汇总即重新计算。",
        "Key-profession coverage and the city population come from the city-wide rollup "
        "computed at {computed_at} (as of {as_of}); any later import of persons, rosters or "
        "credit records makes it recompute.",
    ),
    "cov.live_source": (
        "重点人群覆盖直接按明细实时计算（截至 {as_of}）。",
        "Key-profession coverage is counted live from the rows (as of {as_of}).",
    ),
    "cov.export_excel": ("下载 Excel", "Download Excel"),
    "cov.export_csv": ("下载 CSV", "Download CSV"),
    "cov.export_title": (
        "周口市重点人群与重点领域覆盖：{table}（截至 {as_of}）",
        "Zhoukou key professions and domains: {table} (as of {as_of})",
    ),
    "cov.export_subtitle": (
        "范围：{scope}；县（市、区）：{counties}；建档率目标 {target}；少于 5 人的数字显示为 <5",
        "Scope: {scope}; counties: {counties}; coverage target {target}; figures describing "
        "fewer than 5 persons show as <5",
    ),
    "cov.col.profession": ("职业人群", "Profession"),
    "cov.col.profession_code": ("人群代码", "Profession code"),
    "cov.col.responsible_dept": ("负责部门", "Responsible department"),
    "cov.col.current": ("在册从业人员", "Current practitioners"),
    "cov.col.with_file": ("已建档", "With a file"),
    "cov.col.coverage": ("建档率", "Coverage"),
    "cov.col.updated": ("近 12 个月更新", "Updated in 12 months"),
    "cov.col.updated_share": ("更新率", "Updated share"),
    "cov.col.negative_per_1000": ("负面记录/千人", "Negative per 1,000"),
    "cov.col.population_negative_per_1000": (
        "一般人群负面记录/千人",
        "Population negative per 1,000",
    ),
    "cov.col.positive_per_1000": ("正面记录/千人", "Positive per 1,000"),
    "cov.col.population_positive_per_1000": (
        "一般人群正面记录/千人",
        "Population positive per 1,000",
    ),
    "cov.col.gap": ("距目标缺口（人）", "Gap (persons)"),
    "cov.col.county": ("县（市、区）", "County"),
    "cov.col.county_code": ("区划代码", "County code"),
    "cov.col.domain": ("领域", "Domain"),
    "cov.col.domain_code": ("领域代码", "Domain code"),
    "cov.col.lead_dept": ("牵头部门", "Lead department"),
    "cov.col.positive_records": ("正面记录", "Positive records"),
    "cov.col.neutral_records": ("资格资质等其他记录", "Neutral records"),
    "cov.col.negative_records": ("公示中的负面记录", "Negative records displayed"),
    "cov.col.negative_total": ("负面记录（累计）", "Negative records (all time)"),
    "cov.col.expired_share": ("已过公示期占比", "Past display period"),
    "cov.col.expiring": ("30 日内到期", "Expiring in 30 days"),
    "cov.col.category": ("信息类别", "Category"),
    "cov.col.category_code": ("类别代码", "Category code"),
    "cov.col.polarity": ("性质", "Polarity"),
    "cov.col.severity": ("严重程度", "Severity"),
    "cov.col.department": ("报送部门", "Reporting department"),
    "cov.col.source_dept": ("部门代码", "Department code"),
    "cov.col.month": ("月份", "Month"),
    "cov.col.records": ("记录数", "Records"),
    "cov.polarity.positive": ("正面", "positive"),
    "cov.polarity.negative": ("负面", "negative"),
    "cov.polarity.neutral": ("中性", "neutral"),
    "cov.severity.minor": ("轻微", "minor"),
    "cov.severity.general": ("一般", "general"),
    "cov.severity.serious": ("严重", "serious"),
    "cov.sheet.professions": ("重点人群", "Professions"),
    "cov.sheet.counties": ("分县覆盖", "By county"),
    "cov.sheet.gaps": ("缺口最大", "Largest gaps"),
    "cov.sheet.domains": ("重点领域", "Domains"),
    "cov.sheet.every_domain": ("各领域记录明细", "Records of every domain"),
    "cov.export_every_domain": (
        "下载各领域按类别、部门、月份的明细（Excel）",
        "Download every domain by category, department and month (Excel)",
    ),
    "cov.export_subtitle_domains": (
        "范围：{scope}；县（市、区）：{counties}；负面记录仅计公示中的记录；少于 5 人的数字显示为 <5",
        "Scope: {scope}; counties: {counties}; negative records only while displayed; figures "
        "describing fewer than 5 persons show as <5",
    ),
    "cov.sheet.category": ("按类别", "By category"),
    "cov.sheet.department": ("按部门", "By department"),
    "cov.sheet.month": ("按月", "By month"),
    "cov.term.current": ("在册从业人员", "Current practitioners"),
    "cov.term.with_file": ("已建立信用档案", "With a credit file"),
    "cov.term.coverage": ("建档率", "Coverage"),
    "cov.term.updated": ("近 12 个月更新", "Updated in the last 12 months"),
    "cov.term.negative_per_1000": ("负面记录/千人", "Negative records per 1,000"),
    "cov.term.positive_per_1000": ("正面记录/千人", "Positive records per 1,000"),
    "cov.term.population": ("一般人群", "General population"),
    "cov.term.target": ("目标", "Target"),
    "cov.term.gap": ("距目标缺口", "Gap to target"),
    "cov.term.domain_records": ("领域记录", "Domain records"),
    "cov.term.expired_share": ("已过公示期占比", "Past display period"),
    "cov.term.expiring": ("30 日内到期", "Expiring in 30 days"),
    "cov.term.small_cells": ("小数保护", "Small cells"),
    "cov.def.current": (
        "截至统计日期在名册中有效的人数（资格起始日不晚于统计日期，且终止日为空或不早于统计日期），同一人只计一次。",
        "Distinct persons on the roster on the as-of date: valid from on or before it, valid to "
        "empty or on or after it.",
    ),
    "cov.def.with_file": (
        "在册从业人员中，该人群负责部门已报送其“资格资质”记录（决定日期不晚于统计日期、未撤销）的人数。",
        "Current practitioners for whom the profession's responsible department has reported a "
        "QUALIFICATION record, decided by the as-of date and not revoked.",
    ),
    "cov.def.coverage": (
        "建档率 = 已建档人数 ÷ 在册从业人员。",
        "Coverage = practitioners with a file ÷ current practitioners.",
    ),
    "cov.def.updated": (
        "最近一条资格资质记录的决定日期在统计日期前 12 个月内的人数；更新率 = 该人数 ÷ 在册从业人员。",
        "Practitioners whose latest QUALIFICATION record was decided in the 12 months up to the "
        "as-of date; the share is of current practitioners.",
    ),
    "cov.def.negative_per_1000": (
        "每千名在册从业人员持有的、截至统计日期仍在公示期内（状态为有效或异议中）的负面记录数。",
        "Negative records displayed on the as-of date (active or under objection) per 1,000 "
        "current practitioners.",
    ),
    "cov.def.positive_per_1000": (
        "每千名在册从业人员持有的、近 3 年内决定且未撤销的正面记录数。",
        "Positive records decided in the last 3 years, not revoked, per 1,000 current "
        "practitioners.",
    ),
    "cov.def.population": (
        "一般人群：所选县区截至统计日期年满 18 周岁的居民；同口径计算每千人记录数，用于对比。",
        "General population: residents aged 18 or over on the as-of date in the selected "
        "counties; records per 1,000 on the same definitions, for comparison.",
    ),
    "cov.def.target": (
        "每个人群应达到的建档率，默认 95%，可在本页调整。",
        "The coverage every profession should reach: 95 % unless changed on this page.",
    ),
    "cov.def.gap": (
        "缺口 = max(0, 向上取整(目标 × 在册从业人员) − 已建档)；合计为各人群（县区）缺口之和，不以超额抵补。",
        "Gap = max(0, ceil(target × current practitioners) − with a file); totals add each "
        "profession's (county's) gap, a surplus never offsets a shortfall.",
    ),
    "cov.def.domain_records": (
        "所选月数内决定的本领域记录：正面与中性记录（未撤销）及截至统计日期仍在公示期内的负面记录。",
        "Records of the domain decided in the chosen months: positive and neutral records not "
        "revoked, negative records only while displayed on the as-of date.",
    ),
    "cov.def.expired_share": (
        "本领域截至统计日期的全部负面记录（未撤销）中，公示期已届满（公示截止日不晚于统计日期）的比例。",
        "Of the domain's negative records up to the as-of date (not revoked), the share whose "
        "display period has ended.",
    ),
    "cov.def.expiring": (
        "仍在公示期内、将在今后 30 日内到期的负面记录数。",
        "Negative records displayed now whose display period ends in the next 30 days.",
    ),
    "cov.def.small_cells": (
        "涉及 1 至 4 人的数字显示为“<5”，据少于 5 人计算的比率不予显示，以免识别到个人。",
        "A figure describing 1 to 4 persons shows as “<5” and a rate computed from fewer than 5 "
        "persons is not shown, so no individual can be singled out.",
    ),
    # --- integrity points (pages/scores.py)
    "sc.ledger.title": ("个人积分明细", "A person's points ledger"),
    "sc.ledger.help": (
        "逐条列出计入或未计入的记录、适用规则与分值。查看须选择合法查询事由，并登记入查询日志。",
        "Every record considered, the rule applied and its points. Opening a ledger needs a "
        "lawful purpose and is written to the query log.",
    ),
    "sc.ledger.id": ("身份证号", "ID number"),
    "sc.ledger.purpose": ("查询事由", "Purpose"),
    "sc.ledger.ref": ("授权或案件编号", "Authorisation or case reference"),
    "sc.ledger.open": ("查看明细", "Open the ledger"),
    "sc.ledger.logged": ("本次查看已登记，编号 {query_id}", "This view is logged as {query_id}"),
    "sc.ledger.unknown": ("库中无此人：{id}", "No such person in the database: {id}"),
    "sc.save.in_force": ("现行积分规则版本：{version}", "Policy in force: version {version}"),
    "sc.save.title": (
        "将上方编辑的规则保存为新版本（仅系统管理员；下次计算起生效）",
        "Save the rules edited above as a new version (administrators only; used from the "
        "next run)",
    ),
    "sc.save.version": ("新版本号", "New version name"),
    "sc.save.note": ("修订说明", "Reason for the change"),
    "sc.save.button": ("保存为新版本", "Save as a new version"),
    "sc.save.done": ("已保存积分规则版本 {version}。", "Saved policy version {version}."),
    "sc.banner": (
        "诚信积分用于守信激励，不用于惩戒：积分低不会使任何人进入名单或失去便利。严重失信主体名单只能是发布机关"
        "依法公布的名单（本平台为法院公布的失信被执行人），平台不自行制造黑名单。",
        "Integrity points reward and never punish: a low score puts no one on a list and takes "
        "no convenience away. Serious-dishonesty lists are only those their issuing authority "
        "publishes under law (here the courts' judgment defaulters); the platform makes up none.",
    ),
    "sc.no_run": (
        "尚无 {as_of} 及以前的积分计算结果。运行 `python -m scoring points --as-of {as_of}` 计算。",
        "No integrity points computed as of {as_of} or earlier. Run "
        "`python -m scoring points --as-of {as_of}` to compute them.",
    ),
    "sc.run": (
        "积分规则版本 {version}，统计日期 {as_of}，计算于 {computed_at}。",
        "Policy version {version}, as of {as_of}, computed {computed_at}.",
    ),
    "sc.scored": ("参评人数（18 周岁以上）", "Persons scored (18 and over)"),
    "sc.red_list": ("红名单（守信激励）", "Red list (rewarded)"),
    "sc.green_channel": ("绿色通道", "Green channel"),
    "sc.serious_record": ("有严重失信记录", "With a serious record"),
    "sc.black_list": ("失信被执行人（法院公布）", "Judgment defaulters (published by the courts)"),
    "sc.legacy_black": (
        "旧版“黑名单”（任一严重失信记录）",
        'Old "black list" (any serious record)',
    ),
    "sc.help.red_list": (
        "等级达到 AA 及以上，且没有仍在计分的负面记录。过期、已修复、已撤销的记录一律不使用。",
        "Grade AA or above and no negative record that counts. Records past their period, "
        "repaired or revoked are never used.",
    ),
    "sc.help.green_channel": (
        "行政许可绿色通道（意见二.四.1）：没有仍在计分的负面记录的全部参评人员，红名单是其一部分。",
        "Green channel in administrative licensing (opinion 2.4.1): every scored adult with no "
        "negative record that counts; the red list is a part of it.",
    ),
    "sc.help.serious_record": (
        "有仍在计分的严重失信记录的人数。这是供信用办监测的数字，不是任何名单。",
        "Persons with a counting serious record: a monitoring figure for the credit office, not "
        "a list of anyone.",
    ),
    "sc.help.black_list": (
        "严重失信主体名单只能是发布机关依法公布的名单；本目录中为法院公布的失信被执行人，"
        "在该记录计分期间列入。平台不自行制造黑名单，积分高低也不使任何人进入名单。",
        "Serious-dishonesty lists are only those their issuing authority publishes under law; in "
        "this catalogue the courts' judgment defaulters, while such a record counts. The platform "
        "makes up no black list, and no score puts anyone on a list.",
    ),
    "sc.legacy_run": (
        "此结果按旧版积分规则 {version} 计算：其红名单回溯了已过期、已修复的记录，其“黑名单”为任一严重失信记录，"
        "均不符合现行规定。结果仅供查阅，请按现行规则重新计算（python -m scoring points）。",
        "These results were computed under the old policy {version}: its red list looked back at "
        'expired and repaired records and its "black list" was any serious record, neither '
        "lawful now. They stay readable; compute them again under the policy in force.",
    ),
    "sc.wi.lists_fixed": (
        "绿色通道、严重失信记录和失信被执行人名单由法规而非积分规则决定，模拟不会改变它们。",
        "The green channel, the serious-record figure and the judgment-defaulter list follow the "
        "law, not the points rules: the what-if does not change them.",
    ),
    "ls.on": ("在{name}", "On the {name}"),
    "ls.off": ("不在{name}", "Not on the {name}"),
    "ls.name.red_list": ("红名单", "red list"),
    "ls.name.green_channel": ("绿色通道", "green channel"),
    "ls.name.serious_record": ("严重失信记录监测", "serious-record figure"),
    "ls.name.black_list": ("失信被执行人名单", "judgment-defaulter list"),
    "ls.severity.minor": ("轻微", "minor"),
    "ls.severity.general": ("一般", "general"),
    "ls.severity.serious": ("严重", "serious"),
    "ls.reason.grade_and_clean": (
        "等级 {grade} 达到 {min_grade}，且没有仍在计分的负面记录",
        "grade {grade} is {min_grade} or above and no negative record counts",
    ),
    "ls.reason.grade_below": (
        "等级 {grade} 低于 {min_grade}",
        "grade {grade} is below {min_grade}",
    ),
    "ls.reason.negative_counts": (
        "{decided} 的{severity} {category} 计分至 {until}",
        "a {severity} {category} of {decided} counts until {until}",
    ),
    "ls.reason.no_negative": ("没有仍在计分的负面记录", "no negative record counts"),
    "ls.reason.serious_counts": (
        "{decided} 的严重 {category} 计分至 {until}",
        "a serious {category} of {decided} counts until {until}",
    ),
    "ls.reason.no_serious": ("没有仍在计分的严重失信记录", "no serious negative record counts"),
    "ls.reason.authority_list": (
        "法院公布：{decided} 的 {category} 计分至 {until}",
        "the courts' list: {category} of {decided} counts until {until}",
    ),
    "ls.reason.no_authority_list": (
        "不在任何发布机关依法公布的名单上",
        "on no list an authority publishes under law",
    ),
    "sc.pending": ("异议处理中", "Pending objection"),
    "sc.grades_city": ("信用等级分布", "Grade distribution"),
    "sc.by_county": ("按县（市、区）", "By county"),
    "sc.by_age_gender": ("按年龄段和性别", "By age band and gender"),
    "sc.fairness": ("公平性提示", "Fairness flags"),
    "sc.fairness_help": (
        "某一群体的低等级（C、D）占比或失信被执行人比例达到全市的 {ratio} 倍且人数不少于 {n} 人时提示，"
        "供复核规则是否对该群体不公。",
        "A group is flagged when its share of low grades (C, D) or its judgment-defaulter rate is {ratio} "
        "times the city's and it has at least {n} persons: review whether the rules treat it "
        "unfairly.",
    ),
    "sc.no_flags": ("没有需要提示的群体。", "No group is flagged."),
    "sc.col.county_code": ("县（市、区）", "County"),
    "sc.col.gender": ("性别", "Gender"),
    "sc.col.age_band": ("年龄段", "Age band"),
    "sc.col.persons": ("人数", "Persons"),
    "sc.col.red_list": ("红名单", "Red list"),
    "sc.col.green_channel": ("绿色通道", "Green channel"),
    "sc.col.serious_record": ("有严重失信记录", "Serious record"),
    "sc.col.black_list": ("失信被执行人", "Judgment defaulters"),
    "sc.col.pending_objection": ("异议处理中", "Pending objection"),
    "sc.col.dimension": ("维度", "Dimension"),
    "sc.col.group": ("群体", "Group"),
    "sc.col.low_share": ("低等级占比", "Low-grade share"),
    "sc.col.black_rate": ("失信被执行人比例", "Judgment-defaulter rate"),
    "sc.col.flag": ("提示", "Flag"),
    "sc.col.grade": ("等级", "Grade"),
    "sc.col.from": ("原等级", "From"),
    "sc.col.to": ("新等级", "To"),
    "sc.col.red_in": ("进入红名单", "Red list in"),
    "sc.col.red_out": ("移出红名单", "Red list out"),
    "sc.wi.title": ("规则模拟（不保存）", "What-if (nothing is saved)"),
    "sc.wi.help": (
        "修改等级门槛、扣分和年度上限，预览新的等级分布和等级变动人员；逐县重新计算，全市规模需数分钟。",
        "Change grade thresholds, deductions and yearly caps and preview the new distribution and "
        "the movers; recomputed county by county, minutes at the city scale.",
    ),
    "sc.wi.version_draft": ("模拟", "what-if"),
    "sc.wi.grade_min": ("{grade} 最低分", "{grade} minimum"),
    "sc.wi.neg.minor": ("轻微失信扣分", "Minor deduction"),
    "sc.wi.neg.general": ("一般失信扣分", "General deduction"),
    "sc.wi.neg.serious": ("严重失信扣分", "Serious deduction"),
    "sc.wi.cap": ("{category} 年度上限", "{category} yearly cap"),
    "sc.wi.preview": ("预览", "Preview"),
    "sc.wi.running": ("正在按新规则计算……", "Scoring with the changed rules ..."),
    "sc.wi.current": ("现行规则", "Current rules"),
    "sc.wi.new": ("模拟规则", "What-if rules"),
    "sc.wi.movers": ("等级变动人数", "Persons changing grade"),
    "sc.wi.movers_table": ("等级变动", "Grade changes"),
    "sc.wi.download": (
        "下载模拟规则文件（policy.toml，须改版本号后部署）",
        "Download the what-if policy file (policy.toml; give it a new version before deploying)",
    ),
    "sc.wi.admin_only": (
        "仅系统管理员可导出新的规则版本。",
        "Only an administrator may export a new policy version.",
    ),
    # --- personal credit file (pages/person.py)
    "pf.notice": (
        "个人信用信息仅可依法定事由查询。打开档案须选择查询事由并填写授权编号；每次打开均以您的"
        "身份登记入查询日志（渠道 DASHBOARD），由隐私保护专员审查。",
        "Personal credit information may be looked up only for a lawful purpose. Opening a file "
        "needs a purpose and an authorisation reference; every opening is written to the query "
        "log in your name (channel DASHBOARD) and reviewed by the privacy officers.",
    ),
    "pf.remit.admin": ("可查询范围：全市居民", "You may open: any resident"),
    "pf.remit.department": (
        "可查询范围：本部门（{dept}）名册中的从业人员、本部门报送的信用记录主体、本部门办理的异议与"
        "修复申请人；档案中仅显示本部门的数据。",
        "You may open: practitioners on your department's ({dept}) rosters, subjects of records "
        "your department reported, applicants whose objections or repairs it handles; the file "
        "shows only your department's data.",
    ),
    "pf.search": ("检索", "Search"),
    "pf.search.text": ("身份证号（18 位）或完整姓名", "ID number (18 characters) or full name"),
    "pf.search.help": (
        "姓名须完整匹配，身份证号须完整且校验位正确；不支持模糊检索。",
        "A name must match in full and an ID number must be complete with a valid check "
        "character; there is no partial search.",
    ),
    "pf.search.submit": ("检索", "Search"),
    "pf.search.none": (
        "您的查询范围内没有匹配的居民。",
        "No resident within your remit matches.",
    ),
    "pf.search.more": (
        "匹配人数超过 {n} 人，仅显示前 {n} 人；请用侧栏县（市、区）筛选或改用身份证号。",
        "More than {n} residents match; the first {n} are shown. Narrow by county in the sidebar "
        "or search by ID number.",
    ),
    "pf.candidate": ("选择居民（已脱敏）", "Choose the resident (masked)"),
    "pf.purpose": ("查询事由", "Purpose of the lookup"),
    "pf.reference": (
        "授权编号（授权书、案件或批次编号）",
        "Authorisation reference (consent, case or batch)",
    ),
    "pf.open": ("打开档案并登记查询", "Open the file and log the lookup"),
    "pf.close": ("关闭档案", "Close the file"),
    "pf.logged": (
        "本次查询已登记入查询日志：{query_id}（事由 {purpose}，授权 {reference}）。",
        "This lookup is in the query log: {query_id} (purpose {purpose}, authorisation "
        "{reference}).",
    ),
    "pf.outside": (
        "您的查询范围内没有该身份证号的居民，未显示任何信息。",
        "No resident with this ID number within your remit; nothing is shown.",
    ),
    "pf.sensitive": (
        "该居民在隐私重点保护名单上，查询将被重点审查。",
        "This resident is on the privacy watch list; lookups are reviewed closely.",
    ),
    "pf.gender": ("性别", "Gender"),
    "pf.gender.M": ("男", "Male"),
    "pf.gender.F": ("女", "Female"),
    "pf.birth": ("出生日期", "Birth date"),
    "pf.county": ("户籍所在县（市、区）", "County of registration"),
    "pf.tab.records": ("信用记录（{n}）", "Credit records ({n})"),
    "pf.tab.roster": ("职业名册（{n}）", "Professional rosters ({n})"),
    "pf.tab.applications": ("异议与修复（{n}）", "Objections and repairs ({n})"),
    "pf.tab.ledger": ("积分明细", "Points ledger"),
    "pf.records.help": (
        "仅显示截至 {as_of} 可展示的信息：失信信息在展示期内（截止日之前）且未修复、未撤销；"
        "超过展示期、已修复或已撤销的信息不再显示，也不计入任何统计。",
        "Only what may be shown on {as_of}: negative information inside its display period "
        "(before display_until) and neither repaired nor revoked. Information past its display "
        "period, repaired or revoked is no longer shown or counted anywhere.",
    ),
    "pf.records.none": ("没有可展示的信用记录。", "No record may be shown."),
    "pf.roster.none": ("不在本范围内的重点职业名册中。", "Not on a roster within your remit."),
    "pf.applications.none": ("没有异议或修复申请。", "No objection or repair application."),
    "pf.ledger.help": (
        "按现行积分规则计算至 {as_of}；积分只用于激励，不作为惩戒依据。",
        "Computed with the policy in force as of {as_of}; points reward, they never punish.",
    ),
    "pf.ledger.admin_only": (
        "积分明细汇总全部部门的记录，仅系统管理员可见。",
        "The ledger draws on every department's records and is shown to administrators only.",
    ),
    "pf.ledger.none": ("暂无积分明细。", "No ledger available."),
    "pf.state.displayed": ("展示中", "Displayed"),
    "pf.state.ending_soon": ("30 日内到期", "Display ends within 30 days"),
    "pf.state.objection": ("异议处理中", "Under objection"),
    "pf.current.True": ("在册", "Current"),
    "pf.current.False": ("已离册", "Past"),
    "pf.export": ("导出档案（Excel）", "Export the file (Excel)"),
    "pf.my_views": (
        "您今天已打开 {n} 份个人档案；所有打开记录均可由隐私保护专员查阅。",
        "You have opened {n} personal files today; every opening can be reviewed by the privacy "
        "officers.",
    ),
    "pf.col.display_state": ("展示状态", "Display state"),
    "pf.col.polarity": ("性质", "Polarity"),
    "pf.col.licence_no": ("证书编号", "Licence no."),
    "pf.col.valid_from": ("起始日期", "Valid from"),
    "pf.col.valid_to": ("终止日期", "Valid to"),
    "pf.col.current": ("在册", "Current"),
    "pf.col.application_id": ("申请编号", "Application"),
    "pf.col.kind": ("类型", "Kind"),
    "pf.col.handling_dept": ("办理部门", "Handling department"),
    "pf.col.filed_at": ("申请日期", "Filed"),
    "pf.col.received_at": ("受理日期", "Received"),
    "pf.col.decided_at": ("决定日期", "Decided"),
    "pf.col.answered_at": ("答复日期", "Answered"),
    "pf.col.outcome": ("结果", "Outcome"),
    "pf.col.record_id": ("记录编号", "Record"),
    "pf.col.category_code": ("信息类别", "Category"),
    "pf.col.domain_code": ("领域", "Domain"),
    "pf.col.severity": ("严重程度", "Severity"),
    "pf.col.level": ("表彰级别", "Level"),
    "pf.col.quantity": ("数量", "Quantity"),
    "pf.col.decision_date": ("决定日期", "Decision date"),
    "pf.col.display_until": ("展示截止（当日起不再展示）", "Display until (first day not shown)"),
    "pf.col.source_dept": ("报送部门", "Reporting department"),
    "pf.col.status": ("状态", "Status"),
    "pf.col.title": ("摘要", "Summary"),
    "pf.col.profession_code": ("重点职业人群", "Key profession"),
    "pf.polarity.positive": ("守信", "Positive"),
    "pf.polarity.negative": ("失信", "Negative"),
    "pf.polarity.neutral": ("基础", "Neutral"),
    "pf.kind.objection": ("异议", "Objection"),
    "pf.kind.repair": ("信用修复", "Credit repair"),
    "pf.outcome.pending": ("办理中", "Pending"),
    "pf.outcome.upheld": ("予以支持", "Upheld"),
    "pf.outcome.rejected": ("不予支持", "Rejected"),
    "pf.outcome.withdrawn": ("已撤回", "Withdrawn"),
    "pf.severity.minor": ("轻微", "Minor"),
    "pf.severity.general": ("一般", "General"),
    "pf.severity.serious": ("严重", "Serious"),
    "pf.purpose.choose": ("请选择法定查询事由", "Choose the lawful purpose"),
    "pf.purpose.missing": (
        "请先选择查询事由：没有法定事由不能查询个人信用信息。",
        "Choose a purpose first: personal credit information may not be looked up without a "
        "lawful purpose.",
    ),
    "pf.reference_needed": (
        "事由「{purpose}」须填写授权编号。",
        "The purpose “{purpose}” needs an authorisation reference.",
    ),
    "pf.refused": ("不能打开档案：{reason}", "The file cannot be opened: {reason}"),
    # --- query oversight (pages/oversight.py)
    "qo.reason_filter": (
        "原因包含（如：同姓、夜间、无授权）",
        "Reasons containing (e.g. surname, night, without authorisation)",
    ),
    "qo.trend": ("预警与确认案件趋势（按周）", "Alerts and confirmed cases by week"),
    "qo.count_axis": ("数量", "Count"),
    "qo.profile": ("操作员画像", "Operator profile"),
    "qo.profile.lookups": ("近 90 天查询次数", "Lookups, last 90 days"),
    "qo.profile.persons": ("近 90 天查询人数", "Persons looked up, last 90 days"),
    "qo.profile.no_ref": ("无授权编号占比", "Share without authorisation"),
    "qo.profile.help": (
        "截至预警窗口开始前 90 天内该操作员的查询，在数据库中统计。",
        "The operator's lookups in the 90 days to the start of the alert window, counted in "
        "the database.",
    ),
    "qo.profile.alerts": ("历次预警", "Alerts so far"),
    "qo.activity.title": (
        "每日查询量：本人与同部门同岗位人均（红色区域为预警窗口）",
        "Lookups per day: the operator and the average peer of the same department and role "
        "(red band: the alert window)",
    ),
    "qo.activity.operator": ("本人", "Operator"),
    "qo.activity.peers": ("同岗位人均", "Average peer"),
    "qo.case.summary": ("预警", "Alert"),
    "qo.case.evidence": ("证据", "Evidence"),
    "qo.case.history": ("处置记录", "History"),
    "qo.case.title": (
        "查询行为预警案卷 #{alert_id}（操作员 {operator}）",
        "Case file #{alert_id} (operator {operator})",
    ),
    "qo.case.download": ("导出案卷（Excel）", "Export the case file (Excel)"),
    "qo.caption": (
        "检测器对每位查询人员做两种判断：整个评估时段内累计的证据（预警时间窗为该事件首末次查询的日期），"
        "以及逐周与本人其他各周相比；均与同部门、同岗位、同层级人员比较比例而非次数。分数越高越可疑，"
        "不同时段的分数可以直接比较。",
        "The detector judges every operator twice: over the whole scored range (the alert's window "
        "is then the episode, from its first to its last lookup) and week by week against the "
        "operator's own other weeks; shares, not counts, against peers of the same department, "
        "role and level. A higher score is more suspicious and scores compare across windows.",
    ),
    "qo.last_run": (
        "检测器最近一次运行：{ran_at}，评估 {date_from} 至 {date_to} 的 {lookups} 次查询，"
        "产生 {alerts} 条预警（{operators} 位人员），版本 {version}。",
        "The detector last ran at {ran_at} over {date_from} to {date_to} ({lookups} lookups) "
        "and raised {alerts} alerts about {operators} operators (version {version}).",
    ),
    "qo.never_ran": (
        "检测器尚未运行，预警队列可能不完整。请信用办安排每日运行。",
        "The detector has not run yet: the queue may be incomplete. Ask the credit office to "
        "schedule the daily run.",
    ),
    "qo.stale_run": (
        "检测器已有 {days} 天未运行（最近一次：{ran_at}），预警队列可能已过时。",
        "The detector has not run for {days} days (last at {ran_at}): the queue may be out of "
        "date.",
    ),
    "qo.filters": ("筛选", "Filters"),
    "qo.status": ("处置状态", "Status"),
    "qo.min_score": ("最低分数", "Minimum score"),
    "qo.department": ("部门", "Department"),
    "qo.all_departments": ("全部部门", "All departments"),
    "qo.period": ("预警时间窗", "Alert windows between"),
    "qo.empty": (
        "没有符合条件的预警。运行 `python -m scoring anomalies --from 日期 --to 日期` 生成预警。",
        "No alert matches. Run `python -m scoring anomalies --from DATE --to DATE` to raise alerts.",
    ),
    "qo.queue": ("预警队列（按分数排序）", "Alert queue (by score)"),
    "qo.count": ("共 {n} 条预警", "{n} alerts"),
    "qo.pick": ("查看预警", "Open alert"),
    "qo.detail": ("预警详情", "Alert detail"),
    "qo.reasons": ("预警原因", "Reasons"),
    "qo.evidence": (
        "证据：该时间窗内的查询记录（被查询人已脱敏，无授权的在前）",
        "Evidence: the lookups of the window (subjects masked, unauthorised first)",
    ),
    "qo.evidence_capped": ("仅显示前 {n} 条。", "Only the first {n} are shown."),
    "qo.history": ("处置记录", "Triage history"),
    "qo.no_history": ("尚无处置记录。", "No triage yet."),
    "qo.triage": ("处置", "Triage"),
    "qo.action": ("处置决定", "Decision"),
    "qo.action.confirm": ("确认违规", "Confirm misuse"),
    "qo.action.dismiss": ("排除（正常查询）", "Dismiss (legitimate)"),
    "qo.action.escalate": ("上报", "Escalate"),
    "qo.note": ("处置说明（必填）", "Note (required)"),
    "qo.submit": ("提交处置", "Submit decision"),
    "qo.note_required": ("请填写处置说明。", "Please write a note."),
    "qo.saved": ("已记录：{status}", "Recorded: {status}"),
    "qo.status.open": ("待处置", "Open"),
    "qo.status.confirmed": ("已确认", "Confirmed"),
    "qo.status.dismissed": ("已排除", "Dismissed"),
    "qo.status.escalated": ("已上报", "Escalated"),
    "qo.col.alert_id": ("编号", "ID"),
    "qo.col.operator_id": ("查询人员", "Operator"),
    "qo.col.operator_name": ("姓名", "Name"),
    "qo.col.department": ("部门", "Department"),
    "qo.col.role": ("岗位", "Role"),
    "qo.col.window": ("时间窗", "Window"),
    "qo.col.score": ("分数", "Score"),
    "qo.col.status": ("状态", "Status"),
    "qo.col.reasons": ("原因", "Reasons"),
    "qo.col.queried_at": ("查询时间", "Time"),
    "qo.col.subject": ("被查询人证件号", "Subject ID"),
    "qo.col.name": ("被查询人", "Subject"),
    "qo.col.county": ("所在县区", "County"),
    "qo.col.sensitive": ("隐私保护名单", "Watch list"),
    "qo.col.purpose": ("查询事由", "Purpose"),
    "qo.col.authorization_ref": ("授权编号", "Authorisation"),
    "qo.col.channel": ("渠道", "Channel"),
    "qo.col.unauthorised": ("无授权", "Unauthorised"),
    "qo.col.at": ("时间", "When"),
    "qo.col.username": ("处置人", "By"),
    "qo.col.action": ("决定", "Decision"),
    "qo.col.note": ("说明", "Note"),
    "rp.check.stored": (
        "全市检查结果，检查时间 {at}（夜间任务 `python -m data_access display-check` 与数据生成时运行）。",
        "City-wide result checked at {at} (run nightly by `python -m data_access display-check` "
        "and when data are built).",
    ),
    "rp.check.live": (
        "本检查按当前筛选条件实时运行。",
        "This check ran just now for the current filters.",
    ),
    "rp.check.rerun": ("立即重新检查（全市）", "Check again now (whole city)"),
    "rp.check.running": (
        "正在检查每一处展示或统计信用记录的位置……",
        "Checking every place that shows or counts credit records…",
    ),
    # --- data submission (pages/imports.py)
    "im.caption": (
        "上传目录事项的数据文件（CSV UTF-8 或 .xlsx，不超过 {limit} MB），先逐行校验，校验通过后再"
        "确认入库；入库即计入报送进度。文件中任何一行不合格，整份文件都不会写入。",
        "Upload a catalogue item's data file (CSV UTF-8 or .xlsx, at most {limit} MB), review the "
        "row-by-row check, then accept it; an accepted file counts in the reporting progress at "
        "once. If any row fails, nothing of the file is written.",
    ),
    "im.department": ("报送部门", "Department"),
    "im.item": ("目录事项", "Catalogue item"),
    "im.period": ("报送期", "Period"),
    "im.due": (
        "应报日期：{due}（报送期结束后次月 15 日）",
        "Due date: {due} (the 15th of the month after the period)",
    ),
    "im.already": (
        "该事项 {period} 已于 {at} 报送；再次报送记为补报，数据按主键更新。",
        "{period} of this item was delivered on {at}; another delivery is recorded as a "
        "supplement and its rows update the stored ones by key.",
    ),
    "im.no_items": ("本部门没有需要报送的目录事项。", "This department has no catalogue item."),
    "im.col.uploaded_by": ("报送人", "Uploaded by"),
    "im.via_import": ("批量导入", "Bulk import"),
    "im.format": ("文件格式与模板", "File format and template"),
    "im.format_kind": (
        "导入类型：`{kind}`；列：{columns}",
        "Import kind: `{kind}`; columns: {columns}",
    ),
    "im.format_fixed": ("每一行必须填写：{values}", "Every row must carry: {values}"),
    "im.format_dates": (
        "日期（决定日期、资格起始日期）不得晚于报送期末和今天；早于报送期的记录（补报、更正、名册既有人员）"
        "可以报送。",
        "Dates (decision_date, valid_from) may not be after the period's end or today; earlier "
        "rows (found late, corrections, a roster's existing members) are accepted.",
    ),
    "im.template": ("下载表头模板（CSV）", "Download the header template (CSV)"),
    "im.file": ("数据文件", "Data file"),
    "im.file_help": (
        "仅接受 .csv（UTF-8）和 .xlsx，单个文件不超过 {limit} MB。",
        "Only .csv (UTF-8) and .xlsx files, at most {limit} MB each.",
    ),
    "im.nil_return": ("本期无数据（零报送）", "Nothing to report for the period (nil return)"),
    "im.nil_help": (
        "勾选后可上传只有表头的文件，记为本期已报送 0 行。",
        "Lets a file with only the header row be delivered as 0 rows for the period.",
    ),
    "im.validate": ("校验", "Validate"),
    "im.validating": ("正在逐行校验……", "Checking every row..."),
    "im.report": ("校验结果", "Validation report"),
    "im.busy": (
        "数据库正忙：另一项导入正在写入。本文件未写入任何数据，请稍后再试。",
        "The database is busy: another import is writing. Nothing of this file was written; "
        "try again shortly.",
    ),
    "im.read_as": (
        "此文件不是 UTF-8 编码，已按 {encoding} 编码读取（Excel 在中文系统中保存的“CSV”常为此编码）。"
        "请核对下方姓名等中文是否显示正确。",
        "This file is not UTF-8; it was read as {encoding} (what Excel on a Chinese system saves "
        "as 'CSV'). Check that names and other Chinese text below read correctly.",
    ),
    "im.summary": (
        "文件 {file}（{size}）：读取 {read} 行，合格 {valid} 行，问题 {problems} 个（用时 {seconds:.1f} 秒）。",
        "File {file} ({size}): {read} rows read, {valid} valid, {problems} problems "
        "({seconds:.1f} s).",
    ),
    "im.clean": ("校验通过，可以确认入库。", "The file passed every check: you may accept it."),
    "im.refused": (
        "文件未通过校验，不能入库（整份文件都不会写入）。请按下表修改后重新上传。",
        "The file is refused: nothing of it will be written. Correct the rows below and upload "
        "it again.",
    ),
    "im.reasons_note": (
        "问题原因沿用导入校验的原文（英文），格式：行号、列名、原因。",
        "Reasons are worded as the import checks word them: line, column, reason.",
    ),
    "im.shown_first": (
        "仅显示前 {n} 个问题，共 {total} 个；可下载问题清单。",
        "Only the first {n} of {total} problems are shown; download the list for more.",
    ),
    "im.download_problems": ("下载问题清单（CSV）", "Download the problems (CSV)"),
    "im.accept": ("确认入库", "Accept"),
    "im.accept_help": ("校验通过后才可确认入库。", "Enabled once the file has passed the check."),
    "im.accepting": ("正在写入……", "Writing..."),
    "im.accepted": (
        "已入库：{item} {period}，{rows} 行，报送编号 {id}，报送时间 {at}（{timeliness}）。报送进度已更新。",
        "Accepted: {item} {period}, {rows} rows, submission {id} at {at} ({timeliness}). The "
        "reporting progress is updated.",
    ),
    "im.not_recorded": (
        "数据已写入，但报送记录未能登记：{reason}",
        "The rows were written but the delivery could not be recorded: {reason}",
    ),
    "im.refused_on_accept": (
        "入库前复核未通过，未写入任何数据。",
        "The check before writing failed: nothing was written.",
    ),
    "im.scope_refused": ("你无权报送该目录事项。", "You may not submit this catalogue item."),
    "im.history": ("最近报送记录", "Recent deliveries"),
    "im.no_history": ("尚无报送记录。", "No delivery yet."),
    "im.on_time": ("按时", "on time"),
    "im.late": ("逾期", "late"),
    "im.col.line": ("行号", "Line"),
    "im.col.column": ("列", "Column"),
    "im.col.reason": ("问题", "Reason"),
    "im.col.rows_accepted": ("入库行数", "Rows accepted"),
    "im.col.submission_id": ("报送编号", "Submission"),
    "im.col.timeliness": ("是否按时", "Timeliness"),
    # --- objections and credit repair (pages/repair.py)
    "rp.period": ("统计期间（月）", "Period (months)"),
    "rp.caption": (
        "统计期间 {start} 至 {end}；截至 {as_of}；县（市、区）：{counties}；范围：{scope}",
        "Period {start} to {end}; as of {as_of}; counties: {counties}; scope: {scope}",
    ),
    "rp.calendar_missing": (
        "{years} 年工作日历未加载：这些年份按周一至周五计算工作日（未计法定节假日和调休上班）。"
        "请在 reference_data/calendar/ 添加该年文件并运行 `python -m data_access init`。",
        "{years} calendar not loaded: working days in those years are counted Monday to Friday "
        "(no public holidays, no adjusted working days). Add the year's file to "
        "reference_data/calendar/ and run `python -m data_access init`.",
    ),
    "rp.calendar_files": (
        "数据库中尚无工作日历表，暂按 reference_data/calendar/ 的文件计算；请运行 "
        "`python -m data_access init`。",
        "The database has no working-day calendar table yet; the files in "
        "reference_data/calendar/ are used. Run `python -m data_access init`.",
    ),
    "rp.m.received": ("受理", "Received"),
    "rp.m.decided": ("办结", "Decided"),
    "rp.m.pending": ("待办", "Pending"),
    "rp.m.decision_rate": ("按时作出决定", "Decided on time"),
    "rp.m.answer_rate": ("按时答复", "Answered on time"),
    "rp.m.overdue": ("超期件", "Overdue"),
    "rp.m.expiring": ("30 日内展示期届满", "Display ends within 30 days"),
    "rp.def.received": (
        "受理：监管部门接收日期（received_at）在统计期间内且不晚于截止日期的异议和修复申请。",
        "Received: objections and repair applications whose receipt by the regulator "
        "(received_at) falls in the period, on or before the as-of date.",
    ),
    "rp.def.decided": (
        "办结：作出决定日期（decided_at）在统计期间内且不晚于截止日期的申请，含维持、驳回和撤回。",
        "Decided: applications whose decision date (decided_at) falls in the period, on or before "
        "the as-of date; upheld, rejected and withdrawn alike.",
    ),
    "rp.def.pending": (
        "待办：截止日期前已提出、截止日期时尚未作出决定的申请（不论提出于哪个期间），含尚未受理的。",
        "Pending: applications filed on or before the as-of date and not decided by it, whatever "
        "the period (a backlog is a backlog); those not yet received included.",
    ),
    "rp.def.working_days": (
        "工作日：周一至周五，扣除法定节假日，加上调休上班的周末（国务院办公厅年度通知，"
        "数据见 reference_data/calendar/）。自受理日起算，受理当日不计：受理后第 1 个工作日"
        "为第 1 天。",
        "Working days: Monday to Friday less the public holidays, plus the weekend days worked in "
        "exchange (the State Council's annual notice; data in reference_data/calendar/). "
        "Counted from receipt, the day of receipt not counted: the first working day after it is "
        "day 1.",
    ),
    "rp.def.decision_days": (
        "决定用时：受理日之后至决定日（含）的工作日数；不超过 3 个工作日为按时。",
        "Decision time: working days after the day of receipt up to and including the decision "
        "date; on time when 3 or fewer.",
    ),
    "rp.def.answer_days": (
        "答复用时：受理日之后至答复申请人之日（含）的工作日数；不超过 10 个工作日为按时。",
        "Answer time: working days after the day of receipt up to and including the day the "
        "applicant was answered; on time when 10 or fewer.",
    ),
    "rp.def.decision_rate": (
        "按时作出决定率：统计期间内办结（且有受理日期）的申请中，决定用时不超过 3 个工作日的比例。",
        "Decided on time: of the applications decided in the period (with a receipt date), the "
        "share decided within 3 working days.",
    ),
    "rp.def.answer_rate": (
        "按时答复率：统计期间内已答复的申请中，答复用时不超过 10 个工作日的比例。",
        "Answered on time: of the applications answered in the period, the share answered within "
        "10 working days.",
    ),
    "rp.def.limits": (
        "法定时限：按申请受理之日施行的时限计算。自 2026-04-01 起，信用修复申请自受理之日起 3 个工作日内作出决定、"
        "10 个工作日内答复申请人；异议申请暂按同一时限统计（本市假定，待市信用办另行规定）。作出延期决定的申请按延期后的时限计算。",
        "Legal limits: those in force on the day the application was received. From 2026-04-01 a "
        "repair application is decided within 3 working days of receipt and the applicant "
        "answered within 10; objections are held to the same limits for now (the city's "
        "assumption until the credit office sets its own). An extended application is held to "
        "its extended limit.",
    ),
    "rp.def.overdue": (
        "超期件：统计期间内超时作出决定或超时答复的申请，以及截止日期时已超过时限仍未办结或未答复的"
        "申请（去重计件）。",
        "Overdue: applications decided or answered late in the period, and those past a limit and "
        "still undecided or unanswered on the as-of date (each counted once).",
    ),
    "rp.def.pending_past_limit": (
        "超时未办结：已受理、截止日期时未作决定，且受理后至截止日期已超过 3 个工作日（即当日作出决定"
        "也已超时）；未答复超过 10 个工作日同理。期限日为时限内最后一个工作日。",
        "Pending past the limit: received, not decided by the as-of date, and more than 3 working "
        "days since receipt (a decision today would already be late); likewise unanswered past 10. "
        "The deadline is the last working day within the limit.",
    ),
    "rp.def.outcomes": (
        "办理结果：统计期间内办结的申请按类型和结果计数（维持＝异议成立、记录更正或修复完成）。",
        "Outcomes: applications decided in the period by kind and outcome (upheld = objection "
        "granted and the record corrected, or the record repaired).",
    ),
    "rp.def.trend": (
        "趋势：按月统计受理（按受理月）、办结与按时率（按决定月）、答复按时率（按答复月）。",
        "Trend: per month, received (month of receipt), decided and on time (month of decision), "
        "answered on time (month of answer).",
    ),
    "rp.def.expiring": (
        "30 日内展示期届满：截止日期仍在展示的失信记录中，展示截止日在今后 30 日内（截止日期 < "
        "展示截止日 ≤ 截止日期 + 30 日）的记录；展示截止日当天起不再展示。身份证号和姓名已脱敏。",
        "Display ends within 30 days: negative records displayed on the as-of date whose display "
        "period ends in the next 30 days (as-of < display_until <= as-of + 30); from display_until "
        "on they are no longer shown. ID numbers and names masked.",
    ),
    "rp.def.check": (
        "展示期核查：逐一检查所有展示、计算或使用信用记录的功能（覆盖率、个人档案、积分、红名单、绿色通道、"
        "严重失信记录与失信被执行人名单、本页等），在截止日期会展示、计入或使用的记录中，是否有已过展示期、"
        "已修复、已撤销或无展示期的记录。该数应为 0。",
        "Display check: every place that shows, counts or uses credit records (coverage, the "
        "personal file, points, the red list, the green channel, the serious-record figure and "
        "the judgment-defaulter list, this page…) is checked for records it would show, count or "
        "use on the as-of date that are past their display period, repaired, revoked or without "
        "a display period. The figure must be 0.",
    ),
    "rp.check.title": ("展示期核查", "Display-period check"),
    "rp.check.ok": (
        "0 条超过展示期的记录在任何地方被展示或计算（已核查 {n} 处）。",
        "0 records past their display period shown or counted anywhere ({n} places checked).",
    ),
    "rp.check.fail": (
        "有 {n} 条不应展示的记录仍在 {places} 处被展示或计算：",
        "{n} records that may not be shown are still shown or counted in {places} places:",
    ),
    "rp.check.all": ("已核查的全部 {n} 处", "All {n} places checked"),
    "rp.check.uses": (
        "政策待定：有 {n} 条已过展示期或已修复的记录仍被 {places} 项规则使用（不展示、不计分，但用于"
        "对个人作出判断）。国家规定此类信息不再展示或使用，请信用办决定是否修改该规则：",
        "Policy question: {n} records past their display period or repaired are still used by "
        "{places} rules (not shown or scored, but used to decide about a person). National rules "
        "say such information is no longer shown or used; the credit office should decide "
        "whether to change the rule:",
    ),
    "rp.check.kind.shows": ("展示或计算", "Shown or counted"),
    "rp.check.kind.uses": ("规则使用", "Used by a rule"),
    "rp.col.check_kind": ("方式", "How"),
    "rp.consumer.coverage.domain_records": (
        "重点人群与重点领域覆盖：领域记录及分解",
        "Coverage page: domain records and breakdowns",
    ),
    "rp.consumer.coverage.negative_rates": (
        "重点人群与重点领域覆盖：每千人失信记录",
        "Coverage page: negative records per 1,000",
    ),
    "rp.consumer.coverage.positive_rates": (
        "重点人群与重点领域覆盖：每千人守信记录",
        "Coverage page: positive records per 1,000",
    ),
    "rp.consumer.coverage.display_status": (
        "重点人群与重点领域覆盖：各领域展示中与即将到期",
        "Coverage page: displayed and expiring per domain",
    ),
    "rp.consumer.coverage.with_file": (
        "重点人群与重点领域覆盖：已建档人数",
        "Coverage page: practitioners with a credit file",
    ),
    "rp.consumer.repair.expiring": (
        "本页：30 日内展示期届满",
        "This page: display ends within 30 days",
    ),
    "rp.consumer.person_file": ("个人信用档案", "Personal credit file"),
    "rp.consumer.scoring.points": ("诚信积分：计分记录", "Integrity points: records scored"),
    "rp.consumer.scoring.lists": (
        "诚信积分：红名单、绿色通道、严重失信记录、失信被执行人名单",
        "Integrity points: red list, green channel, serious records, judgment defaulters",
    ),
    "rp.consumer.scores.ledger": ("诚信积分：积分明细", "Integrity points: the points ledger"),
    "rp.tab.time": ("办理时限", "Handling time"),
    "rp.tab.overdue": ("超期清单", "Overdue"),
    "rp.tab.outcomes": ("办理结果", "Outcomes"),
    "rp.tab.trend": ("趋势", "Trend"),
    "rp.tab.expiring": ("展示期即将届满", "Display ending"),
    "rp.kind.objection": ("异议", "Objection"),
    "rp.kind.repair": ("信用修复", "Repair"),
    "rp.kind.all": ("合计", "All"),
    "rp.outcome.pending": ("待办", "Pending"),
    "rp.outcome.upheld": ("维持（成立）", "Upheld"),
    "rp.outcome.rejected": ("驳回", "Rejected"),
    "rp.outcome.withdrawn": ("撤回", "Withdrawn"),
    "rp.reason.decided_late": ("超时作出决定", "Decided late"),
    "rp.reason.answered_late": ("超时答复", "Answered late"),
    "rp.reason.pending_past_limit": ("超时未作决定", "Undecided past the limit"),
    "rp.reason.answer_past_limit": ("超时未答复", "Unanswered past the limit"),
    "rp.severity.minor": ("轻微", "Minor"),
    "rp.severity.general": ("一般", "General"),
    "rp.severity.serious": ("严重", "Serious"),
    "rp.status.active": ("展示中", "Active"),
    "rp.status.objection": ("异议中", "Under objection"),
    "rp.status.repaired": ("已修复", "Repaired"),
    "rp.status.revoked": ("已撤销", "Revoked"),
    "rp.chart.decision": ("决定用时分布（工作日）", "Decision time (working days)"),
    "rp.chart.answer": ("答复用时分布（工作日）", "Answer time (working days)"),
    "rp.chart.limit": ("时限 {n} 个工作日", "limit {n} working days"),
    "rp.chart.days": ("工作日", "Working days"),
    "rp.chart.applications": ("件数", "Applications"),
    "rp.chart.outcomes": ("办理结果", "Outcomes"),
    "rp.chart.trend_counts": ("每月受理与办结", "Received and decided per month"),
    "rp.chart.trend_rates": ("每月按时率", "On-time rates per month"),
    "rp.none_decided": ("统计期间内无此类办结件。", "Nothing of this kind in the period."),
    "rp.overdue.none": ("无超期件。", "No overdue applications."),
    "rp.overdue.by_department": ("超期件（按办理部门）", "Overdue by department"),
    "rp.overdue.list": ("超期件清单", "Overdue applications"),
    "rp.expiring.capped": (
        "仅列出最早届满的 {n} 条（共 {total} 条）。",
        "Only the first {n} to end are listed ({total} in all).",
    ),
    "rp.expiring.none": (
        "今后 30 日内无展示期届满的记录。",
        "No display period ends in the next 30 days.",
    ),
    "rp.export.csv": ("下载 CSV", "Download CSV"),
    "rp.export.excel": ("下载全部表格（Excel）", "Download all tables (Excel)"),
    "rp.export.title": ("异议与信用修复", "Objections and credit repair"),
    "rp.glossary": ("指标口径", "Definitions"),
    "rp.col.kind": ("类型", "Kind"),
    "rp.col.received": ("受理", "Received"),
    "rp.col.decided": ("办结", "Decided"),
    "rp.col.pending": ("待办", "Pending"),
    "rp.col.not_received": ("其中未受理", "Of which not received"),
    "rp.col.decided_on_time": ("按时决定", "Decided on time"),
    "rp.col.decided_late": ("超时决定", "Decided late"),
    "rp.col.decision_on_time_rate": ("按时决定率", "Decision on-time rate"),
    "rp.col.mean_decision_days": ("平均决定用时（工作日）", "Mean decision time (working days)"),
    "rp.col.answered": ("答复", "Answered"),
    "rp.col.answered_on_time": ("按时答复", "Answered on time"),
    "rp.col.answered_late": ("超时答复", "Answered late"),
    "rp.col.answer_on_time_rate": ("按时答复率", "Answer on-time rate"),
    "rp.col.pending_past_limit": ("超时未作决定", "Undecided past the limit"),
    "rp.col.answer_past_limit": ("超时未答复", "Unanswered past the limit"),
    "rp.col.handling_dept": ("办理部门", "Handling department"),
    "rp.col.overdue": ("超期件", "Overdue"),
    "rp.col.application_id": ("申请编号", "Application"),
    "rp.col.subject": ("申请人证件号", "Applicant ID"),
    "rp.col.name": ("姓名", "Name"),
    "rp.col.received_at": ("受理日期", "Received"),
    "rp.col.decision_deadline": ("决定期限", "Decision deadline"),
    "rp.col.decided_at": ("决定日期", "Decided"),
    "rp.col.decision_days": ("决定用时", "Decision days"),
    "rp.col.answer_deadline": ("答复期限", "Answer deadline"),
    "rp.col.answered_at": ("答复日期", "Answered"),
    "rp.col.answer_days": ("答复用时", "Answer days"),
    "rp.col.elapsed_days": ("已用工作日", "Working days so far"),
    "rp.col.state": ("截止日期状态", "State on the as-of date"),
    "rp.col.reasons": ("超期原因", "Why overdue"),
    "rp.col.outcome": ("结果", "Outcome"),
    "rp.col.applications": ("件数", "Applications"),
    "rp.col.month": ("月份", "Month"),
    "rp.col.record_id": ("记录编号", "Record"),
    "rp.col.category_code": ("信息类别", "Category"),
    "rp.col.severity": ("严重程度", "Severity"),
    "rp.col.domain_code": ("领域", "Domain"),
    "rp.col.source_dept": ("报送部门", "Reported by"),
    "rp.col.decision_date": ("决定日期", "Decided"),
    "rp.col.display_until": ("展示截止日", "Display until"),
    "rp.col.days_left": ("剩余天数", "Days left"),
    "rp.col.status": ("状态", "Status"),
    "rp.col.consumer": ("展示或计算之处", "Where shown or counted"),
    "rp.col.records": ("不应展示的记录", "Records that may not be shown"),
    "rp.col.expired": ("已过展示期", "Past the period"),
    "rp.col.repaired": ("已修复", "Repaired"),
    "rp.col.revoked": ("已撤销", "Revoked"),
    "rp.col.no_display_period": ("无展示期", "No display period"),
    "rp.col.other_status": ("其他状态", "Other status"),
    "rp.col.sample_record_ids": ("记录编号（示例）", "Record IDs (sample)"),
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
