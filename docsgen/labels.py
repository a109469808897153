"""Words of the generated pages, in both languages. Model text (titles, descriptions, code
labels) is Chinese in both versions of the site: it is the standard's wording."""

from __future__ import annotations

LANGS = ("zh", "en")

MODULES: dict[str, dict[str, str]] = {
    "organization": {"zh": "主体与清单", "en": "Agencies, officers and lists"},
    "enforcement": {"zh": "执法行为", "en": "Enforcement actions"},
    "supervision": {"zh": "执法监督", "en": "Supervision"},
    "common": {"zh": "通用", "en": "Common"},
    "other": {"zh": "其他", "en": "Other"},
}
MODULE_ORDER = ("organization", "enforcement", "supervision", "common", "other")

LEVELS: dict[str, dict[str, str]] = {
    "package": {"zh": "包", "en": "Package"},
    "file": {"zh": "文件", "en": "File"},
    "header": {"zh": "表头", "en": "Header"},
    "cell": {"zh": "单元格", "en": "Cell"},
    "table": {"zh": "表内", "en": "Table"},
    "cross_table": {"zh": "跨表", "en": "Cross-table"},
    "business": {"zh": "业务规则", "en": "Business rules"},
}

SEVERITIES: dict[str, dict[str, str]] = {
    "error": {"zh": "错误", "en": "error"},
    "warning": {"zh": "警告", "en": "warning"},
    "info": {"zh": "提示", "en": "info"},
}

TYPES: dict[str, dict[str, str]] = {
    "string": {"zh": "文本", "en": "string"},
    "integer": {"zh": "整数", "en": "integer"},
    "number": {"zh": "数值", "en": "number"},
    "decimal": {"zh": "数值", "en": "decimal"},
    "date": {"zh": "日期", "en": "date"},
    "datetime": {"zh": "日期时间", "en": "datetime"},
    "time": {"zh": "时间", "en": "time"},
    "boolean": {"zh": "布尔", "en": "boolean"},
    "year": {"zh": "年份", "en": "year"},
}

PERSONAL: dict[str, dict[str, str]] = {
    "personal": {"zh": "个人信息", "en": "personal"},
    "sensitive": {"zh": "敏感个人信息", "en": "sensitive personal"},
}

TREATMENTS: dict[str, dict[str, str]] = {
    "clear": {"zh": "明文交换", "en": "exchanged in clear"},
    "mask": {"zh": "脱敏后交换", "en": "masked"},
    "keyed_hash": {"zh": "带密钥哈希后交换", "en": "keyed hash"},
    "drop": {"zh": "不交换", "en": "not exchanged"},
}

SCHEMES: dict[str, dict[str, str]] = {
    "uscc": {"zh": "统一社会信用代码", "en": "unified social credit code"},
    "citizen_id": {"zh": "公民身份号码", "en": "citizen ID number"},
    "division_code": {"zh": "行政区划代码", "en": "division code"},
    "jinan_division_code": {"zh": "济南市区划代码", "en": "Jinan division code"},
}
SCHEME_ANCHORS = {"uscc": "uscc", "citizen_id": "citizen-id", "division_code": "division-codes",
                  "jinan_division_code": "division-codes"}

# Section titles of the navigation (zh is the key; mkdocs.yml translates them for en).
NAV: dict[str, dict[str, str]] = {
    "intro": {"zh": "介绍", "en": "Introduction"},
    "guide": {"zh": "厂商指南", "en": "Vendor guide"},
    "versioning": {"zh": "版本与弃用", "en": "Versioning and deprecation"},
    "changelog": {"zh": "变更记录", "en": "Change log"},
    "benchmark": {"zh": "性能测试", "en": "Benchmark"},
    "about": {"zh": "规范", "en": "The standard"},
    "reference": {"zh": "数据参考", "en": "Reference"},
    "tables": {"zh": "数据表", "en": "Tables"},
    "codelists": {"zh": "代码表", "en": "Code lists"},
    "identifiers": {"zh": "标识符规则", "en": "Identifier rules"},
    "er": {"zh": "实体关系图", "en": "Entity-relationship diagrams"},
    "downloads": {"zh": "下载", "en": "Downloads"},
    "rules": {"zh": "校验规则", "en": "Validation rules"},
    "clients": {"zh": "在其他工具中使用", "en": "Use in other tools"},
    "regulations": {"zh": "依据文件", "en": "Regulations"},
}

T: dict[str, dict[str, str]] = {
    "zh": {
        "tables_index": "数据表",
        "tables_index_intro": "交换包的每张表对应一个 CSV 文件，文件名为表名加 `.csv`。下表按模块列出本规范的全部 {n} 张表。",
        "table": "表", "table_name": "表名", "file": "文件", "module": "模块", "basis": "依据",
        "fields": "字段", "field_details": "字段说明", "keys": "键",
        "cn_name": "中文名", "field_name": "字段名", "type": "类型", "required": "必填",
        "codelist": "代码表", "personal": "个人信息", "example": "示例",
        "yes": "是", "no": "否", "none": "—",
        "primary_key": "主键", "unique_key": "唯一键", "foreign_keys": "外键",
        "referenced_by": "被以下表引用", "references": "引用",
        "description": "说明", "pattern": "格式（正则表达式）", "range": "取值范围",
        "min": "最小值", "max": "最大值", "max_length": "最大长度", "decimal_places": "小数位数",
        "treatment": "交换处理", "identifier": "标识符", "fk_to": "指向",
        "example_from": "示例值取自示例包 `examples/jinan-sample/{file}`（个人信息已按报告规则脱敏）。",
        "no_example": "示例包中没有这张表。",
        "er_link": "实体关系图",
        "codelists_index": "代码表",
        "codelists_intro": "代码表的值在交换包中一律填写代码（如 `01`），不填中文名称。共 {n} 个代码表。",
        "code": "代码", "label": "中文名称", "token": "英文标识", "valid_from": "起用日期", "valid_to": "停用日期",
        "used_by": "使用该代码表的字段", "values": "代码值", "n_values": "值个数",
        "er_title": "实体关系图", "er_intro": "每个模块一张图，由各表的外键生成，连线上的文字是外键字段名。每张表的页面另有一张图，画出它引用的表和引用它的表，并列出主键（PK）和外键（FK）字段。",
        "er_other_module": "其他模块的表",
        "rules_index": "校验规则",
        "rules_intro": "`jn-exchange validate` 报告的每条发现都带有规则代码，代码链接到本节的规则页。规则代码是稳定的接口，不会改名或复用（见[版本与弃用](../versioning.md)）。共 {n} 条规则。",
        "severity": "严重程度", "level": "层级", "title": "名称", "deprecated": "已弃用",
        "what": "检查内容", "message": "提示信息模板", "examples": "不合格示例", "fix": "如何修正",
        "sql": "SQL", "reads": "读取的表", "applies": "适用范围",
        "case": "示例", "mutation": "对示例包的改动", "expected": "预期发现",
        "no_case": "一致性测试集中暂无本规则的示例。",
        "base_none": "从空包开始",
        "base_example": "以示例包 `examples/{base}` 为基础",
        "passes": "不应报告本规则：这是规则必须接受的边界情形。",
        "sql_note": "SQL 在校验器的 DuckDB 引擎上运行：每个表是同名视图（字段已转为对应类型，另有 `_rowid`），`getvariable('as_of')` 是 `--as-of` 日期。`jn_deadline(日期, N)`（N 日期限的届满日：自次日起算，遇法定节假日或休息日顺延至下一个工作日）、`jn_add_workdays`、`jn_workdays_between`、`jn_calendar` 表，以及各文件施行期间的 `jn_in_force_NNN(日期)`、按记录的区划和日期判断文件是否适用的 `jn_applies_NNN(区划代码, 日期)`、`jn_start_NNN()`、`jn_end_NNN()`，`jn_in_licheng`、`jn_sup_scope`、`jn_sup_scope_003`、`jn_sup_scope_004`（按 procedure_basis、监督机构的区划和日期判断适用 003 或 004）、`jn_fault_scope`，以及代码适用期间和区域的 `jn_code_bounds` 表（取自模型的 valid_from、valid_to、scope 注解）由校验器创建（各文件起止日期见 `src/jn_exchange/business/texts.py` 的 TEXTS），定义见 `src/jn_exchange/business/`；节假日数据见 `src/jn_exchange/data/holidays.yaml`。",
        "check": "检查方式",
        "check_function": "由校验器的 {fn} 检查并报告。",
        "check_applies": "适用的字段",
        "check_params": "提示信息参数（由示例值计算）",
        "check_note": "上面的 SQL 条件为真时，该单元格违反本规则。校验器为每个适用的字段填入占位符：`{c}` 是该列；`{valid}` 是字段类型的合法值条件；`{typed_ok}` 表示值非空且类型正确（脱敏包中带 `*` 的遮盖值除外），`{pattern_ok}` 另要求符合格式，因此后面的规则只判断通过了前面规则的值；`{enum}`、`{pattern}`、`{minimum}`、`{maximum}`、`{max_length}` 是字段的约束（没有的范围端点视为无穷）。`jn_uscc_ok`、`jn_citizen_id_ok`、`jn_jinan_division_ok` 是校验器创建的标识符校验宏。字段的选择条件、占位符和参数函数见 `src/jn_exchange/engine/cells.py`；每张表的全部单元格规则在一次扫描中计数。",
        "case_note": "这些示例来自一致性测试集 `tests/conformance/cases/`，每个示例都由测试验证。`python -m tests.conformance.corpus OUT` 可把全部示例写成可校验的包。",
        "message_note": "花括号中的参数在报告中替换为具体值。",
        "identifiers_title": "标识符规则",
        "downloads_title": "下载",
        "benchmark_title": "性能测试",
        "back_to_index": "返回表索引",
    },
    "en": {
        "tables_index": "Tables",
        "tables_index_intro": "Each table of a package is one CSV file named after the table (`<table>.csv`). The standard has {n} tables, listed here by module. Titles, descriptions and code labels are the standard's Chinese wording.",
        "table": "Table", "table_name": "Table name", "file": "File", "module": "Module", "basis": "Basis",
        "fields": "Fields", "field_details": "Field details", "keys": "Keys",
        "cn_name": "Chinese name", "field_name": "Field", "type": "Type", "required": "Required",
        "codelist": "Code list", "personal": "Personal data", "example": "Example",
        "yes": "yes", "no": "no", "none": "—",
        "primary_key": "Primary key", "unique_key": "Unique key", "foreign_keys": "Foreign keys",
        "referenced_by": "Referenced by", "references": "References",
        "description": "Description", "pattern": "Pattern (regular expression)", "range": "Range",
        "min": "minimum", "max": "maximum", "max_length": "Maximum length", "decimal_places": "Decimal places",
        "treatment": "Exchange treatment", "identifier": "Identifier", "fk_to": "references",
        "example_from": "Example values come from the example package `examples/jinan-sample/{file}` (personal data masked as in reports).",
        "no_example": "The example package has no rows for this table.",
        "er_link": "Entity-relationship diagram",
        "codelists_index": "Code lists",
        "codelists_intro": "A package always holds the code (such as `01`), never the Chinese label. The standard has {n} code lists.",
        "code": "Code", "label": "Chinese label", "token": "English token", "valid_from": "Valid from", "valid_to": "Valid to",
        "used_by": "Fields using this code list", "values": "Values", "n_values": "Values",
        "er_title": "Entity-relationship diagrams", "er_intro": "One diagram per module, drawn from the tables' foreign keys; each line is labelled with its foreign-key field. Each table's page has a diagram of its own, with the tables it references and those referencing it, and their primary-key (PK) and foreign-key (FK) fields.",
        "er_other_module": "tables of other modules",
        "rules_index": "Validation rules",
        "rules_intro": "Every finding of `jn-exchange validate` carries a rule code that links to its page here. Rule codes are a stable interface: never renamed or reused (see [versioning](../versioning.md)). There are {n} rules.",
        "severity": "Severity", "level": "Level", "title": "Title", "deprecated": "Deprecated",
        "what": "What it checks", "message": "Message template", "examples": "Failing examples", "fix": "How to fix",
        "sql": "SQL", "reads": "Tables read", "applies": "Applies to",
        "case": "Example", "mutation": "Change made to the example package", "expected": "Expected finding",
        "no_case": "The conformance corpus has no example for this rule yet.",
        "base_none": "start from an empty package",
        "base_example": "start from the example package `examples/{base}`",
        "passes": "Must not raise this rule: a boundary the rule has to accept.",
        "sql_note": "The SQL runs on the validator's DuckDB engine: each table is a view of the same name (typed columns, plus `_rowid`), and `getvariable('as_of')` is the `--as-of` date. `jn_deadline(date, N)` (last day of an N-day period: counted from the next day, moved past public holidays and rest days to the next working day), `jn_add_workdays`, `jn_workdays_between`, the `jn_calendar` table, the texts' periods `jn_in_force_NNN(date)`, whether a text governs a record by its division and date `jn_applies_NNN(division_code, date)`, `jn_start_NNN()`, `jn_end_NNN()`, and `jn_in_licheng`, `jn_sup_scope`, `jn_sup_scope_003`, `jn_sup_scope_004` (whether 003 or 004 governs, by procedure_basis, the supervising body's division and date), `jn_fault_scope`, and the table `jn_code_bounds` of the codes' periods and districts (the model's valid_from, valid_to, scope annotations) are created by the validator (the texts' dates: TEXTS in `src/jn_exchange/business/texts.py`): see `src/jn_exchange/business/`; holiday data in `src/jn_exchange/data/holidays.yaml`.",
        "check": "How it is checked",
        "check_function": "Checked and reported by the validator's {fn}.",
        "check_applies": "Fields it applies to",
        "check_params": "Message parameters (computed from the example value)",
        "check_note": "A cell breaks the rule when the SQL condition above is true. The validator fills in the placeholders for every field the rule applies to: `{c}` is the column; `{valid}` the field type's condition for a valid value; `{typed_ok}` says the value is there and of its type (a masked value with `*` in a pseudonymized package excepted), `{pattern_ok}` that it also matches the pattern, so that a later rule judges only values that passed the earlier ones; `{enum}`, `{pattern}`, `{minimum}`, `{maximum}`, `{max_length}` are the field's constraints (a missing bound of a range is infinite). `jn_uscc_ok`, `jn_citizen_id_ok` and `jn_jinan_division_ok` are identifier macros the validator creates. The field selectors, placeholders and parameter functions are in `src/jn_exchange/engine/cells.py`; all cell rules of a table are counted in one scan.",
        "case_note": "These examples come from the conformance corpus `tests/conformance/cases/`; the test suite checks each of them. `python -m tests.conformance.corpus OUT` writes them all as packages you can validate.",
        "message_note": "Parameters in braces are filled in by the report.",
        "identifiers_title": "Identifier rules",
        "downloads_title": "Downloads",
        "benchmark_title": "Benchmark",
        "back_to_index": "Back to the table index",
    },
}
