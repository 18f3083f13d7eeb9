"""The registry of diagnostic codes: name, stage, default severity, messages in Chinese and English.

Codes are stable: a code once published is never reused for another problem. The first letter
names the stage: F files, S spec, D data, C check, R render, A audit (reading published reports).
"""

from __future__ import annotations

from dataclasses import dataclass

from baobiao.diagnostics.core import Severity

Text = dict[str, str]  # language -> template (str.format with the diagnostic's args)

E = Severity.ERROR
W = Severity.WARNING
N = Severity.NOTE


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    name: str
    severity: Severity
    message: Text
    hint: Text
    explain: Text


def _c(code: str, name: str, sev: Severity, message: Text, hint: Text, explain: Text) -> CodeInfo:
    return CodeInfo(code, name, sev, message, hint, explain)


_ALL = [
    # -- files ------------------------------------------------------------------------------
    _c(
        "F001",
        "file-not-found",
        E,
        {"zh": "找不到文件 {path}", "en": "file not found: {path}"},
        {"zh": "请检查路径和文件名是否正确。", "en": "check the path and the file name."},
        {
            "zh": "命令行给出的文件不存在或是一个目录。",
            "en": "A file named on the command line does not exist or is a directory.",
        },
    ),
    _c(
        "F002",
        "bad-encoding",
        E,
        {
            "zh": "{path} 不是 UTF-8 编码的文本（第 {offset} 字节处无法识别）",
            "en": "{path} is not UTF-8 text (undecodable byte at offset {offset})",
        },
        {
            "zh": "请用 UTF-8 编码另存该文件（记事本或 WPS：另存为，编码选 UTF-8）。",
            "en": "save the file as UTF-8 (Save As, encoding UTF-8).",
        },
        {
            "zh": "baobiao 只读取 UTF-8 文本（允许带 BOM）。GBK 等编码的文件需先转换。",
            "en": "baobiao reads UTF-8 text only (a BOM is allowed); convert GBK files first.",
        },
    ),
    _c(
        "F003",
        "file-too-large",
        E,
        {
            "zh": "{path} 太大（{size} 字节，上限 {limit} 字节）",
            "en": "{path} is too large ({size} bytes, limit {limit})",
        },
        {
            "zh": "表式和数据文件通常只有几 KB，请确认选对了文件。",
            "en": "specs and data files are a few KB; check that this is the right file.",
        },
        {
            "zh": "为防止耗尽内存，超过上限的输入不予读取。",
            "en": "Inputs over the limit are refused so that memory stays bounded.",
        },
    ),
    _c(
        "F004",
        "file-unreadable",
        E,
        {"zh": "无法读取 {path}：{reason}", "en": "cannot read {path}: {reason}"},
        {"zh": "请检查文件权限。", "en": "check the file's permissions."},
        {"zh": "操作系统拒绝读取该文件。", "en": "The operating system refused to read the file."},
    ),
    _c(
        "F005",
        "unknown-spec",
        E,
        {"zh": "“{name}”既不是文件，也不是内置表式", "en": "'{name}' is neither a file nor a built-in form"},
        {"zh": "内置表式：{builtins}", "en": "built-in forms: {builtins}"},
        {
            "zh": "SPEC 参数可以是 .spec 文件的路径，也可以是内置表式的名称。",
            "en": "SPEC is a path to a .spec file or the name of a built-in form.",
        },
    ),
    _c(
        "F006",
        "output-failed",
        E,
        {"zh": "无法写入 {path}：{reason}", "en": "cannot write {path}: {reason}"},
        {
            "zh": "请另选输出路径：不能是本命令读取的文件，所在目录须存在且可写。",
            "en": "choose another output path: not a file this command reads, in a folder that exists and is writable.",
        },
        {
            "zh": "输出从不覆盖本命令的输入（表式、数据文件、上年数据、模板；符号链接和硬链接也算），"
            "也不会自动创建缺失的目录（render --out 的目录除外）。输出先写入同一目录中的临时文件、"
            "写入磁盘后再改名，失败时原文件不变，也不会留下不完整的文件。",
            "en": "An output never overwrites an input of the command (spec, data files, last year's data, "
            "templates; through symbolic or hard links too), and a missing folder is not created (except "
            "render's --out folder). Outputs are written to a temporary file in the same folder, flushed to "
            "disk and renamed; a failure leaves the old file as it was and no partial file.",
        },
    ),
    _c(
        "F007",
        "output-not-a-file",
        E,
        {
            "zh": "无法写入 {path}：它是{kind}，这里需要{wanted}",
            "en": "cannot write {path}: it is {kind}, where {wanted} is wanted",
        },
        {
            "zh": "请另给一个普通文件的路径（render --out 给一个目录）。",
            "en": "give the path of a regular file instead (of a folder for render --out).",
        },
        {
            "zh": "baobiao 只写普通文件：不向设备（/dev/null、终端、/dev/stdout 等指向它们的链接）、"
            "管道或套接字写入，也不用文件替换目录。",
            "en": "baobiao writes regular files only: never into a device (/dev/null, a terminal, /dev/stdout "
            "and other links to one), a pipe or a socket, and it never replaces a folder with a file.",
        },
    ),
    # -- spec: syntax ---------------------------------------------------------------------------
    _c(
        "S101",
        "unexpected-input",
        E,
        {"zh": "语法错误：这里不应出现{found}", "en": "syntax error: {found} is not expected here"},
        {"zh": "这里应为：{expected}", "en": "expected here: {expected}"},
        {
            "zh": "表式文件在此处不符合语法。提示列出了此处允许出现的内容。",
            "en": "The spec does not follow the grammar here; the hint lists what may appear.",
        },
    ),
    _c(
        "S102",
        "missing-label",
        E,
        {
            "zh": "语法错误：编号 {name} 后面缺少带引号的栏目名称",
            "en": "syntax error: the id {name} must be followed by its printed label in quotes",
        },
        {"zh": '写成：{name} "（一）收到申请数" 件', "en": 'write: {name} "（一）收到申请数" 件'},
        {
            "zh": '每个指标一行：编号、带引号的印刷名称、单位，例如 received "（一）收到申请数" 件。',
            "en": "Each indicator is one line: id, printed label in quotes, unit.",
        },
    ),
    _c(
        "S103",
        "bad-indentation",
        E,
        {
            "zh": "缩进不一致：这一行的缩进与上面任何一层都对不齐",
            "en": "inconsistent indentation: this line lines up with no enclosing level",
        },
        {
            "zh": "同一层级的行要缩进相同数量的空格（建议每层 2 个空格）。",
            "en": "lines of one level need the same number of spaces (2 per level is usual).",
        },
        {
            "zh": "表式用缩进表示层级，就像印刷表格里子栏目比总栏目缩进一样。",
            "en": "Indentation shows the hierarchy, as sub-items are indented on the printed form.",
        },
    ),
    _c(
        "S104",
        "unterminated-string",
        E,
        {
            "zh": "引号没有闭合：栏目名称或说明缺少结尾的引号",
            "en": "unterminated string: a label or description lacks its closing quote",
        },
        {"zh": '在名称末尾补上英文双引号 "。', "en": 'add the closing double quote ".'},
        {
            "zh": "名称和说明写在英文双引号之间，且不能跨行。",
            "en": "Labels and descriptions are written between double quotes on one line.",
        },
    ),
    _c(
        "S105",
        "bad-character",
        E,
        {"zh": "语法错误：无法识别的字符 {found}", "en": "syntax error: the character {found} is not allowed here"},
        {
            "zh": "名称要放在英文双引号里；编号只能用字母、数字、下划线和汉字。",
            "en": "labels go in double quotes; ids use letters, digits, underscores and Chinese characters.",
        },
        {"zh": "这个字符不能出现在引号之外。", "en": "This character may not appear outside quotes."},
    ),
    _c(
        "S106",
        "missing-form-header",
        E,
        {"zh": "表式文件应以 form 开头", "en": "a spec must begin with a form header"},
        {
            "zh": '第一行写成：form gov-disclosure-2017 "政府信息公开工作情况统计表"',
            "en": 'begin with: form gov-disclosure-2017 "政府信息公开工作情况统计表"',
        },
        {
            "zh": "form 行给出表式的编号和名称，其后是版本、适用年份和各栏目。",
            "en": "The form line names the form; version, years and the items follow.",
        },
    ),
    _c(
        "S107",
        "incomplete-rule",
        E,
        {
            "zh": "规则不完整：{found} 处缺少比较或运算对象",
            "en": "incomplete rule: an operand or comparison is missing at {found}",
        },
        {
            "zh": "规则写成 左边 比较符 右边，例如 a + b = total；比较符为 = <= >= < >。",
            "en": "write left, comparison, right, e.g. a + b = total; comparisons: = <= >= < >.",
        },
        {"zh": "规则是指标编号的线性等式或不等式。", "en": "A rule is a linear (in)equality over indicator ids."},
    ),
    _c(
        "S108",
        "missing-rule-body",
        E,
        {
            "zh": "规则 {name} 缺少内容：下一行应缩进写出等式或不等式",
            "en": "rule {name} has no body: the next line, indented, must state it",
        },
        {"zh": '例如：\n  rule r1 "说明"\n    a + b = total', "en": 'e.g.:\n  rule r1 "text"\n    a + b = total'},
        {"zh": "rule 行之后缩进一行写规则本身。", "en": "The line after `rule` states the rule, indented."},
    ),
    _c(
        "S109",
        "tab-indentation",
        E,
        {"zh": "缩进里有制表符（Tab）", "en": "a tab character in indentation"},
        {"zh": "请用空格缩进（建议每层 2 个空格）。", "en": "indent with spaces (2 per level is usual)."},
        {
            "zh": "制表符在不同编辑器里宽度不同，层级会看错，所以只接受空格。",
            "en": "Tabs display at different widths, so only spaces are accepted.",
        },
    ),
    _c(
        "S110",
        "control-character-in-spec",
        E,
        {"zh": "表式里有控制字符（{chars}）", "en": "a control character ({chars}) in the spec"},
        {
            "zh": '控制字符多来自复制粘贴或转义（如 "\\x1b"），请删去。',
            "en": 'control characters come from copy and paste or escapes ("\\x1b"); delete them.',
        },
        {
            "zh": "除制表符和换行以外的控制字符（如 ESC、退格、DEL）会改变终端的显示，也不能写入 Word 文件或工作簿，"
            "所以表式里（包括注释）不能有。",
            "en": "Control characters other than tab and line feed (ESC, backspace, DEL) drive terminals and cannot be "
            "written to Word files or workbooks, so a spec (its comments included) may not hold them.",
        },
    ),
    _c(
        "S111",
        "misspelt-keyword",
        E,
        {
            "zh": "语法错误：{word} 不是关键字，是不是 {keyword}？",
            "en": "syntax error: {word} is not a keyword; did you mean {keyword}?",
        },
        {"zh": "写成：{fixed}", "en": "write: {fixed}"},
        {
            "zh": "关键字（form、section、table、columns、rows、rule、remove、relabel、replace、add after 等）拼错时，"
            "这一行就读不通了。baobiao 把拼错的词换成拼写相近的关键字再读一遍，读得通时就这样提示，"
            "并给出改好的这一行。",
            "en": "A misspelt keyword (form, section, table, columns, rows, rule, remove, relabel, replace, add after, "
            "...) makes its line unreadable. baobiao reads the spec again with the word replaced by a keyword spelt "
            "like it; when that reads on, it says so and shows the line corrected.",
        },
    ),
    # -- spec: meaning ----------------------------------------------------------------------------
    _c(
        "S201",
        "unknown-name",
        E,
        {"zh": "未定义的指标编号 {name}", "en": "unknown indicator id {name}"},
        {"zh": "{suggestion}", "en": "{suggestion}"},
        {
            "zh": "规则和求和里用到的编号必须在表式里定义过（大小写敏感）。",
            "en": "Ids used in rules and sums must be defined in the spec (case-sensitive).",
        },
    ),
    _c(
        "S202",
        "duplicate-id",
        E,
        {"zh": "编号 {name} 重复定义", "en": "id {name} is defined twice"},
        {
            "zh": "为其中一个改用别的编号；印刷名称可以相同，编号不能相同。",
            "en": "give one of them another id; labels may repeat, ids may not.",
        },
        {
            "zh": "表式里每个栏目、规则的编号必须唯一，数据文件和规则靠它找到栏目。",
            "en": "Every item and rule id must be unique: data files and rules find items by id.",
        },
    ),
    _c(
        "S203",
        "self-reference",
        E,
        {"zh": "{name} 引用了它自己", "en": "{name} refers to itself"},
        {"zh": "从 {name} 的定义中去掉 {name}。", "en": "remove {name} from its own definition."},
        {
            "zh": "一个总数不能是它自己的组成部分，一条规则也不能引用它自己。",
            "en": "A total cannot be one of its own parts, nor can a rule use itself.",
        },
    ),
    _c(
        "S204",
        "cycle",
        E,
        {"zh": "求和关系形成循环：{cycle}", "en": "sums form a cycle: {cycle}"},
        {
            "zh": "检查这些求和，总数不能间接地包含它自己。",
            "en": "check these sums; a total may not contain itself indirectly.",
        },
        {"zh": "求和关系必须自上而下，不能兜圈。", "en": "Sums must go from totals down to parts, never round."},
    ),
    _c(
        "S205",
        "unit-mismatch",
        E,
        {
            "zh": "单位不一致：{name} 的单位是 {unit}，而 {other} 的单位是 {other_unit}",
            "en": "unit mismatch: {name} is in {unit} but {other} is in {other_unit}",
        },
        {
            "zh": "求和与“其中”项只能比较同一单位的数。",
            "en": "sums and 其中 items compare numbers of one unit only.",
        },
        {
            "zh": "把“条”和“件”相加没有意义，多半是单位写错了或挂错了上级。",
            "en": "Adding 条 to 件 is meaningless: a unit or a parent is probably wrong.",
        },
    ),
    _c(
        "S206",
        "unknown-unit",
        E,
        {"zh": "不认识的单位 {unit}", "en": "unknown unit {unit}"},
        {"zh": "可用的单位：{units}", "en": "known units: {units}"},
        {
            "zh": "单位写在名称之后，取自统计表常用单位。",
            "en": "The unit follows the label; it is one of the form units.",
        },
    ),
    _c(
        "S207",
        "bad-decimal-places",
        E,
        {"zh": "小数位数 {places} 不合理", "en": "unreasonable number of decimal places: {places}"},
        {
            "zh": "写 decimal(1) 到 decimal(6)；整数不写类型即可。",
            "en": "use decimal(1) to decimal(6); integers need no type.",
        },
        {"zh": "decimal(N) 表示最多 N 位小数。", "en": "decimal(N) allows at most N decimal places."},
    ),
    _c(
        "S208",
        "sum-without-parts",
        E,
        {"zh": "{name} 写了 = sum，但下面没有组成部分", "en": "{name} says = sum but has no parts"},
        {
            "zh": "在它下面缩进列出各组成栏目，或写 = sum of a, b, c。",
            "en": "list its parts indented below it, or write = sum of a, b, c.",
        },
        {
            "zh": "= sum 表示等于下一级（不含“其中”项）各栏目之和。",
            "en": "= sum means equal to the items one level below it, 其中 items excluded.",
        },
    ),
    _c(
        "S209",
        "not-an-indicator",
        E,
        {"zh": "{name} 不能用在这里：它是{kind}", "en": "{name} cannot be used here: it is {kind}"},
        {"zh": "{suggestion}", "en": "{suggestion}"},
        {
            "zh": "规则和求和只能引用有数值的指标；sum(分组) 求分组内各指标之和。",
            "en": "Rules and sums use indicators with values; sum(group) adds up a group's items.",
        },
    ),
    _c(
        "S210",
        "bad-years",
        E,
        {"zh": "适用年份 {start}..{end} 不合理", "en": "years {start}..{end} are not a valid range"},
        {
            "zh": "写成 years 2014..2018，或 years 2021.. 表示从 2021 年起。",
            "en": "write years 2014..2018, or years 2021.. for 2021 onwards.",
        },
        {"zh": "起始年份不能晚于结束年份。", "en": "The first year may not come after the last."},
    ),
    _c(
        "S211",
        "duplicate-attribute",
        E,
        {"zh": "{name} 写了两次", "en": "{name} is given twice"},
        {"zh": "删去其中一行。", "en": "delete one of them."},
        {"zh": "表式的 version、years 等只能出现一次。", "en": "Form attributes may appear once."},
    ),
    _c(
        "S212",
        "empty-label",
        E,
        {"zh": "名称不能为空", "en": "a label may not be empty"},
        {"zh": "在引号里写出印刷表格上的名称。", "en": "write the printed label between the quotes."},
        {"zh": "数据文件和报告用印刷名称指明栏目。", "en": "Data files and reports name items by label."},
    ),
    _c(
        "S213",
        "mixed-axes",
        E,
        {
            "zh": "规则 {name} 同时用了行和列：{rows}；{columns}",
            "en": "rule {name} mixes rows and columns: {rows}; {columns}",
        },
        {
            "zh": "表格里的规则只写行（对每一列都检查）或只写列（对每一行都检查）。",
            "en": "a table rule names rows (checked in every column) or columns (checked in every row), not both.",
        },
        {
            "zh": "表格规则写一次，自动用于另一方向的每一列或每一行。",
            "en": "A table rule is written once and applies along the other axis.",
        },
    ),
    _c(
        "S214",
        "edit-target-unknown",
        E,
        {"zh": "要修改的栏目 {name} 不在所继承的表式里", "en": "the item {name} to edit is not in the form extended"},
        {"zh": "{suggestion}", "en": "{suggestion}"},
        {
            "zh": "remove、relabel、replace、add after/before 都要指明所继承表式里的编号。",
            "en": "remove, relabel, replace and add after/before name ids of the form extended.",
        },
    ),
    _c(
        "S215",
        "edit-without-base",
        E,
        {
            "zh": "只有继承其他表式（extends）时才能写 remove、relabel、replace、add",
            "en": "remove, relabel, replace and add need a form to extend (extends)",
        },
        {
            "zh": "在 form 行下写 extends 表式编号，或去掉这些修改。",
            "en": "add `extends FORM` under the form line, or drop these edits.",
        },
        {"zh": "修改语句作用于所继承的表式。", "en": "Edits change the form that is extended."},
    ),
    _c(
        "S216",
        "bad-base",
        E,
        {"zh": "无法继承表式 {name}：{problem}", "en": "cannot extend {name}: {problem}"},
        {
            "zh": "extends 后写内置表式编号（如 gov-disclosure-2019）或带引号的 .spec 文件路径。",
            "en": "extends takes a built-in form (e.g. gov-disclosure-2019) or a quoted .spec path.",
        },
        {
            "zh": "被继承的表式必须存在、本身没有错误，且不能循环继承。",
            "en": "The base must exist, compile without errors, and not extend itself.",
        },
    ),
    _c(
        "S217",
        "not-in-table",
        E,
        {"zh": "{name} 不是表格 {table} 的行或列", "en": "{name} is not a row or column of table {table}"},
        {"zh": "{suggestion}", "en": "{suggestion}"},
        {
            "zh": "表格里的规则和求和只能引用本表的行和列。",
            "en": "Rules and sums in a table use its own rows and columns.",
        },
    ),
    _c(
        "S218",
        "rules-contradict",
        E,
        {
            "zh": "这些规则互相矛盾，任何数据都不能同时满足：{rules}",
            "en": "these rules contradict each other; no data satisfies them all: {rules}",
        },
        {
            "zh": "检查这些规则的方向（<= 与 >=）和常数。",
            "en": "check these rules' directions (<= and >=) and constants.",
        },
        {
            "zh": "规则集合无解时，所有数据都会报错；这说明表式本身写错了。",
            "en": "When the rules admit no data at all, the spec itself is wrong.",
        },
    ),
    _c(
        "S219",
        "only-zero",
        W,
        {
            "zh": "规则只允许 {count} 个栏目为 0{all}：{cells}",
            "en": "the rules allow {count} cell(s) to be 0 only{all}: {cells}",
        },
        {
            "zh": "检查涉及这些栏目的规则：它们可能互相抵消。",
            "en": "check the rules on these cells: they may cancel each other out.",
        },
        {
            "zh": "只能填 0 的栏目多半说明规则写反了。",
            "en": "Cells that can only be 0 usually mean a rule is the wrong way round.",
        },
    ),
    _c(
        "S220",
        "redundant-rule",
        N,
        {
            "zh": "规则 {rule_id}（{description}）可由其他规则推出",
            "en": "rule {rule_id} ({description}) follows from the other rules",
        },
        {"zh": "可以保留（检查结果不变），也可以删去。", "en": "keeping it changes no result; it may be dropped."},
        {
            "zh": "例如表格同时有行合计和列合计时，“总计的总计”总能由其余规则推出。",
            "en": "A table with row and column totals has a grand total that the other sums imply.",
        },
    ),
    _c(
        "S221",
        "unused-indicator",
        N,
        {"zh": "栏目 {name} 不受任何规则约束", "en": "no rule constrains {name}"},
        {
            "zh": "这不一定是错：有的栏目本来就独立。需要时为它加上求和、“其中”或规则。",
            "en": "not necessarily wrong; add a sum, a 其中 or a rule if it should be checked.",
        },
        {
            "zh": "没有规则的栏目，填错了也查不出来。",
            "en": "A cell under no rule can be wrong without anything noticing.",
        },
    ),
    # -- spec: closed vocabularies of the data's meta (meta level "机关层级" in ...) --------------
    _c(
        "S222",
        "condition-value-not-declared",
        E,
        {
            "zh": "“{value}”不是 {field}（{label}）声明的取值",
            "en": "'{value}' is not a declared value of {field} ({label})",
        },
        {"zh": "{suggestion}", "en": "{suggestion}"},
        {
            "zh": "表式头部用 meta 声明了这个字段的全部取值，when 条件只能用其中的值。写错一个字，"
            "条件就永远不成立（或总是成立），规则会对不该检查的机关报错。",
            "en": "The form's header declares every value of this meta field, and a when condition may only use "
            "those. A value off by one character would never match, so the rule would apply to the wrong agencies.",
        },
    ),
    _c(
        "S223",
        "duplicate-meta-value",
        E,
        {
            "zh": "{field}（{label}）的取值“{value}”写了两次",
            "en": "the value '{value}' of {field} ({label}) is listed twice",
        },
        {"zh": "删去重复的一个。", "en": "delete one of them."},
        {
            "zh": "meta 声明的取值列表中每个值只写一次；重复多半是想写另一个值时抄错了。",
            "en": "Each value of a meta declaration is listed once; a repeat is usually another value copied wrong.",
        },
    ),
    _c(
        "S224",
        "duplicate-meta-field",
        E,
        {"zh": "meta {field} 声明了两次", "en": "meta {field} is declared twice"},
        {
            "zh": "把取值合并到一行 meta {field} 里，删去另一行。",
            "en": "merge the values into one `meta {field}` line and delete the other.",
        },
        {
            "zh": "一个 meta 字段只有一个取值列表。继承其他表式时，在本表式中重新声明会替换所继承的列表。",
            "en": "A meta field has one list of values. In a spec that extends another, declaring it again "
            "replaces the list inherited.",
        },
    ),
    # -- spec: limits (checked before anything deep or slow runs) --------------------------------
    _c(
        "S230",
        "spec-too-large",
        E,
        {
            "zh": "表式太大（{size} {unit}，上限 {limit} {unit}）",
            "en": "the spec is too large ({size} {unit}, limit {limit})",
        },
        {
            "zh": "表式上限为 {limit} {unit}；请确认选对了文件，或把表式拆成几个（用 extends 继承）。",
            "en": "a spec holds at most {limit} {unit}; check that this is the right file, or split it "
            "(one spec can extend another).",
        },
        {
            "zh": "为使每个表式都能在几秒内读完，表式文件有大小上限（字节数和词数，见 README 的“表式的上限”）。",
            "en": "So that every spec is read within seconds, a spec has a size limit in bytes and in words "
            "and symbols (README, spec limits).",
        },
    ),
    _c(
        "S231",
        "line-too-long",
        E,
        {
            "zh": "这一行太长（{length} 个字符，上限 {limit}）",
            "en": "this line is too long ({length} characters, limit {limit})",
        },
        {
            "zh": "一行最多 {limit} 个字符：长的求和写成 sum(分组)，长的列表分成几行。",
            "en": "a line holds at most {limit} characters: write a long sum as sum(group), split long lists.",
        },
        {
            "zh": "表式一行写一个栏目或一条规则，不会很长；过长的行通常是文件损坏或拼接错误。",
            "en": "A spec line holds one row or one rule; a very long line usually means a damaged file.",
        },
    ),
    _c(
        "S232",
        "nesting-too-deep",
        E,
        {
            "zh": "缩进层级太深（第 {depth} 层，上限 {limit} 层）",
            "en": "indented too deep (level {depth}, limit {limit})",
        },
        {
            "zh": "栏目最多嵌套 {limit} 层；检查缩进是否多打了空格。",
            "en": "items nest at most {limit} levels; check the indentation for extra spaces.",
        },
        {
            "zh": "印刷表格的层级很少超过五六层；层级上限保证表式能被完整处理。",
            "en": "Printed forms rarely nest more than five or six levels; the limit keeps every spec processable.",
        },
    ),
    _c(
        "S233",
        "parentheses-too-deep",
        E,
        {
            "zh": "括号嵌套太深（{depth} 层，上限 {limit} 层）",
            "en": "parentheses nested too deep ({depth} levels, limit {limit})",
        },
        {
            "zh": "规则是线性式，去掉多余的括号，最多嵌套 {limit} 层。",
            "en": "rules are linear: drop needless parentheses; at most {limit} levels.",
        },
        {
            "zh": "规则和术语里的括号（包括 sum(…)、previous(…)）最多嵌套若干层。",
            "en": "Parentheses in rules and terms (sum(…) and previous(…) included) nest a limited number of levels.",
        },
    ),
    _c(
        "S234",
        "expression-too-long",
        E,
        {
            "zh": "式子的项太多（超过 {limit} 项）",
            "en": "too many terms in one expression (more than {limit})",
        },
        {
            "zh": "把这些栏目放进一个分组（section），写成 sum(分组)；或在求和行写 = sum。",
            "en": "put these rows in a section and write sum(section), or give the total row = sum.",
        },
        {
            "zh": "一个式子里用 + 和 - 连接的项有上限。",
            "en": "The terms joined by + and - in one expression are limited in number.",
        },
    ),
    _c(
        "S235",
        "too-many-values",
        E,
        {
            "zh": "表式的栏目太多（{count} 个有数值的栏目或单元格，上限 {limit}）",
            "en": "the form has too many values ({count} indicators and cells, limit {limit})",
        },
        {
            "zh": "检查表格的行和列：单元格数是行数乘以列数；表式最多 {limit} 个。",
            "en": "check the tables' rows and columns: the cells are rows times columns; at most {limit}.",
        },
        {
            "zh": "一个表式的指标和表格单元格合计有上限，使检查、报告和分析都能在几秒内完成。",
            "en": "A form's indicators and table cells are limited in number so that checks, reports and "
            "analysis finish within seconds.",
        },
    ),
    _c(
        "S236",
        "lint-budget",
        N,
        {
            "zh": "分析在时间上限（{budget} 秒）处停止：{done}",
            "en": "analysis stopped at the budget ({budget} s): {done}",
        },
        {
            "zh": "以上结果不完整；给更长的时间上限可以做完全部分析。",
            "en": "the findings above are incomplete; a larger budget completes the analysis.",
        },
        {
            "zh": "lint 用线性规划分析规则，大的表式可能很耗时；分析有时间上限，到时停止并说明做到了哪里。"
            "规则互相矛盾（S218）的检查总会做完。",
            "en": "lint analyses the rules by linear programming, which can take long on large forms; it stops "
            "at a time budget and says how far it got. The check for contradictions (S218) always completes.",
        },
    ),
    _c(
        "S237",
        "number-too-long",
        E,
        {
            "zh": "数字的位数太多（{digits} 位，上限 {limit} 位）",
            "en": "this number has too many digits ({digits}, limit {limit})",
        },
        {
            "zh": "规则和术语里的数字最多 {limit} 位（整数和小数部分合计）。",
            "en": "a number in a rule or term has at most {limit} digits (whole and decimal part together).",
        },
        {
            "zh": "规则里的常数和倍数用于线性规划分析（lint、空白单元格的范围），位数有上限才能精确计算。",
            "en": "Constants and factors of rules enter the linear programs (lint, bounds on blank cells), "
            "which compute exactly only up to a number of digits.",
        },
    ),
    # -- data: loading -----------------------------------------------------------------------------
    _c(
        "D301",
        "yaml-syntax",
        E,
        {"zh": "数据文件格式错误：{problem}", "en": "data file is not valid YAML: {problem}"},
        {
            "zh": "每行写成“名称: 数值”，冒号后留一个空格；同一层级缩进相同。",
            "en": "write `label: value` with a space after the colon; keep one indentation per level.",
        },
        {"zh": "数据文件是 YAML 格式的文本。", "en": "Data files are YAML text."},
    ),
    _c(
        "D302",
        "yaml-unsupported",
        E,
        {
            "zh": "数据文件使用了不支持的 YAML 功能：{feature}",
            "en": "the data file uses an unsupported YAML feature: {feature}",
        },
        {
            "zh": "数据文件只需普通的“名称: 数值”，请去掉锚点（&）、别名（*）和标签（!）。",
            "en": "plain `label: value` lines are all a data file needs: drop anchors (&), aliases (*) and tags (!).",
        },
        {
            "zh": "为安全起见，别名、锚点和类型标签一概不接受。",
            "en": "Aliases, anchors and tags are refused, for safety.",
        },
    ),
    _c(
        "D303",
        "yaml-too-deep",
        E,
        {"zh": "数据文件嵌套太深（超过 {limit} 层）", "en": "the data file is nested too deeply (over {limit} levels)"},
        {"zh": "数据文件最多只需三层：values、行、列。", "en": "a data file needs three levels at most."},
        {"zh": "为防止耗尽资源，嵌套层数有上限。", "en": "Nesting is bounded to keep resources bounded."},
    ),
    _c(
        "D304",
        "bad-structure",
        E,
        {"zh": "数据文件结构不对：{problem}", "en": "the data file's structure is wrong: {problem}"},
        {
            "zh": "顶层写 meta:（机关、年度、表式）和 values:（各栏目的数值）。",
            "en": "the top level holds meta: (agency, year, form) and values: (the numbers).",
        },
        {
            "zh": "数据文件顶层是 meta、values，可选 report（报告正文）。",
            "en": "A data file has meta, values and optionally report (the narrative).",
        },
    ),
    _c(
        "D305",
        "unknown-key",
        E,
        {"zh": "表式里没有栏目“{key}”", "en": "the form has no item '{key}'"},
        {"zh": "{suggestion}", "en": "{suggestion}"},
        {
            "zh": "数据文件的键可以是指标编号、印刷名称（可不带序号），或用“ > ”连接的名称路径。",
            "en": "A key is an id, a printed label (numbering optional) or a path of labels joined by ' > '.",
        },
    ),
    _c(
        "D306",
        "ambiguous-key",
        E,
        {
            "zh": "“{key}”不唯一：表中有 {count} 个栏目叫这个名称",
            "en": "'{key}' is ambiguous: {count} items have this label",
        },
        {
            "zh": "改用路径写法，指明上级，可选：{candidates}",
            "en": "write a path naming its parent; one of: {candidates}",
        },
        {
            "zh": "同名栏目（如“其他情形数”）需写成“上级名称 > 名称”。",
            "en": "Repeated labels need their parent: 'parent > label'.",
        },
    ),
    _c(
        "D307",
        "duplicate-key",
        E,
        {"zh": "栏目“{label}”给了两次", "en": "item '{label}' is given twice"},
        {"zh": "删去其中一个。", "en": "delete one of them."},
        {"zh": "同一栏目只能填一个数。", "en": "Each item takes one value."},
    ),
    _c(
        "D308",
        "not-a-number",
        E,
        {"zh": "“{label}”的值“{text}”不是数字", "en": "the value '{text}' of '{label}' is not a number"},
        {"zh": "只填数字；未填写的栏目留空或写“-”。", "en": "write digits only; leave unknown cells blank or '-'."},
        {
            "zh": "数值只能是数字（可带负号、小数点和千位逗号）。空白、-、/、—、无 表示未填写。",
            "en": "A value is digits (sign, decimal point and thousands commas allowed); blank, -, /, —, 无 mean missing.",
        },
    ),
    _c(
        "D309",
        "number-too-large",
        E,
        {"zh": "“{label}”的值太大：{text}", "en": "the value of '{label}' is too large: {text}"},
        {
            "zh": "请核对数字；统计表中的数不会超过 15 位。",
            "en": "check the number; form values have at most 15 digits.",
        },
        {"zh": "超过 15 位整数的数值不予接受。", "en": "Numbers with more than 15 integer digits are refused."},
    ),
    _c(
        "D310",
        "heading-has-no-value",
        E,
        {"zh": "“{label}”是标题栏，不填数值", "en": "'{label}' is a heading and takes no value"},
        {"zh": "把数值填到它下面的具体栏目里。", "en": "put the values into the items below it."},
        {"zh": "印刷表格上这一行的统计数栏是空的。", "en": "This row has no value cell on the printed form."},
    ),
    _c(
        "D311",
        "bad-metadata",
        E,
        {"zh": "meta 中的 {field} 有误：{problem}", "en": "meta.{field} is wrong: {problem}"},
        {
            "zh": "meta 写成：agency: 机关名称、year: 2017、form: 表式编号。",
            "en": "meta holds agency: name, year: 2017, form: form id.",
        },
        {"zh": "元数据说明是哪个机关、哪一年、用哪个表式。", "en": "Metadata says which agency, year and form."},
    ),
    _c(
        "D312",
        "form-mismatch",
        W,
        {
            "zh": "数据文件写的表式是 {given}，而检查用的是 {form}",
            "en": "the data file says form {given}, but it is checked against {form}",
        },
        {"zh": "确认选对了表式，或改正 meta.form。", "en": "check the form chosen, or correct meta.form."},
        {"zh": "数据文件应当用它声明的表式检查。", "en": "A data file should be checked against the form it names."},
    ),
    _c(
        "D313",
        "year-out-of-range",
        W,
        {
            "zh": "{year} 年不在表式 {form} 的适用年份（{years}）内",
            "en": "year {year} is outside the years of form {form} ({years})",
        },
        {"zh": "确认年度和表式是否对应。", "en": "check that year and form go together."},
        {
            "zh": "表式有适用年份，例如 2021 格式从 2021 年度报告起适用。",
            "en": "Forms apply to certain years, e.g. the 2021 format from the 2021 reports on.",
        },
    ),
    _c(
        "D314",
        "unit-in-value",
        E,
        {"zh": "“{label}”的值“{text}”里写了单位", "en": "the value '{text}' of '{label}' has a unit written into it"},
        {
            "zh": "只填数字 {number}；本栏单位是 {unit}，已印在表上。",
            "en": "write only the number {number}; this item's unit, {unit}, is printed on the form.",
        },
        {
            "zh": "单位由表式规定，数值栏只填数字。写的正是本栏的单位（“23件”写在以件计的栏里）时，按数字读入并给出警告；"
            "写的是别的单位（“251000元”写在以万元计的栏里）时是错误，不予读入：换算与否要由填表人决定。",
            "en": "The form fixes the unit; cells hold numbers only. A number followed by the cell's own unit (23件 in a "
            "cell counted in 件) is read as the number, with a warning; another unit (251000元 in a cell in 万元) is an "
            "error and the value is not read: whether and how to convert is the writer's decision.",
        },
    ),
    _c(
        "D315",
        "row-needs-columns",
        E,
        {"zh": "“{label}”是表格的一行，要按列填写", "en": "'{label}' is a table row: give its values by column"},
        {"zh": "写成：{label}: {{{example}}}", "en": "write: {label}: {{{example}}}"},
        {
            "zh": "矩阵表的每一行下按列名（或列编号）给出数值。",
            "en": "Each row of a matrix maps column labels (or ids) to values.",
        },
    ),
    _c(
        "D316",
        "old-label",
        W,
        {
            "zh": "“{key}”是旧表式的名称，按现行表式的“{current}”读取{more}",
            "en": "'{key}' is a label of an earlier form, read as '{current}'{more}",
        },
        {
            "zh": "现行表式中这一栏叫“{current}”，请按现行表式填写（--strict-labels 时这是错误）。",
            "en": "in this form the item is called '{current}'; use it (an error with --strict-labels).",
        },
        {
            "zh": "表式改版后，栏目名称随之改变。数据用了旧名称时，只要现行表式中只有一栏与之对应，就按这一栏读取并警告。",
            "en": "Labels change between form versions. A label of an earlier form is read as the one cell it became, "
            "with a warning.",
        },
    ),
    _c(
        "D317",
        "previous-mismatch",
        W,
        {
            "zh": "上年数据的 meta.{field} 是“{value}”，应为“{expected}”",
            "en": "last year's data has meta.{field} '{value}', expected '{expected}'",
        },
        {
            "zh": "确认 --previous 给出的是同一机关上一年度的数据文件。",
            "en": "check that --previous names the same agency's file of the year before.",
        },
        {
            "zh": "跨年度规则比较同一机关相邻两年的数据。",
            "en": "Cross-year rules compare one agency's two consecutive years.",
        },
    ),
    _c(
        "D318",
        "bad-narrative",
        E,
        {"zh": "report 部分有误：{problem}", "en": "the report part is wrong: {problem}"},
        {
            "zh": "report 含 title、preamble、sections（每节 heading、paragraphs、tables、subsections）、attachment、signature、date。",
            "en": "report holds title, preamble, sections (heading, paragraphs, tables, subsections), attachment, signature, date.",
        },
        {
            "zh": "报告正文写在数据文件的 report 部分，见 docs/data-files.md。",
            "en": "The narrative lives in the data file's report part; see docs/data-files.md.",
        },
    ),
    _c(
        "C410",
        "likely-wrong-cell",
        N,
        {
            "zh": "最可能有误的栏目（改动最少的 {count} 个）：{cells_text}",
            "en": "most likely wrong ({count} cell(s), the fewest to change): {cells_text}",
        },
        {
            "zh": "它所破坏的规则：{rules}。{alternatives}（仅为提示，数据未作任何改动）",
            "en": "rules it breaks: {rules}. {alternatives} (a suggestion only; the data is not changed)",
        },
        {
            "zh": "按 Fellegi-Holt 原则，找出改动最少的栏目使全部规则成立；同样少时优先怀疑合计栏。",
            "en": "By the Fellegi-Holt principle: the fewest cells whose change makes every rule hold; among as few, totals are suspected first.",
        },
    ),
    _c(
        "C411",
        "narrative-contradicts-table",
        W,
        {
            "zh": "正文说“{words}”{stated}，表中{cells_text}为 {table_text}：“{sentence}”",
            "en": 'the text says {words} {stated}, the table\'s {cells_text} is {table_text}: "{sentence}"',
        },
        {
            "zh": "{slip}正文中的数字可写成 {{{{ 编号 }}}} 从表中取，就不会不一致。",
            "en": "{slip}write figures as {{{{ id }}}} so that they come from the table.",
        },
        {
            "zh": "正文中说到表式术语（term）的数字，应与统计表一致。约、近、余、左右等说法按范围核对；"
            "表中有空白栏时，按已知各栏和表式规则推出的范围核对（如“至少 275”）。",
            "en": "A figure the text states for a term of the form should agree with the table. Approximate words "
            "(约, 近, 余, 左右) are ranges; with blank cells, the range the known cells and the form's rules allow "
            "is used (e.g. 'at least 275').",
        },
    ),
    # -- data: meta values against the form's declared vocabulary ------------------------------
    _c(
        "D322",
        "meta-value-slip",
        W,
        {
            "zh": "{label}“{value}”与表式中的“{read_as}”不完全一致（{how}）",
            "en": "{label} '{value}' differs from the form's '{read_as}' ({how})",
        },
        {
            "zh": "{outcome}请改为“{read_as}”。",
            "en": "{outcome}write '{read_as}'.",
        },
        {
            "zh": "表式用 meta 声明了这个字段的取值（如机关层级），依赖它的规则按取值决定是否适用。写法只差繁体字、"
            "“级”字或一两个字，且只与一个取值相近时，baobiao 按这个取值读取并警告；严格模式下这是错误，该值不予读取，"
            "依赖它的规则报告为无法检查。",
            "en": "The form declares this field's values (such as the agency level), and rules depend on them. "
            "A value off by traditional script, a 级, or one or two characters, close to one value only, is read as "
            "that value with a warning; in strict mode it is an error, the value is left unread and the rules that "
            "depend on it are reported as not checkable.",
        },
    ),
    _c(
        "D323",
        "unknown-meta-value",
        W,
        {
            "zh": "{label}“{value}”不是表式列出的取值，依赖它的规则无法检查",
            "en": "{label} '{value}' is not one of the form's values; rules that depend on it cannot be checked",
        },
        {
            "zh": "{close}请填写其中之一：{allowed}。",
            "en": "{close}write one of: {allowed}.",
        },
        {
            "zh": "表式用 meta 声明了这个字段的全部取值。不认识的值或与几个取值同样相近的值不予猜测："
            "该字段视为未填写，依赖它的规则报告为无法检查，而不是按猜测的值检查。",
            "en": "The form declares every value of this field. A value it does not know, or one as close to several "
            "values, is not guessed at: the field counts as not given, and the rules that depend on it are reported "
            "as not checkable rather than checked on a guess.",
        },
    ),
    # -- reading real reports: slips resolved, rows the form splits, tables left out ------------
    _c(
        "D324",
        "label-slip",
        W,
        {
            "zh": "“{key}”按表中的“{read_as}”读取（{how}）{more}",
            "en": "'{key}' was read as '{read_as}' ({how}){more}",
        },
        {
            "zh": "名称与印刷表格不完全一致，只有这一栏相符。如要求名称逐字一致，用 --strict-labels。",
            "en": "the label differs from the printed form, and only this cell fits. --strict-labels makes this an error.",
        },
        {
            "zh": "已公开的报告常有繁体字、漏写或多写括号里的说明、名称印短或印长、一两个错别字。只有一个栏目相符时，"
            "baobiao 按它读取并给出警告，其余检查照常进行；有几个栏目都相符时仍是错误（D306）。--strict-labels 把这些警告变为错误，该值不予读取。",
            "en": "Published reports carry traditional script, bracketed notes missing or extra, labels printed shorter "
            "or longer, and one- or two-character slips. When exactly one cell fits, baobiao reads the value there and "
            "warns; when several fit, it stays an error (D306). --strict-labels turns these warnings into errors and "
            "leaves the value unread.",
        },
    ),
    _c(
        "D325",
        "row-split",
        W,
        {
            "zh": "本表式把“{label}”分为 {count} 行，数据只给了它们的合计（{columns}）",
            "en": "this form splits '{label}' into {count} rows; the data gives only their total ({columns})",
        },
        {
            "zh": "请按现行表式分行填写：{rows}。在此之前，这几行之和按所给的数核对其他规则。",
            "en": "fill the rows of the current form: {rows}. Until then, their sum is checked against the other rules.",
        },
        {
            "zh": "旧表式中的一行在新表式中分成了几行（如 2019 年的“（六）其他处理”在 2021 年格式中分为 3 项）。"
            "数据按旧表式只填一行时，baobiao 把所填的数当作这几行之和，用于核对总计等规则，并提示分行填写。",
            "en": "A row of an earlier form is split into several in this one (2019's （六）其他处理 became three rows in "
            "2021). A value given to the old row is taken as the sum of the new rows for the other rules.",
        },
    ),
    _c(
        "D326",
        "row-split-zero",
        N,
        {
            "zh": "“{label}”填的是 0：其下 {count} 行（{rows}）均按 0 读取",
            "en": "'{label}' is given as 0: its {count} rows ({rows}) are read as 0",
        },
        {
            "zh": "计数不能为负，合计为 0 时各行都是 0。",
            "en": "counts are never negative, so each row of a zero total is 0.",
        },
        {
            "zh": "给标题行（其下分为几行）填 0 时，各行都只能是 0，baobiao 按 0 读取这几行。",
            "en": "A zero given to a heading whose rows are counts means each of those rows is zero.",
        },
    ),
    _c(
        "D330",
        "invalid-unicode",
        E,
        {
            "zh": "文字“{text}”含有无效的 Unicode 字符（{chars}），已替换为 �",
            "en": "the text '{text}' holds code points that are not valid Unicode text ({chars}); replaced by U+FFFD",
        },
        {
            "zh": '这多半来自 YAML 双引号里的转义（如 "\\udc80"）；请删去或改写这些字符。',
            "en": 'such characters come from escapes in double quotes ("\\udc80"); delete or rewrite them.',
        },
        {
            "zh": "不成对的代理字符（U+D800–U+DFFF）和非字符 U+FFFE、U+FFFF 不是文字，无法写入 Word、网页或 JSON。"
            "baobiao 在读入时就指出它们的位置，并以替换字符 � 代替，其余内容照常读取和核对。",
            "en": "Lone surrogates (U+D800–U+DFFF) and the noncharacters U+FFFE, U+FFFF are not text and cannot be "
            "written to Word, HTML or JSON. baobiao reports them where they are read and puts U+FFFD in their "
            "place; the rest is read and checked.",
        },
    ),
    _c(
        "D331",
        "control-character",
        W,
        {
            "zh": "文字“{text}”含有控制字符（{chars}），已改为空格",
            "en": "the text '{text}' holds control characters ({chars}); read as spaces",
        },
        {
            "zh": '控制字符多来自复制粘贴或转义（如 "\\x1b"），不属于报告内容，请删去。',
            "en": 'control characters come from copy and paste or escapes ("\\x1b"); delete them.',
        },
        {
            "zh": "除制表符和换行以外的控制字符（如 ESC、退格、DEL）会改变终端的显示，也不能写入工作簿。baobiao "
            "读入时把它们改为空格并指出位置；提示信息中以转义形式（\\x1b）显示。",
            "en": "Control characters other than tab and line feed (ESC, backspace, DEL) drive terminals and cannot "
            "be written to workbooks. baobiao reads them as spaces and says where; messages show them escaped (\\x1b).",
        },
    ),
    _c(
        "D332",
        "text-too-long",
        E,
        {
            "zh": "文字太长（{length} 个字符，上限 {limit}），未读取：“{text}”",
            "en": "a text is too long ({length} characters, limit {limit}) and is not read: '{text}'",
        },
        {
            "zh": "名称和段落都不会这么长，请确认没有把整个文件粘贴进一格。",
            "en": "no label or paragraph is that long; check that a whole file was not pasted into one place.",
        },
        {
            "zh": "为使读取和核对的时间、内存有界，每段文字（YAML 的一个值、工作簿的一格）有长度上限；数字由其位数判断（D309）。",
            "en": "Each text (a YAML scalar, a workbook cell) has a length limit, so that reading and checking stay "
            "bounded; numbers are judged by their digits (D309).",
        },
    ),
    _c(
        "D333",
        "workbook-too-large",
        E,
        {
            "zh": "工作表“{sheet}”超过上限（{limit}），自 {where} 起的内容未读取",
            "en": "the sheet '{sheet}' exceeds the limit ({limit}); nothing from {where} on is read",
        },
        {
            "zh": "填报工作簿只有几十行；请删去多余的行，或另存一个只含报表的工作簿。",
            "en": "a fill-in workbook has a few dozen rows; delete the extra rows or save the tables alone.",
        },
        {
            "zh": "为使读取工作簿的时间和内存有界，每张工作表最多读 50000 行，整个工作簿最多读 200000 个单元格"
            "（一行按它最右一格的列数计）；超出部分不读，已读的内容照常核对。",
            "en": "So that reading stays bounded, at most 50000 rows a sheet and 200000 cells a workbook are read "
            "(a row counts up to its rightmost cell); the rest is not read, and what was read is still checked.",
        },
    ),
    _c(
        "C412",
        "table-not-given",
        E,
        {
            "zh": "{table} 未提供：{why}",
            "en": "{table} is not given: {why}",
        },
        {
            "zh": "请补上这张表；只核对部分表格时用 --tables 指定（如 --tables 三,四）。",
            "en": "add the table, or check some tables only with --tables (e.g. --tables 三,四).",
        },
        {
            "zh": "整张表缺失时只报告一次，不逐栏报告；与它有关的规则在这张表补上之前无法核对。",
            "en": "A table left out altogether is reported once, not cell by cell; rules that need it wait for it.",
        },
    ),
    _c(
        "C413",
        "holds-if-blanks-zero",
        N,
        {
            "zh": "{rule_id}（{description}）：若空白栏（{blank}）均为 0 则成立",
            "en": "{rule_id} ({description}) holds if the blank cells ({blank}) are all 0",
        },
        {
            "zh": "已知各栏已使规则恰好成立；空白栏填 0 即可，填其他数就会破坏规则。",
            "en": "the known cells already make the rule hold exactly; the blanks can only be 0.",
        },
        {
            "zh": "空白栏不是 0，但计数不能为负。若已知各栏已经使规则恰好成立，空白栏就只能是 0。",
            "en": "A blank is not a zero, but counts are never negative: when the known cells make the rule hold "
            "exactly, the blanks can only be 0.",
        },
    ),
    _c(
        "C414",
        "blanks-cannot-fit",
        E,
        {
            "zh": "空白栏（{blank}）无论填什么，这些规则都不能同时成立：{rules}",
            "en": "whatever the blank cells ({blank}) hold, these rules cannot all hold: {rules}",
        },
        {
            "zh": "{detail}已填的数中至少有一个有误。",
            "en": "{detail}at least one of the figures given is wrong.",
        },
        {
            "zh": "每条规则单独看都还可能成立，但几条规则对同一些空白栏的要求互相矛盾，所以已填的数中必有错误。",
            "en": "Each rule alone could still hold, but together they ask contradictory things of the same blank cells, "
            "so a figure that was given must be wrong.",
        },
    ),
    # -- batches and budgets: what stops a check early, said instead of lost (issue 14) -------------
    _c(
        "D340",
        "batch-too-large",
        E,
        {
            "zh": "批量 CSV 有 {size}，超过上限 {limit}，未读取",
            "en": "the batch CSV is {size}, over the limit of {limit}: not read",
        },
        {
            "zh": "按地区或层级分成几个文件分别核对；用 Python 接口时可以给 check_csv(..., max_bytes=...) 另定上限。",
            "en": "split it into several files (by region or level) and check each; the Python API takes "
            "check_csv(..., max_bytes=...).",
        },
        {
            "zh": "批量 CSV 在读取之前先看大小：上限约可容纳 50 多万个机关（2021 格式），更大的文件多半是拼接错误或不是报表数据。",
            "en": "A batch CSV's size is checked before it is read: the limit holds more than 500,000 agencies of the "
            "2021 form; a larger file is most likely joined by mistake or not report data.",
        },
    ),
    _c(
        "D341",
        "unclosed-quote",
        E,
        {
            "zh": "这一行的引号没有闭合，这一行未读取：{text}",
            "en": "a quote on this line is never closed; the line was not read: {text}",
        },
        {
            "zh": '补上闭合的引号，或删去多余的引号；值中的引号要写成两个（""）。其后各行照常读取。',
            "en": 'close the quote or remove the stray one; a quote inside a value is written twice (""). '
            "The lines after it are read as usual.",
        },
        {
            "zh": "CSV 的值不能跨行，所以一个没有闭合的引号只影响它所在的那一行：这一行不读，后面的机关照常读取和核对"
            "（否则其后所有行都会被当作这一个值而丢失）。",
            "en": "Values in the CSV never span lines, so a quote that is never closed costs its own line only: that "
            "line is not read, and the agencies after it are read and checked as usual (otherwise every line after "
            "it would be taken into that one value and lost).",
        },
    ),
    _c(
        "D342",
        "carriage-return-in-line",
        E,
        {
            "zh": "这一行中间有一个单独的回车符（CR），这一行未读取：{text}",
            "en": "this line has a lone carriage return (CR) inside it; the line was not read: {text}",
        },
        {
            "zh": "删去这个回车符；行尾用换行（LF）或回车换行（CRLF）。",
            "en": "remove the carriage return; end lines with LF or CRLF.",
        },
        {
            "zh": "行中间的单独回车符会把一行拆成两行，读出的栏目就错位了，所以这一行不读并在此报告。",
            "en": "A lone carriage return would split the line in two and shift its fields, so the line is reported "
            "here instead of read.",
        },
    ),
    _c(
        "D343",
        "not-agency-lines",
        E,
        {
            "zh": "从这一行起的前 {lines} 行中至少 {bad} 行不能读作本表式的“机关,行,列,值”，不像是本表式的批量数据："
            "读取到此为止，文件其余部分（{rest}）未读取",
            "en": "of the first {lines} lines from here, at least {bad} cannot be read as agency,row,column,value lines "
            "of this form: this is not a batch of the form, so reading stops here ({rest} of the file not read)",
        },
        {
            "zh": "检查文件是否拼接了别的内容、是否用错了表式；每行应为 机关,行,列,值。",
            "en": "check whether something else was joined to the file or the wrong form was chosen; each line is "
            "agency,row,column,value.",
        },
        {
            "zh": "个别读不出的行在其所在行报告，其余照常读取；但一大段几乎都读不出的行（上千行，且多于读得出的行）"
            "说明文件从这里起不是报表数据，此时停止读取并说明，而不是逐行报告几百万个问题。",
            "en": "A few unreadable lines are each reported at their line and the rest is read; but a long stretch of "
            "lines almost none of which can be read (over a thousand, and more than those that can) means the file "
            "is not report data from there on: reading stops and says so, rather than reporting millions of lines.",
        },
    ),
    _c(
        "D344",
        "units-in-values",
        W,
        {
            "zh": "另有 {count} 个数值也写了本栏的单位（{labels}），同样按数字读入",
            "en": "{count} more values have their item's unit written in ({labels}); they too are read as numbers",
        },
        {
            "zh": "只填数字；单位已印在表上。",
            "en": "write only the numbers; the units are printed on the form.",
        },
        {
            "zh": "数值里写了本栏自己的单位（“23件”写在以件计的栏里）时按数字读入并给出 D314 警告。前 3 个逐一列出，"
            "其余合为这一条，免得一份在每栏都写了单位的报告（发布的报告常见）的几百条同样的警告淹没真正的问题。",
            "en": "A value written with its own item's unit ('23件' in a cell counted in 件) is read as the number with "
            "a D314 warning. The first 3 are listed one by one and the rest folded into this one, so that a report "
            "that writes the unit in every cell (common in published reports) does not bury its real findings under "
            "hundreds of identical warnings.",
        },
    ),
    _c(
        "C420",
        "localisation-over-budget",
        N,
        {
            "zh": "被破坏的规则太多（{count} 条），在 {budget} 秒内找不出最可能有误的栏目",
            "en": "too many broken rules ({count}) to localise the likely wrong cells within the budget ({budget} s)",
        },
        {
            "zh": "先逐条改正上面列出的错误再核对；出错的规则少了，就能指出最可能有误的栏目。",
            "en": "fix the errors listed and check again; with fewer broken rules the likely wrong cells are named.",
        },
        {
            "zh": "找最可能有误的栏目（C410）要解一个混合整数规划，出错的栏目很多时可能要几分钟；"
            "每个文件的搜索有时限，超时就停下并给出本说明，规则核对本身不受影响。",
            "en": "Finding the likely wrong cells (C410) solves a mixed-integer program, which can take minutes when "
            "many cells are wrong; the search has a time budget per file and, when it runs out, stops with this "
            "note. The rules are checked all the same.",
        },
    ),
    _c(
        "C421",
        "localisation-alternatives-incomplete",
        N,
        {
            "zh": "在 {budget} 秒内只列出了 {found} 种改动最少的改法，可能还有别的同样少的改法",
            "en": "{found} smallest set(s) of cells listed within the budget ({budget} s); other sets as small may exist",
        },
        {
            "zh": "上面的最可能有误的栏目仍然成立；逐一核对被破坏的规则。",
            "en": "the likely wrong cells above still hold; check the broken rules one by one.",
        },
        {
            "zh": "最可能有误的栏目（C410）之外，同样只改这么多栏目的其他改法是在时限内逐一找出的；时限到了就停下并给出本说明。",
            "en": "Besides the likely wrong cells (C410), other sets of as many cells are searched one by one within the "
            "time budget; when it runs out, this note says the list may be incomplete.",
        },
    ),
    _c(
        "C415",
        "narrative-sum-wrong",
        W,
        {
            "zh": "正文所列各项之和为 {sum}，但正文说共 {stated}：“{sentence}”",
            "en": 'the parts the text lists add up to {sum}, but it says the total is {stated}: "{sentence}"',
        },
        {
            "zh": "所列各项：{parts}。",
            "en": "the parts listed: {parts}.",
        },
        {
            "zh": "正文列出表式同一合计下的几项后写“共/合计 N”，N 应等于所列各项之和（正文自身的算术）。"
            "各项是否与表一致另行核对。",
            "en": "When the text lists parts of one total of the form and then says 共/合计 N, N should be their sum "
            "(the text's own arithmetic). Each part is also checked against the table.",
        },
    ),
    _c(
        "C416",
        "narrative-share-wrong",
        W,
        {
            "zh": "正文说“{words}”占 {stated}，按表计算为 {part} ÷ {whole} = {ratio}：“{sentence}”",
            "en": 'the text says {words} is {stated}, the table gives {part} / {whole} = {ratio}: "{sentence}"',
        },
        {
            "zh": "比例的分母是{whole_name}；允许与正文所写最后一位相差不到 1。",
            "en": "the whole is {whole_name}; the text's last digit may be off by less than 1.",
        },
        {
            "zh": "正文的百分比按表中数字核对：分子是所说的项，分母是正文点名的总数（“占收到申请总数的…”），"
            "未点名时为表式中包含该项的最小合计（如办理结果的（七）总计）。",
            "en": "A percentage is checked with the table's figures: the part over the whole the text names "
            "('占收到申请总数的…'), else the form's smallest total the part belongs to.",
        },
    ),
    _c(
        "C417",
        "narrative-change-wrong",
        W,
        {
            "zh": "正文说“{words}”比上年变化 {stated}，按两年的表为 {before} → {now}（{change}）：“{sentence}”",
            "en": "the text says {words} changed by {stated} from last year; the tables give {before} -> {now} "
            '({change}): "{sentence}"',
        },
        {
            "zh": "上年数字取自 --previous 给出的上年数据。",
            "en": "last year's figure comes from the data given with --previous.",
        },
        {
            "zh": "“同比增长 x%”“较上年增加 N 件”“与上年持平”等说法，按本年与上年的表核对（需要 --previous）。",
            "en": "Statements such as 同比增长 x%, 较上年增加 N 件 and 与上年持平 are checked against this year's and "
            "last year's tables (with --previous).",
        },
    ),
    _c(
        "C418",
        "narrative-statement-wrong",
        W,
        {
            "zh": "正文说“{words}”，但表中 {what}：“{sentence}”",
            "en": 'the text says "{words}", but the table has {what}: "{sentence}"',
        },
        {
            "zh": "请核对正文的说法或表中的数字。",
            "en": "check the statement or the table.",
        },
        {
            "zh": "不带数字的说法也与表核对：“无行政复议”“未发生行政诉讼”“为零”要求该项为 0，"
            "“均获维持”要求纠正、其他结果、尚未审结均为 0。",
            "en": "Statements without a figure are checked too: 'no reconsideration', '…为零' need the item to be 0; "
            "'均获维持' needs 纠正, 其他结果 and 尚未审结 to be 0.",
        },
    ),
    _c(
        "C419",
        "narrative-not-checkable",
        N,
        {
            "zh": "正文说的“{claim}”无法核对：表中 {blank} 空白，已知各栏和规则不能确定它：“{sentence}”",
            "en": "the text's '{claim}' cannot be checked: {blank} blank in the table, and the known cells and "
            'rules do not decide it: "{sentence}"',
        },
        {
            "zh": "填上这些空白栏后再核对。",
            "en": "fill in these cells and check again.",
        },
        {
            "zh": "正文说到的数字所需的栏目空白时，按已知各栏和表式规则推出范围；范围不能判断正误时给出本说明，"
            "而不是默默跳过。",
            "en": "When cells a claim needs are blank, the range the known cells and rules allow is used; when that "
            "range cannot decide the claim, this note says so instead of skipping it silently.",
        },
    ),
    # -- audit: reading published documents, HTML, Word, PDF, text (A001-A099) -------------------
    _c(
        "A001",
        "document-unreadable",
        E,
        {"zh": "无法读取 {path}：{problem}", "en": "cannot read {path}: {problem}"},
        {
            "zh": "用浏览器、Word/WPS 或 PDF 阅读器打开看看；能打开的，另存一份（网页存为 .html，Word 文档存为 .docx）再核对。",
            "en": "open it in a browser, Word/WPS or a PDF reader; if it opens, save a copy (a page as .html, a Word "
            "document as .docx) and check that.",
        },
        {
            "zh": "文件不存在、没有读取权限、不是普通文件（文件夹、设备、管道），或者内容已损坏、不是它的扩展名所说的格式，"
            "都在此报告；这个文件中没有读到任何内容。",
            "en": "A file that does not exist, cannot be read, is not a regular file (a folder, a device, a pipe), or "
            "whose content is damaged or not what its extension says is reported here; nothing of it was read.",
        },
    ),
    _c(
        "A002",
        "document-kind-unsupported",
        E,
        {"zh": "{path} 是{kind}，不能读取", "en": "{path} is {kind}, which cannot be read"},
        {
            "zh": "能读取的有：网页（.html、.htm）、Word 文档（.docx）、有文字的 PDF 和文本文件（.txt）。"
            "旧版 Word 文档（.doc）和 WPS 文档（.wps）请用 Word 或 WPS 打开，另存为 .docx 后再核对。",
            "en": "readable are web pages (.html, .htm), Word documents (.docx), PDFs with text and text files (.txt). "
            "Open an old Word document (.doc) or a WPS document (.wps) in Word or WPS and save it as .docx.",
        },
        {
            "zh": "按扩展名和文件开头的内容判断文件类型；旧版二进制格式（.doc、.wps、.xls）和其他类型不读取。",
            "en": "The kind is told from the extension and the first bytes; the old binary formats (.doc, .wps, .xls) "
            "and other kinds are not read.",
        },
    ),
    _c(
        "A003",
        "document-too-large",
        E,
        {"zh": "{path} 超过读取上限，未读取：{what}", "en": "{path} is over a limit and was not read: {what}"},
        {
            "zh": "年度报告的文件通常只有几百 KB 到几 MB；请确认选对了文件。",
            "en": "an annual report is usually a few hundred KB to a few MB; check that this is the right file.",
        },
        {
            "zh": "为了在有限的时间和内存内读完，文件大小、解压后大小、对象个数等在读取之前先检查，超过上限的不读取。"
            "各类文件的上限见 baobiao.audit.readers 的说明。",
            "en": "So that reading ends in bounded time and memory, the file's size, its size unpacked, its number of "
            "objects and so on are checked before it is read; a file over a limit is not read. The limits of each "
            "kind are listed in baobiao.audit.readers.",
        },
    ),
    _c(
        "A004",
        "document-partly-read",
        W,
        {"zh": "{path} 只读取了一部分：{what}", "en": "only part of {path} was read: {what}"},
        {
            "zh": "核对只涉及已读取的部分；未读取部分中的表格和数字请人工核对。",
            "en": "the check covers the part that was read; check the tables and figures of the rest by hand.",
        },
        {
            "zh": "页数、用时、嵌套层数、表格大小等达到上限，或者个别页面、部件损坏、只有图像时，读取其余部分并在此说明哪些内容没有读到。",
            "en": "When a limit is reached (pages, time, nesting, table size), or a page or part is damaged or only an "
            "image, the rest is read and this says what was not.",
        },
    ),
    _c(
        "A005",
        "scanned-pdf",
        E,
        {
            "zh": "{path} 是扫描件：{pages} 页都只有图像，没有可读取的文字",
            "en": "{path} is a scanned document: its {pages} page(s) hold images and no text to read",
        },
        {
            "zh": "本工具不做文字识别（OCR）。请取得原始的 Word 文档、网页或能复制文字的 PDF；"
            "也可以先用 OCR 软件转成文字，核对转出的文档（转出的数字要人工核对）。",
            "en": "baobiao does no OCR. Get the original Word document, the web page or a PDF whose text can be "
            "copied; or convert it with OCR software and check the result (check its figures by hand).",
        },
        {
            "zh": "扫描件的 PDF 每页只是一张图片，没有文字层，读不出文字和表格。",
            "en": "A scanned PDF holds one picture a page and no text layer: no text or table can be read from it.",
        },
    ),
    _c(
        "A006",
        "document-empty",
        E,
        {"zh": "{path} 中没有读到任何文字或表格", "en": "no text or table was found in {path}"},
        {
            "zh": "确认文件不是空白的；有的网页的正文由脚本加载，另存网页时得不到正文，"
            "可以在浏览器中复制正文另存为 .txt 再核对。",
            "en": "check that the file is not blank; some web pages load their text by script, so a saved page has "
            "none: copy the text in the browser into a .txt file and check that.",
        },
        {
            "zh": "文件能打开，但其中没有文字段落，也没有表格。",
            "en": "The file opens, but holds no paragraph of text and no table.",
        },
    ),
    _c(
        "A007",
        "encoding-guessed",
        W,
        {
            "zh": "{path} 的文字编码不能确定，按 {encoding} 读取，有 {count} 处字节无法识别（显示为 �）",
            "en": "the text encoding of {path} is uncertain: read as {encoding}, {count} undecodable byte sequence(s) "
            "shown as �",
        },
        {
            "zh": "用记事本或浏览器把它另存为 UTF-8 编码后再核对；无法识别之处的文字和数字请人工核对。",
            "en": "save it as UTF-8 (Notepad, a browser) and check again; check the text and figures around the "
            "undecodable bytes by hand.",
        },
        {
            "zh": "网页和文本文件依次按声明的编码、UTF-8、GB18030（包括 GBK、GB2312）读取；"
            "都不完全相符时，按无法识别之处最少的一种读取并在此说明。",
            "en": "Web pages and text files are read in the declared encoding, else UTF-8, else GB18030 (which covers "
            "GBK and GB2312); when none fits entirely, the one with fewest undecodable bytes is used and said here.",
        },
    ),
    _c(
        "A008",
        "kind-mismatch",
        W,
        {
            "zh": "{path} 的扩展名是 {suffix}，内容却是{kind}，已按{kind}读取",
            "en": "{path} has the extension {suffix} but holds {kind}: read as such",
        },
        {
            "zh": "把扩展名改为 {right}，别的软件才能正确打开它。",
            "en": "rename it to {right} so that other programs open it correctly.",
        },
        {
            "zh": "网站上下载的“.doc”文件常常其实是网页或 .docx 文档；按文件开头的内容判断它是什么，照此读取。",
            "en": "A '.doc' downloaded from a website is often a web page or a .docx document; the first bytes tell "
            "what it is, and it is read as that.",
        },
    ),
    _c(
        "A009",
        "audit-worker-died",
        E,
        {
            "zh": "审查 {path} 的工作进程意外退出（{cause}），这份报告没有审查完",
            "en": "the worker process auditing {path} ended unexpectedly ({cause}); the report was not audited",
        },
        {
            "zh": "单独审查这份报告（baobiao audit 文件 --jobs 1）。进程被 SIGKILL 终止多半是内存不足，"
            "可以减少同时工作的进程（--jobs）。",
            "en": "audit this report alone (baobiao audit FILE --jobs 1). A process killed by SIGKILL has most often "
            "run out of memory: use fewer worker processes (--jobs).",
        },
        {
            "zh": "审查文件夹时，报告分给几个工作进程（--jobs），每个进程一次审查一份。一个进程在审查某份报告时意外退出"
            "（被操作系统终止、内存不足）时，这份报告给出本错误，由新的进程接着审查其余报告，不会卡住，也不会漏掉报告。",
            "en": "A folder's reports are shared among worker processes (--jobs), each auditing one report at a time. "
            "When a worker ends unexpectedly on a report (stopped by the system, out of memory), that report gets "
            "this error and a new worker audits the rest: nothing hangs and no report is left out.",
        },
    ),
    # -- audit: finding the form's tables and text in a document (A100-A199) ----------------------
    _c(
        "A101",
        "audit-table-not-found",
        E,
        {"zh": "文档中没有找到“{table}”", "en": "'{table}' was not found in the document"},
        {
            "zh": "请核对原文是否印有这张表。印了的话，它的表头和栏目名称与表式相差太多，请在读出的数据文件里补上它的数值。",
            "en": "check whether the report prints this table; if it does, its headings differ too much from the form: "
            "add its values to the data file that was written.",
        },
        {
            "zh": "baobiao 按栏目名称（行名、表头）和表格前的标题在文档中寻找表式的每张表，不按表格的位置。"
            "一行一栏都对不上时报告本错误；核对时这张表的各栏按空白处理。",
            "en": "baobiao finds each table of the form in a document by its printed labels (row labels, column "
            "headings) and the heading above it, not by its position. When no row or column fits, this error is "
            "reported, and the table's cells are blank for the check.",
        },
    ),
    _c(
        "A102",
        "audit-not-placed",
        W,
        {
            "zh": "{where}的{what}“{text}”对不上表式中的栏目，没有读取",
            "en": "the {what} '{text}' ({where}) fits nothing in the form and was not read",
        },
        {
            "zh": "如果它是表式中的数据，请把它的值按正确的栏目名称写进读出的数据文件。",
            "en": "if it is data of the form, write its value into the data file under the right label.",
        },
        {
            "zh": "文档里的表格、行、栏目和单元格按名称对应到表式；名称对不上（也不是错别字、繁体字、旧表式的名称、"
            "印短的名称或小计）的不予读取，并在这里逐一列出，不会悄悄丢掉。与表式无关的表格只作提示。",
            "en": "Tables, rows, columns and cells of a document are matched to the form by their labels; what fits "
            "nothing (not even as a typo, traditional script, an earlier form's label, a shortened label or a "
            "subtotal) is not read and is listed here, never dropped silently. A table unrelated to the form is a note.",
        },
    ),
    _c(
        "A103",
        "audit-read-twice",
        W,
        {
            "zh": "“{cell}”在文档中出现了两次：{first}是“{text}”，{second}是“{other}”；按前者读取",
            "en": "'{cell}' is printed twice: '{text}' ({first}) and '{other}' ({second}); the first is read",
        },
        {
            "zh": "请核对原文哪一个是正确的，需要时在数据文件中改正。",
            "en": "check which one the report means, and correct the data file if needed.",
        },
        {
            "zh": "表格跨页重复印了一行，或同一张表印了两次，且两处的数不同。两处相同时不报告。",
            "en": "A row was printed again after a page break, or a table twice, with different figures; when both "
            "agree nothing is reported.",
        },
    ),
    _c(
        "A104",
        "audit-form-by-labels",
        W,
        {
            "zh": "报告是 {year} 年度的，按年度应使用 {expected}，但表格按 {form} 的格式印制（{why}），已按 {form} 读取",
            "en": "the report is for {year}, whose form is {expected}, but its tables are printed in the "
            "{form} layout ({why}); read as {form}",
        },
        {
            "zh": "请核对报告使用的格式；要按另一表式审查，用 baobiao audit --form 指定（如 --form gov-disclosure-2021）。",
            "en": "check which format the report uses; to audit it against another form, name it with baobiao audit "
            "--form (e.g. --form gov-disclosure-2021).",
        },
        {
            "zh": "表式一般按报告年度选择（2021 年起用 2021 年格式，2019、2020 年用 2019 年格式，更早的用 2017 年统计表），"
            "但有的报告用了另一年度的格式。表格的栏目名称明显更符合另一表式时，按栏目名称选择，并给出本警告。",
            "en": "The form usually follows the report's year (2021 on: the 2021 form; 2019-2020: the 2019 form; "
            "earlier: the 2017 table), but some reports use another year's layout. When the tables' labels clearly "
            "fit another form, that form is used, with this warning.",
        },
    ),
    _c(
        "A105",
        "audit-meta-not-found",
        W,
        {"zh": "没有从标题中找到{field}", "en": "no {field} found in the title"},
        {
            "zh": "请在读出的数据文件的 meta 中填写{field}。",
            "en": "fill in the {field} in the data file's meta.",
        },
        {
            "zh": "机关名称和年度从报告标题（如“某某县市场监督管理局2021年政府信息公开工作年度报告”）和开头几段读取；"
            "没有找到年度时，按表格的栏目名称选择表式。",
            "en": "The agency and the year are read from the report's title (e.g. 某某县市场监督管理局2021年政府信息公开"
            "工作年度报告) and first paragraphs; without a year, the form is chosen by the tables' labels.",
        },
    ),
    _c(
        "A106",
        "audit-level-from-name",
        N,
        {
            "zh": "按机关名称“{agency}”，机关层级读作“{level}”",
            "en": "the agency level is read as {level} from the agency's name '{agency}'",
        },
        {
            "zh": "报告没有写明机关层级；名称不能确定层级时（如“某某市人民政府”可能是设区的市或县级市）不作推断。",
            "en": "the report does not state its level; names that leave it open (a 市人民政府 may be a prefecture-level "
            "or a county-level city) are not guessed.",
        },
        {
            "zh": "只有部分规则取决于机关层级（如只有省级、设区的市级人民政府等可以制定规章）。报告没有写明层级时，"
            "名称的结尾能确定层级的（某某县市场监督管理局、某某镇人民政府、某某省人民政府）按名称读取并给出本说明，"
            "这些规则照常核对；不能确定的，这些规则报告为无法检查。",
            "en": "A few rules depend on the agency's level (only provincial and prefecture-level governments, among "
            "others, make 规章). When a report does not state its level, a name whose ending decides it (某某县市场监督管理局, "
            "某某镇人民政府, 某某省人民政府) gives the level, with this note, and those rules are checked; otherwise they "
            "are reported as not checkable.",
        },
    ),
    # -- audit: folders of reports (A200-A299) ------------------------------------------------------
    _c(
        "A201",
        "text-repeats-last-year",
        N,
        {
            "zh": "正文约 {share}% 与 {year} 年的报告相同（{previous}）",
            "en": "about {share}% of the text repeats the {year} report ({previous})",
        },
        {
            "zh": "对照上年报告，看本年的工作情况是否照抄了上年的文字。",
            "en": "compare with last year's report: has this year's account been copied from it?",
        },
        {
            "zh": "同一机关相邻两年的报告都在所审查的文件中时，逐段比较正文（数字不计）：与上年某段几乎相同的段落所占的比例"
            "超过一半时给出本说明。审查者常据此发现照抄上年的报告。",
            "en": "When reports of the same agency for consecutive years are audited together, their paragraphs are "
            "compared (figures aside): when more than half of this year's text is in paragraphs nearly identical to "
            "last year's, this note says so. Reviewers look for reports copied from the year before.",
        },
    ),
    # -- render ---------------------------------------------------------------------------------
    _c(
        "R501",
        "narrative-syntax",
        E,
        {"zh": "正文中的数字写法有误：{problem}", "en": "a figure in the narrative is malformed: {problem}"},
        {
            "zh": "引用表中数字写成 {{{{ 编号 }}}}，例如 {{{{ weibo + wechat }}}}；花括号要成对。",
            "en": "write figures as {{{{ id }}}}, e.g. {{{{ weibo + wechat }}}}; braces come in pairs.",
        },
        {
            "zh": "正文里的数字从表中取，写成 {{{{ 编号 }}}}，正文和表格就不会不一致。",
            "en": "Figures in the narrative come from the table as {{{{ id }}}}, so text and table agree.",
        },
    ),
    _c(
        "R502",
        "narrative-unknown-name",
        E,
        {
            "zh": "正文引用了表中没有的编号或名称 {name}",
            "en": "the narrative uses {name}, which the form does not have",
        },
        {"zh": "{suggestion}", "en": "{suggestion}"},
        {
            "zh": "正文中 {{{{ }}}} 里只能写表式里的指标编号（矩阵表写 行编号.列编号）。",
            "en": "Inside {{{{ }}}} use ids of the form (row.column for matrix cells).",
        },
    ),
    _c(
        "R503",
        "narrative-unsafe",
        E,
        {"zh": "正文里不能写 {{% %}} 或 {{# #}}", "en": "the narrative may not hold {{% %}} or {{# #}}"},
        {
            "zh": "正文里只能用 {{{{ }}}} 引用表中数字，并做加减乘除，如 {{{{ weibo + wechat }}}}。",
            "en": "the narrative may only state figures with {{{{ }}}}, with + - * /, e.g. {{{{ weibo + wechat }}}}.",
        },
        {
            "zh": "数据文件里的正文不是模板：{{{{ }}}} 只能写编号、数字、加减乘除和括号，后面可加 | round(1)、| percent(1)、"
            "| thousands；不能写语句、循环或调用，数据文件不能执行任何东西。",
            "en": "The narrative in a data file is not a template: {{{{ }}}} holds ids, numbers, + - * / and "
            "parentheses, optionally followed by | round(1), | percent(1) or | thousands; no statements, loops or "
            "calls, so a data file can run nothing.",
        },
    ),
    _c(
        "R504",
        "template-error",
        E,
        {"zh": "模板 {template} 第 {line} 行有误：{problem}", "en": "template {template}, line {line}: {problem}"},
        {"zh": "{hint}", "en": "{hint}"},
        {
            "zh": "报告模板有语法错误或用了渲染数据里没有的变量。",
            "en": "A report template has a syntax error or uses a variable the render context lacks.",
        },
    ),
    _c(
        "R505",
        "not-rendered",
        E,
        {"zh": "数据有 {errors} 个错误，没有生成报告", "en": "the data has {errors} error(s): no report was written"},
        {
            "zh": "先改正错误；或用 --draft 生成带“草稿”标记、附检查结果的报告。",
            "en": "fix the errors first, or use --draft for a report marked 草稿 with the findings listed.",
        },
        {
            "zh": "只有通过检查的数据才生成正式报告。",
            "en": "Only data that checks clean is rendered as a final report.",
        },
    ),
    _c(
        "R506",
        "template-unknown-variable",
        E,
        {
            "zh": "模板 {template} 第 {line} 行用了渲染数据里没有的变量 {name}",
            "en": "template {template}, line {line}, uses {name}, which the render context lacks",
        },
        {"zh": "可用的变量：{known}", "en": "variables available: {known}"},
        {
            "zh": "模板只能使用渲染数据里的变量；拼错的变量名在渲染时才会出错。",
            "en": "Templates may use the render context's variables only; a misspelt one fails at render time.",
        },
    ),
    _c(
        "R507",
        "field-not-shown",
        W,
        {
            "zh": "没有模板显示表式的 {count} 个栏目：{names}",
            "en": "no template shows {count} item(s) of the form: {names}",
        },
        {
            "zh": "在模板中输出 sections 和 appendix（或 tables），表格就会完整显示。",
            "en": "print sections and appendix (or tables) in a template to show every table.",
        },
        {"zh": "报告应当显示统计表的全部栏目。", "en": "A report should show every item of its tables."},
    ),
    _c(
        "R508",
        "pdf-unavailable",
        E,
        {"zh": "无法生成 PDF：{reason}", "en": "cannot write the PDF: {reason}"},
        {
            "zh": "安装 LibreOffice（Debian/Ubuntu：apt-get install {package}），使 soffice 在 PATH 上；"
            "或改用 --to docx，再用 Word 或 WPS 另存为 PDF。",
            "en": "install LibreOffice (Debian/Ubuntu: apt-get install {package}) so that soffice is on PATH; "
            "or use --to docx and save it as PDF from Word or WPS.",
        },
        {
            "zh": "render --to pdf 用 LibreOffice 把 Word 报告转换为 PDF，与办公室打印出来的一样。没有安装 LibreOffice "
            "时，在读取数据之前就拒绝，不写任何文件；转换失败时也不写 PDF。",
            "en": "render --to pdf converts the Word report to PDF with LibreOffice, as an office would print it. "
            "Without LibreOffice the command is refused before the data is read and nothing is written; when the "
            "conversion fails no PDF is written either.",
        },
    ),
    # -- Word templates written by users (report/authoring.py) ------------------------------------
    _c(
        "R510",
        "word-template-unreadable",
        E,
        {"zh": "无法读取 Word 模板 {path}：{problem}", "en": "cannot read the Word template {path}: {problem}"},
        {
            "zh": "用 Word 或 WPS 打开，另存为“Word 文档（*.docx）”后再试。",
            "en": "open it in Word or WPS and save it as a Word document (*.docx).",
        },
        {
            "zh": "报告模板是用 Word 或 WPS 写的 .docx 文件：正文照原样保留，{{ }} 里的数字从表中取。旧的 .doc、"
            "Word 模板 .dotx、损坏的文件和过大的文件（压缩炸弹）不予读取；模板文件本身从不修改。",
            "en": "A report template is a .docx file written in Word or WPS: its text is kept as written and the "
            "figures in {{ }} come from the tables. Old .doc files, .dotx templates, broken files and oversized ones "
            "(zip bombs) are not read; the template file itself is never changed.",
        },
    ),
    _c(
        "R511",
        "template-not-one-figure",
        E,
        {"zh": "{{{{ {name} }}}} {problem}", "en": "{{{{ {name} }}}} {problem}"},
        {
            "zh": "{{{{ }}}} 里写表中一个栏目的名称：行名和列名用“.”连接，如 {{{{ 予以公开.总计 }}}}；"
            "表格单独成段写 {{{{ 表三 }}}}。",
            "en": "inside {{{{ }}}} name one cell of the table, its row and column joined by '.', e.g. "
            "{{{{ 予以公开.总计 }}}}; a table stands alone in its paragraph as {{{{ 表三 }}}}.",
        },
        {
            "zh": "模板中的 {{ }} 要对应表中的一个数：名称对应多个栏目（如只写“总计”）、只写了行名，"
            "或在数字的位置写了一张表，都无法确定要印哪个数。行标题加列名（如“不予公开.总计”）表示该标题下各行之和。",
            "en": "A {{ }} in a template must stand for one figure: a name that fits several cells (总计 alone), a "
            "row without its column, or a table where a figure is wanted leave the figure open. A row heading with "
            "a column (不予公开.总计) is the sum of the rows under it.",
        },
    ),
    _c(
        "R512",
        "template-table-placement",
        E,
        {
            "zh": "表格 {{{{ {name} }}}} 放的位置不对：{problem}",
            "en": "the table {{{{ {name} }}}} is misplaced: {problem}",
        },
        {
            "zh": "把 {{{{ {name} }}}} 单独放在正文的一段里（前后不写别的字）。",
            "en": "put {{{{ {name} }}}} in a paragraph of the body on its own (nothing else in that paragraph).",
        },
        {
            "zh": "表格占位 {{ 表三 }} 所在的整段会换成统计表，所以它要单独成段，且在正文中，不能在 Word 表格、"
            "文本框、页眉或页脚里。",
            "en": "The paragraph holding a table marker such as {{ 表三 }} is replaced by the table, so the marker "
            "stands alone in a paragraph of the body, not in a Word table, a text box, a header or a footer.",
        },
    ),
    _c(
        "R513",
        "template-prompt-left",
        W,
        {"zh": "模板中还有待填写的提示：{prompt}", "en": "the template still holds a prompt to write: {prompt}"},
        {
            "zh": "在 Word 或 WPS 中把这段提示换成本机关的文字。",
            "en": "replace the prompt with your agency's own text in Word or WPS.",
        },
        {
            "zh": "baobiao new 生成的模板用黄色的【待填写：…】标出要写的内容；报告发布前应全部换成本机关的文字。",
            "en": "Templates made by `baobiao new` mark what to write in yellow 【待填写：…】 prompts; each should be "
            "replaced by the agency's own text before the report is published.",
        },
    ),
    _c(
        "R514",
        "template-table-not-placed",
        W,
        {
            "zh": "模板没有放置{tables}，已附在报告末尾",
            "en": "the template does not place {tables}: appended at the end of the report",
        },
        {
            "zh": "在该表所属的标题下单独写一段 {{{{ {example} }}}}。",
            "en": "write {{{{ {example} }}}} as a paragraph of its own under the table's heading.",
        },
        {
            "zh": "年度报告要有表式的全部统计表；模板没有放置的表格附在报告末尾，不会漏掉。",
            "en": "A report holds every table of its form; a table the template does not place is appended at the "
            "end, never left out.",
        },
    ),
    _c(
        "R515",
        "template-label-slip",
        W,
        {
            "zh": "{{{{ {name} }}}} 按表中的“{read_as}”读取（{how}）",
            "en": "{{{{ {name} }}}} was read as '{read_as}' ({how})",
        },
        {
            "zh": "名称与印刷表格不完全一致，只有这一栏相符；请核对并改成表中的名称。",
            "en": "the name differs from the printed form and only this cell fits; check it and use the printed label.",
        },
        {
            "zh": "模板中的名称按数据文件的规则与表格对照：写得短些（本年新收）、不写编号都可以；有错别字、繁体字或用了"
            "以前表式的名称时，只有一个栏目相符就按它读取，并给出本警告。",
            "en": "Names in a template are matched as data files' keys are: shorter (本年新收) or without numbering is "
            "fine; with a typo, in traditional script or in an earlier form's wording, a name that fits exactly one "
            "cell is read as that cell, with this warning.",
        },
    ),
    _c(
        "R518",
        "render-worker-died",
        E,
        {
            "zh": "生成 {path} 报告的工作进程意外退出（{cause}），这份报告没有写出",
            "en": "the worker process rendering {path} ended unexpectedly ({cause}); its report was not written",
        },
        {
            "zh": "单独生成这份报告（baobiao render 表式 文件 --jobs 1）。进程被 SIGKILL 终止多半是内存不足，"
            "可以减少同时工作的进程（--jobs）。",
            "en": "render this file alone (baobiao render SPEC FILE --jobs 1). A process killed by SIGKILL has most "
            "often run out of memory: use fewer worker processes (--jobs).",
        },
        {
            "zh": "生成多份报告时，数据文件分给几个工作进程（--jobs），每个进程一次生成一份。一个进程在生成某份报告时意外"
            "退出（被操作系统终止、内存不足）时，这个文件给出本错误，由新的进程接着生成其余的报告，不会卡住，也不会漏掉文件。",
            "en": "Many data files are shared among worker processes (--jobs), each rendering one file at a time. When "
            "a worker ends unexpectedly on a file (stopped by the system, out of memory), that file gets this error and "
            "a new worker renders the rest: nothing hangs and no file is left out.",
        },
    ),
    # -- charts (report/charts.py) ------------------------------------------------------------------
    _c(
        "R516",
        "chart-left-out",
        W,
        {"zh": "没有画图表{charts}：{reason}", "en": "charts left out, {charts}: {reason}"},
        {"zh": "{hint}", "en": "{hint}"},
        {
            "zh": "render --charts 在统计表后面加上图表（按申请人类型的新收申请、办理结果，有 --previous 时与上年对比），"
            "由 matplotlib 用中文字体绘制。没有安装 matplotlib（pip install 'baobiao[charts]'）、没有能显示这些中文的字体，"
            "或者数据里没有图表要画的数字（与上年对比要有上年的数据）时，这个图表不画，报告的其余部分照常生成。图表绝不会"
            "用方框代替缺字。",
            "en": "render --charts adds charts after the tables (applications received by applicant type, the results of "
            "handling, and, with --previous, both against last year), drawn by matplotlib in a Chinese font. Without "
            "matplotlib (pip install 'baobiao[charts]'), without a font that holds the characters, or without the "
            "figures a chart shows (last year's, for a chart against last year), that chart is left out and the rest "
            "of the report is written as usual. A chart is never drawn with boxes for missing characters.",
        },
    ),
    _c(
        "R517",
        "chart-font-fallback",
        W,
        {
            "zh": "图表用字体 {family}（{path}）排印：没有找到常用的中文字体（{families} 等）",
            "en": "the charts are set in {family} ({path}): none of the usual Chinese fonts ({families}, …) is installed",
        },
        {
            "zh": "这个字体有图表里的全部汉字，但字形可能与报告不协调；安装常用的中文字体（Debian/Ubuntu：apt-get install "
            "fonts-noto-cjk）后重新生成。",
            "en": "this font holds every character of the charts but may look out of place in the report; install a "
            "usual Chinese font (Debian/Ubuntu: apt-get install fonts-noto-cjk) and render again.",
        },
        {
            "zh": "图表按顺序选用已安装的常用中文字体（思源黑体/Noto Sans CJK SC、文泉驿、微软雅黑、黑体……），并确认字体里有"
            "图表要写的每个字。一个也没有时，改用其他已安装、有这些字的字体，并给出本警告。",
            "en": "Charts are set in the first installed of the usual Chinese fonts (Noto Sans CJK SC / Source Han Sans, "
            "WenQuanYi, Microsoft YaHei, SimHei, …) that holds every character they draw. When none is installed, "
            "another installed font holding the characters is used, with this warning.",
        },
    ),
    _c(
        "D319",
        "table-not-in-workbook",
        E,
        {
            "zh": "工作簿里找不到表格“{table}”（工作表 {sheet}）",
            "en": "the workbook has no table '{table}' (sheet {sheet})",
        },
        {
            "zh": "用 baobiao workbook 生成的工作簿填写；工作表可以改名，但表格的标题、行名和列名要保留。",
            "en": "fill in a workbook made by `baobiao workbook`; sheets may be renamed, but keep the tables' titles and labels.",
        },
        {
            "zh": "读工作簿时按印刷的行名和列名找单元格，所以挪动列、插入空行都不要紧。",
            "en": "Cells are found by their printed labels, so moved columns and inserted rows do not matter.",
        },
    ),
    _c(
        "D320",
        "bad-workbook",
        E,
        {"zh": "无法读取工作簿 {path}：{problem}", "en": "cannot read the workbook {path}: {problem}"},
        {"zh": "用 Excel 或 WPS 另存为 .xlsx 后再试。", "en": "save it again as .xlsx in Excel or WPS."},
        {
            "zh": "只接受 .xlsx 工作簿；过大的（压缩炸弹）和损坏的文件不予读取。",
            "en": "Only .xlsx workbooks are read; oversized (zip bombs) and broken files are refused.",
        },
    ),
    _c(
        "D321",
        "bad-csv",
        E,
        {"zh": "CSV 有误：{problem}", "en": "the CSV is wrong: {problem}"},
        {
            "zh": "每行四列：机关,行,列,值（UTF-8 编码，第一行是表头）；同一机关的行放在一起。",
            "en": "four fields a line: agency,row,column,value (UTF-8, a header first); keep an agency's lines together.",
        },
        {
            "zh": "多个机关的长表 CSV，见 docs/data-files.md。",
            "en": "A long CSV of many agencies; see docs/data-files.md.",
        },
    ),
    # -- check ------------------------------------------------------------------------------------
    _c(
        "C401",
        "sum-mismatch",
        E,
        {
            "zh": "{parent} 应等于 {count} 项之和：报告值 {reported}，各项合计 {computed}，相差 {difference}",
            "en": "{parent} should equal the sum of its {count} parts: reported {reported}, parts add up to {computed}, difference {difference}",
        },
        {
            "zh": "核对总数和各组成栏目，其中至少有一个数有误。",
            "en": "check the total and its parts: at least one of them is wrong.",
        },
        {
            "zh": "总栏目数应等于各子栏目数之和（表注：各子栏目数总数要等于总栏目数量）。",
            "en": "A total equals the sum of its parts, as the form's note says.",
        },
    ),
    _c(
        "C402",
        "part-exceeds-whole",
        E,
        {
            "zh": "“其中”项 {part}（{part_value}）大于 {parent}（{parent_value}），超出 {difference}",
            "en": "the 其中 item {part} ({part_value}) exceeds {parent} ({parent_value}) by {difference}",
        },
        {
            "zh": "“其中”项是总数的一部分，不能比总数大。",
            "en": "a 其中 item is part of its total and cannot exceed it.",
        },
        {
            "zh": "“其中”栏目只统计上级的一部分，所以不大于上级。",
            "en": "A 其中 item counts a part of its parent, so it is at most the parent.",
        },
    ),
    _c(
        "C403",
        "rule-violated",
        E,
        {
            "zh": "不符合规则 {rule_id}：{description}。左边 {left}，右边 {right}，相差 {difference}",
            "en": "rule {rule_id} does not hold: {description}. left {left}, right {right}, difference {difference}",
        },
        {"zh": "{terms}", "en": "{terms}"},
        {"zh": "表式中命名的规则（等式或不等式）不成立。", "en": "A named rule of the form does not hold."},
    ),
    _c(
        "C404",
        "missing-value",
        E,
        {"zh": "“{label}”没有填写{how}", "en": "'{label}' has no value{how}"},
        {
            "zh": "{implied}没有发生的事项填 0；空白不等于 0。",
            "en": "{implied}write 0 for nothing; a blank is not a zero.",
        },
        {
            "zh": "统计表每个数值栏都要填写，空白、-、/、—、无 都视为未填写。",
            "en": "Every value cell must be filled; blank, -, /, —, 无 count as missing.",
        },
    ),
    _c(
        "C405",
        "not-checkable",
        W,
        {
            "zh": "无法检查 {rule_id}（{description}）：{blank} 没有有效数值",
            "en": "cannot check {rule_id} ({description}): {blank} has no usable value",
        },
        {"zh": "{decide}填写这些栏目后再检查。", "en": "{decide}fill in these cells and check again."},
        {
            "zh": "规则用到的栏目空白或无法识别时，先看已知各栏能否决定它（计数不能为负）：已经决定的照常报告；"
            "只有已知各栏决定不了的规则才报告为无法检查，并说明空白栏填什么时成立。这本身也要报告，而不是悄悄跳过。",
            "en": "A rule over a blank or unreadable cell cannot be evaluated; that is reported, never skipped.",
        },
    ),
    _c(
        "C406",
        "negative-value",
        E,
        {"zh": "“{label}”不能为负数：{value}", "en": "'{label}' may not be negative: {value}"},
        {"zh": "这一栏只能填 0 或正数。", "en": "this item takes zero or a positive number."},
        {
            "zh": "统计数默认是非负数；表式可以声明 signed 允许负数（如“本年增/减”）。",
            "en": "Counts are non-negative unless the spec declares the item signed.",
        },
    ),
    _c(
        "C407",
        "not-an-integer",
        E,
        {"zh": "“{label}”应为整数：{value}", "en": "'{label}' must be a whole number: {value}"},
        {"zh": "这一栏以 {unit} 计，只能是整数。", "en": "this item is counted in {unit} and takes whole numbers."},
        {
            "zh": "计数栏目只能是整数；表式用 decimal(N) 声明可带小数的栏目。",
            "en": "Count items are integers; the spec declares decimal(N) items.",
        },
    ),
    _c(
        "C408",
        "too-many-decimals",
        E,
        {
            "zh": "“{label}”最多 {places} 位小数：{value}",
            "en": "'{label}' takes at most {places} decimal places: {value}",
        },
        {"zh": "按 {unit} 四舍五入到 {places} 位小数。", "en": "round to {places} decimal places of {unit}."},
        {"zh": "金额等栏目的小数位数由表式规定。", "en": "The spec fixes the decimal places of money items."},
    ),
]

CODES: dict[str, CodeInfo] = {c.code: c for c in _ALL}
BY_NAME: dict[str, CodeInfo] = {c.name: c for c in _ALL}

#: Short phrases for secondary labels and human-output headings.
PHRASES: dict[str, Text] = {
    "first-defined": {"zh": "第一次定义在这里", "en": "first defined here"},
    "defined-in-base": {"zh": "所继承的表式已在这里定义", "en": "already defined here, in the form extended"},
    "rule-declared": {"zh": "规则在这里定义", "en": "rule declared here"},
    "part-here": {"zh": "组成部分 {label} = {value}", "en": "part {label} = {value}"},
    "given-here": {"zh": "已在这里给出", "en": "given here"},
    "cells": {"zh": "涉及栏目", "en": "cells"},
    "same-cause": {"zh": "同一栏目引起的另外 {count} 条", "en": "{count} more caused by the same cell"},
    "hint": {"zh": "提示", "en": "hint"},
    "error": {"zh": "错误", "en": "error"},
    "warning": {"zh": "警告", "en": "warning"},
    "note": {"zh": "说明", "en": "note"},
    "summary": {
        "zh": "{path}：{errors} 个错误，{warnings} 个警告",
        "en": "{path}: {errors} error(s), {warnings} warning(s)",
    },
    "clean": {"zh": "{path}：通过校验", "en": "{path}: no problems found"},
    "not-checked": {
        "zh": "  （没有上年数据，{count} 条跨年度规则或正文的同比说法未检查；用 --previous 给出上年数据文件）",
        "en": "  ({count} cross-year rule(s) or year-on-year statement(s) not checked: give last year's data with "
        "--previous)",
    },
    "batch-not-checked": {
        "zh": "  （{count} 条规则未在批量中检查：它们依据机关层级（when level）或上年数据，长表 CSV 中没有；"
        "逐个数据文件 check 时检查：{rules}）",
        "en": "  ({count} rule(s) not checked in a batch: they depend on the agency's level (when level) or on last "
        "year's data, which a long CSV does not carry; `check` of each agency's data file checks them: {rules})",
    },
    "total": {
        "zh": "共 {files} 个文件，{failed} 个有错误；合计 {errors} 个错误，{warnings} 个警告",
        "en": "{files} files, {failed} with errors; {errors} error(s), {warnings} warning(s) in all",
    },
}


#: topics ``baobiao explain`` describes besides codes
TOPICS: dict[str, Text] = {
    "terms": {
        "zh": """正文与统计表的核对（术语 term）

表式用 term 声明报告正文陈述表中数字时的说法，例如
    term "收到…申请", "受理…申请", "新收…申请" 件 = new.total
      not "咨询", "复议"
几种说法用逗号隔开，“…”处可隔几个字；not 后的词出现在同一分句时说的是别的类别，不核对。
part 是说到该术语的句子里指它一部分的词（行政复议……其中维持 5 件），all 是说它全部是那一部分的词（均获维持）。
矩阵表的一行标题写作 行.列（如 refused.total），指其下各行之和。

check 读出正文的这几类说法并与表核对：
  数字（C411）   “受理政府信息公开申请17件”：约、近、余、左右、以上、1.2万 按范围核对；
  合计（C415）   “予以公开40件、部分公开12件……共57件”：所列各项之和应等于所说的合计；
  比例（C416）   “占42.1%”“占收到申请总数的…”：按表中分子、分母计算，允许最后一位相差不到 1；
  同比（C417）   “同比增长18.75%”“较上年增加15件”“与上年持平”：用 --previous 的上年数据核对；
  定性（C418）   “未发生行政复议”“行政诉讼为零”“均获维持”：表中相应各栏应为 0。
表中需要的栏目空白时，按已知各栏和表式规则推出范围核对；仍不能判断时给出说明（C419）。

给省级变体添加术语：在继承国家格式的表式里写 term 行即可（与 rule 一样写在顶层或某个 section 里），
删去的栏目所涉及的术语随之删去。用 baobiao explain terms --form 表式名 查看某个表式的全部术语。""",
        "en": """The report's text against its tables (terms)

A form declares with `term` how report text states the table's figures, e.g.
    term "收到…申请", "受理…申请", "新收…申请" 件 = new.total
      not "咨询", "复议"
Wordings are separated by commas; "…" may hold a few characters; `not` words in the same clause mean
another category (no check there). `part` words name a part of the term in a sentence about it
(行政复议……其中维持 5 件); `all` words say all of it is that part (均获维持). A matrix row heading
written row.column (refused.total) stands for the sum of the rows under it.

check reads these claims from the text and decides them against the tables:
  figures (C411)     受理政府信息公开申请17件; 约, 近, 余, 左右, 以上 and 1.2万 are ranges;
  sums (C415)        予以公开40件、部分公开12件……共57件: the parts listed add up to the total stated;
  shares (C416)      占42.1%, 占收到申请总数的…: from the table, within one unit of the last digit;
  changes (C417)     同比增长18.75%, 较上年增加15件, 与上年持平: against --previous data;
  statements (C418)  未发生行政复议, 行政诉讼为零, 均获维持: the cells concerned must be 0.
When cells a claim needs are blank, the range the known cells and the rules allow decides it; when
it cannot, a note says so (C419).

To add a term to a provincial variant, write a `term` line in the spec that extends the national
form (at the top level or in a section, like a rule); terms naming removed cells go with them.
`baobiao explain terms --form NAME` lists a form's terms.""",
    }
}


def lookup(code_or_name: str) -> CodeInfo | None:
    key = code_or_name.strip()
    return CODES.get(key.upper()) or BY_NAME.get(key.lower())
