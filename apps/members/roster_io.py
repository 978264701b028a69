"""Roster files: import (.xlsx, or .csv in UTF-8 or GBK, with or without BOM) with a
preview, the template, and the export of a filtered list.

The import reads the file into plain rows (strings only, so they can wait as JSON
between the preview and the confirmation, see `import_store`), validates each row with
the same form rules as the staff pages, and saves every row in one transaction only
when none has an error. Rows match existing members by the stable key (term, member
number): importing the same file twice changes nothing; an edited file updates the
members in place.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from apps.core.numbers import is_number
from apps.core.spreadsheets import Sheet, mark_as_text, workbook_bytes

from .models import Member, Sector
from .personal import PERSONAL_FIELDS, export_value

# The file format: (form field, header). The headers are the interchange format that
# the office's spreadsheets use, so they are fixed Chinese text, not translated.
COLUMNS: list[tuple[str, str]] = [
    ("term", "届次"),
    ("member_no", "委员编号"),
    ("name", "姓名"),
    ("gender", "性别"),
    ("ethnicity", "民族"),
    ("birth_date", "出生日期"),
    ("sector", "界别"),
    ("affiliation", "政治面貌"),
    ("is_standing", "是否常委"),
    ("work_unit", "工作单位"),
    ("title", "职务"),
    ("phone", "手机号码"),
    ("email", "电子邮箱"),
    ("address", "通讯地址"),
    ("joined_on", "任职日期"),
]
REQUIRED = {"member_no", "name", "gender", "sector", "affiliation"}
EXPORT_EXTRA: list[tuple[str, str]] = [("status", "状态"), ("left_on", "离任日期")]
HEADER_TO_FIELD = {header: name for name, header in COLUMNS}
# Written by Member.save() from the name (see `roster_import`).
PINYIN_FIELDS = ("name_pinyin", "name_initials", "pinyin_locked")
FIELD_TO_HEADER = dict([*COLUMNS, *EXPORT_EXTRA])

GENDERS = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
GENDER_TEXT = {"M": "男", "F": "女"}
AFFILIATION_TEXT: dict[str, str] = {
    Member.Affiliation.CPC: "中共党员",
    Member.Affiliation.DEMOCRATIC_PARTY: "民主党派",
    Member.Affiliation.NON_PARTY: "无党派人士",
}
DEMOCRATIC_PARTIES = ("民革", "民盟", "民建", "民进", "农工", "致公", "九三", "台盟", "民主党派")
YES = {"是", "y", "yes", "true", "1", "√", "常委"}
NO = {"否", "n", "no", "false", "0", ""}
STATUS_TEXT: dict[str, str] = {Member.Status.ACTIVE: "在任", Member.Status.ARCHIVED: "已归档"}
# The template's example row says so in its member-number cell; the reader skips it.
EXAMPLE_MARK = "示例"
# What the .xlsx reader puts in place of a formula cell (an .xlsx cell never holds NUL).
FORMULA = "\x00formula"
# The header row is looked for among the first rows of a file (an export's title above).
HEADER_SEARCH_ROWS = 5
# Rows saved per INSERT/UPDATE statement.
SAVE_BATCH = 500


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, headers, size)."""


# --- reading -----------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).strip()


UTF8_BOM = b"\xef\xbb\xbf"


def decode_csv(data: bytes) -> str:
    """UTF-8 first, then GBK (read as GB18030, its superset), with or without the UTF-8
    mark (BOM) in front: some Excel and WPS versions write the mark before GBK text.
    Anything else is an ImportFileError that names the encodings read."""
    body = data.removeprefix(UTF8_BOM)
    for encoding in ("utf-8", "gb18030"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    if data.startswith(UTF8_BOM):
        raise ImportFileError(
            _(
                "The CSV file starts with the UTF-8 mark (BOM), but its text is neither "
                "UTF-8 nor GBK. Save it again as “CSV UTF-8” or as .xlsx."
            )
        )
    raise ImportFileError(_("The CSV file is neither UTF-8 nor GBK text."))


def _table_rows(filename: str, data: bytes) -> list[list[str]]:
    if filename.lower().endswith(".csv"):
        text = decode_csv(data)
        try:
            return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
        except csv.Error:
            raise ImportFileError(_("The CSV file is damaged and cannot be read.")) from None
    if filename.lower().endswith(".xlsx"):
        try:
            # Not data_only: a formula cell is seen as one (and refused on its row)
            # rather than read as the value it had when last saved, or as a blank.
            workbook = load_workbook(io.BytesIO(data), read_only=True)
        except Exception:  # openpyxl raises many kinds on a damaged or foreign file
            raise ImportFileError(_("The file is not a readable .xlsx workbook.")) from None
        try:
            sheet = workbook.worksheets[0]
            limit = settings.MEMBER_IMPORT_MAX_ROWS + 2
            rows = []
            for row in sheet.iter_rows():
                rows.append(
                    [
                        FORMULA if getattr(c, "data_type", None) == "f" else _cell_text(c.value)
                        for c in row
                    ]
                )
                if len(rows) > limit:
                    break
            return rows
        except Exception:  # a damaged sheet fails while it streams
            raise ImportFileError(_("The file is not a readable .xlsx workbook.")) from None
        finally:
            workbook.close()
    raise ImportFileError(_("Upload an .xlsx or .csv file."))


@dataclass
class RawRow:
    line: int  # the line in the spreadsheet, for the messages
    values: dict[str, str]
    formulas: list[str] = field(default_factory=list)  # fields whose cell is a formula


@dataclass
class RosterFile:
    rows: list[RawRow]
    example_lines: list[int]  # the template's example rows, skipped


def read_roster(filename: str, data: bytes) -> list[RawRow]:
    """The file's rows as {field: text}; raises ImportFileError for the whole file."""
    return read_roster_file(filename, data).rows


def read_roster_file(filename: str, data: bytes) -> RosterFile:
    """The file's rows as {field: text}, without the template's example rows (member
    number 示例); raises ImportFileError for the whole file."""
    table = _table_rows(filename, data)
    first = next((i for i, row in enumerate(table) if any(row)), None)
    if first is None:
        raise ImportFileError(_("The file is empty."))
    # The header row: the first row naming one of the headers, among the first few (an
    # export has its title row above it); else the first non-empty row, as before.
    header_index = next(
        (
            i
            for i, row in enumerate(table[first : first + HEADER_SEARCH_ROWS], start=first)
            if any(re.sub(r"[\s*＊]", "", cell) in HEADER_TO_FIELD for cell in row)
        ),
        first,
    )
    headers = [re.sub(r"[\s*＊]", "", h) for h in table[header_index]]
    positions = {HEADER_TO_FIELD[h]: i for i, h in enumerate(headers) if h in HEADER_TO_FIELD}
    missing = [FIELD_TO_HEADER[f] for f, _h in COLUMNS if f in REQUIRED and f not in positions]
    if missing:
        raise ImportFileError(
            _("Columns missing from the header row: %(columns)s. Use the template.")
            % {"columns": "、".join(missing)}
        )
    rows = []
    examples = []
    for offset, row in enumerate(table[header_index + 1 :], start=header_index + 2):
        if not any(cell for cell in row):
            continue
        values = {
            name: (row[pos] if pos < len(row) else "").strip() for name, pos in positions.items()
        }
        formulas = [name for name, value in values.items() if value == FORMULA]
        for name in formulas:
            values[name] = ""
        if values["member_no"] == EXAMPLE_MARK:
            examples.append(offset)
            continue
        rows.append(RawRow(line=offset, values=values, formulas=formulas))
    if not rows and examples:
        raise ImportFileError(
            _(
                "The file has only the template's example row (member number “%(mark)s”), "
                "which is never imported: enter the members below it, or in its place."
            )
            % {"mark": EXAMPLE_MARK}
        )
    if not rows:
        raise ImportFileError(_("The file has a header row but no members."))
    if len(rows) > settings.MEMBER_IMPORT_MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(n)s rows; split it.")
            % {"n": settings.MEMBER_IMPORT_MAX_ROWS}
        )
    return RosterFile(rows, examples)


# --- validating --------------------------------------------------------------------------


def _parse_date(text: str) -> str:
    """ "1970-1-2", "1970/01/02", "1970.1.2", "1970年1月2日", "19700102" → "1970-01-02";
    anything else is passed on for the form to refuse."""
    text = text.strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?: 00:00:00)?", text)
    if not match:
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match:
        try:
            return datetime.date(*map(int, match.groups())).isoformat()
        except ValueError:
            return text
    return text


def _affiliation(text: str) -> str:
    text = text.strip()
    if text in {"中共党员", "中共", "中共预备党员", "党员", "cpc"}:
        return Member.Affiliation.CPC
    if text in {"无党派人士", "无党派", "群众", "non_party"}:
        return Member.Affiliation.NON_PARTY
    if text == "democratic" or any(text.startswith(p) for p in DEMOCRATIC_PARTIES):
        return Member.Affiliation.DEMOCRATIC_PARTY
    return text  # refused by the form's choices


def _form_data(values: dict[str, str], sectors: dict[str, Sector]) -> dict[str, str]:
    data = {name: values.get(name, "") for name, _h in COLUMNS}
    data["term"] = _term(data["term"])
    data["gender"] = GENDERS.get(data["gender"].lower(), data["gender"])
    data["affiliation"] = _affiliation(data["affiliation"])
    sector = sectors.get(data["sector"])
    data["sector"] = str(sector.pk) if sector else ""
    standing = data["is_standing"].lower()
    data["is_standing"] = "on" if standing in YES else ""
    for name in ("birth_date", "joined_on"):
        data[name] = _parse_date(data[name])
    data["ethnicity"] = data["ethnicity"] or "汉族"
    return data


@dataclass
class RowResult:
    line: int
    values: dict[str, str]
    status: str  # new | update | unchanged | error
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    form: Any = None

    @property
    def is_error(self) -> bool:
        return self.status == "error"

    @property
    def cells(self) -> list[str]:
        return [self.values.get(name, "") for name, _h in COLUMNS]

    @property
    def order(self) -> tuple[int, int]:
        """Errors first, then the rows that change the roster, then the unchanged."""
        return ({"error": 0, "new": 1, "update": 1}.get(self.status, 2), self.line)

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "values": self.values,
            "status": self.status,
            "errors": self.errors,
            "changes": self.changes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RowResult:
        return cls(
            int(data["line"]),
            {str(k): str(v) for k, v in data["values"].items()},
            str(data["status"]),
            [str(e) for e in data["errors"]],
            [str(c) for c in data["changes"]],
        )


def _messages(form, values: dict[str, str], sectors: dict[str, Sector]) -> list[str]:
    messages = []
    for name, errors in form.errors.items():
        for error in errors:
            if name == "__all__":
                messages.append(str(error))
                continue
            header = FIELD_TO_HEADER.get(name, name)
            if name == "sector" and values.get("sector") and values["sector"] not in sectors:
                error = _("no sector named “%(name)s”") % {"name": values["sector"]}
            messages.append(f"{header}：{error}")
    return messages


def _term(text: str) -> str:
    return (text or str(settings.CURRENT_TERM)).removeprefix("第").removesuffix("届").strip()


def _same_person(form, line: int, people: dict[tuple, int]) -> list[str]:
    """The staff form's duplicate rule within the file: a row whose (term, name, mobile
    number) or (term, name, date of birth) an earlier row has is the same person again.
    `people` remembers each row's keys."""
    term, name = form.effective("term"), form.effective("name", "")
    if not (term and name):
        return []
    keys = [
        (("phone", term, name, form.effective("phone", "")), FIELD_TO_HEADER["phone"]),
        (("birth_date", term, name, form.effective("birth_date")), FIELD_TO_HEADER["birth_date"]),
    ]
    errors: list[str] = []
    for key, header in keys:
        if not key[-1]:
            continue
        first = people.setdefault(key, line)
        if first != line and not errors:
            errors.append(
                _(
                    "%(name)s is the same person as on line %(line)s (the same name and "
                    "%(column)s): a member cannot be entered twice."
                )
                % {"name": name, "line": first, "column": header}
            )
    return errors


class _SharedFields(dict):
    """Form fields that each form shares instead of copying (see `_row_form_class`)."""

    def __deepcopy__(self, memo):
        return dict(self)


@functools.cache
def _row_form_class() -> type[Any]:
    """MemberImportForm as the import runs it once per row, at half the cost: the
    work Django does per form that is the same for every row is done once.

    - The fields are shared by every row's form instead of deep-copied for each (a
      third of the time: every choice list and queryset copied 10,000 times). Safe
      here: these forms are never rendered, and validating reads a field, never
      changes it; a form that adds or drops a field does so in its own dict.
    - The model's check constraints that name a field the form leaves out are not
      evaluated: Django builds a query for each such constraint and then skips it
      (FieldError), about a millisecond a row. The others are checked as usual.
    """
    from .forms import MemberImportForm

    applicable: dict[tuple[type, frozenset[str]], list] = {}

    class RowForm(MemberImportForm):
        def _post_clean(self):
            instance = self.instance
            key = (type(instance), frozenset(self._get_validation_exclusions()))
            if key not in applicable:
                applicable[key] = [
                    (model, [c for c in constraints if not _names_any(c, key[1])])
                    for model, constraints in type(instance).get_constraints(instance)
                ]
            instance.get_constraints = lambda: applicable[key]
            try:
                super()._post_clean()
            finally:
                del instance.get_constraints

    RowForm.base_fields = _SharedFields(RowForm.base_fields)
    return RowForm


def _names_any(constraint, fields: frozenset[str]) -> bool:
    if not isinstance(constraint, models.CheckConstraint):
        return False
    return bool(Q(constraint.condition).referenced_base_fields & fields)


def validate_roster(rows: list[RawRow]) -> list[RowResult]:
    """Each row validated like the staff form. Three queries for the whole file (sectors,
    existing members, possible duplicates by name), none per row."""
    from .forms import ImportLookups

    row_form = _row_form_class()
    terms = {int(t) for t in (_term(r.values.get("term", "")) for r in rows) if is_number(t)}
    lookups = ImportLookups(
        terms=terms,
        member_nos={r.values.get("member_no", "").strip() for r in rows},
        names={re.sub(r"\s+", "", r.values.get("name", "")) for r in rows},
    )
    seen: dict[tuple[str, str], int] = {}
    people: dict[tuple, int] = {}
    results = []
    for row in rows:
        data = _form_data(row.values, lookups.sectors_by_name)
        key = (data["term"], data["member_no"].strip())
        instance = lookups.members.get((int(key[0]), key[1])) if is_number(key[0]) else None
        form = row_form(data, instance=instance, lookups=lookups, columns=row.values.keys())
        valid = form.is_valid()
        errors = _messages(form, row.values, lookups.sectors_by_name) if not valid else []
        if key[1] and key in seen:
            errors.append(
                _("Member number %(no)s appears again (first on line %(line)s).")
                % {"no": key[1], "line": seen[key]}
            )
        elif not form.non_field_errors():  # not already a duplicate of a stored member
            errors.extend(_same_person(form, row.line, people))
        seen.setdefault(key, row.line)
        if row.formulas:
            formula = _("formula cell not imported; paste it as a value")
            errors.extend(f"{FIELD_TO_HEADER.get(name, name)}：{formula}" for name in row.formulas)
        if errors:
            results.append(RowResult(row.line, row.values, "error", errors))
        elif instance is None:
            results.append(RowResult(row.line, row.values, "new", form=form))
        elif form.has_changed():
            changes = [FIELD_TO_HEADER.get(n, n) for n in form.changed_data]
            results.append(RowResult(row.line, row.values, "update", changes=changes, form=form))
        else:
            results.append(RowResult(row.line, row.values, "unchanged", form=form))
    return results


@dataclass
class ImportSummary:
    created: int
    updated: int
    unchanged: int


class ImportHasErrors(Exception):
    def __init__(self, results: list[RowResult]):
        super().__init__("roster rows with errors")
        self.results = results


@transaction.atomic
def roster_import(rows: list[RawRow], *, user=None) -> ImportSummary:
    """Validate again (the roster may have changed since the preview) and save every
    new or changed row in one transaction; any error row saves nothing. Saved in
    batches of SAVE_BATCH rows, each with its history record (`user` as the author):
    a few dozen statements for 10,000 rows instead of two per row."""
    results = validate_roster(rows)
    if any(r.is_error for r in results):
        raise ImportHasErrors(results)
    counts = {"new": 0, "update": 0, "unchanged": 0}
    created: list[Member] = []
    updated: list[Member] = []
    fields: set[str] = set()
    for result in results:
        counts[result.status] += 1
        if result.status in {"new", "update"}:
            member = result.form.save(commit=False)
            # Member.save() with nothing to write runs the model's own preparation
            # (pinyin, initials) and returns before any query or signal; the rows are
            # then written in bulk below.
            member.save(update_fields=())
            if result.status == "new":
                created.append(member)
            else:
                updated.append(member)
                fields.update(result.form.fields)
    if created:
        bulk_create_with_history(created, Member, batch_size=SAVE_BATCH, default_user=user)
    if updated:
        fields.update(PINYIN_FIELDS)
        fields.discard("id")
        bulk_update_with_history(
            updated, Member, sorted(fields), batch_size=SAVE_BATCH, default_user=user
        )
    return ImportSummary(counts["new"], counts["update"], counts["unchanged"])


# --- writing -----------------------------------------------------------------------------


def write_cell(sheet, row: int, column: int, value: Any) -> None:
    """Write a value so that a spreadsheet shows it and never runs it."""
    mark_as_text(sheet.cell(row=row, column=column), value)


def _workbook(headers: list[str], title: str) -> tuple[Workbook, Worksheet]:
    workbook = Workbook()
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):  # a new workbook opens on its one worksheet
        raise TypeError(f"a new workbook's active sheet is a {type(sheet).__name__}")
    sheet.title = title
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="F2DCDB")
    for column, header in enumerate(headers, start=1):
        write_cell(sheet, 1, column, header)
        sheet.cell(row=1, column=column).font = bold
        sheet.cell(row=1, column=column).fill = fill
        sheet.column_dimensions[get_column_letter(column)].width = max(10, len(header) * 2 + 4)
    sheet.freeze_panes = "A2"
    return workbook, sheet


def template_xlsx() -> bytes:
    """The import template: the headers (required ones marked *) and one example row."""
    headers = [f"{h}*" if f in REQUIRED else h for f, h in COLUMNS]
    workbook, sheet = _workbook(headers, "委员名册")
    example = {
        "term": str(settings.CURRENT_TERM),
        "member_no": EXAMPLE_MARK,
        "name": "张三",
        "gender": "男",
        "ethnicity": "汉族",
        "birth_date": "1975-06-01",
        "sector": "经济界",
        "affiliation": "无党派人士",
        "is_standing": "否",
        "work_unit": "襄城县某某公司",
        "title": "总经理",
        "phone": "13800000000",
        "email": "",
        "address": "襄城县城关镇",
        "joined_on": "2021-12-01",
    }
    grey = Font(italic=True, color="808080")
    for column, (name, _h) in enumerate(COLUMNS, start=1):
        write_cell(sheet, 2, column, example[name])
        sheet.cell(row=2, column=column).font = grey
    notes = workbook.create_sheet("填写说明")
    lines = [
        f"带 * 的列必填；第 2 行是示例（委员编号为“{EXAMPLE_MARK}”），导入时自动跳过，"
        "可保留或删除；请从第 3 行起填写委员，或在示例行上改写并填入真实委员编号。",
        "委员编号在同一届内唯一，是导入时匹配已有委员的依据：编号相同则更新，不同则新增。",
        "更新已有委员时，文件中没有的列保留系统中的原值；列存在但单元格为空，则清空该项"
        "（民族为空时记为汉族）。只需更新部分信息时，可只保留必填列和要改的列。",
        "性别：男 / 女；政治面貌：中共党员 / 民主党派（或具体党派名称）/ 无党派人士。",
        "是否常委：是 / 否；日期格式：1975-06-01。界别须与系统中的界别名称一致。",
        "CSV 文件可用 UTF-8 或 GBK 编码保存。",
    ]
    for index, line in enumerate(lines, start=1):
        write_cell(notes, index, 1, line)
    notes.column_dimensions["A"].width = 90
    return workbook_bytes(workbook)


def export_row(member: Member, user=None) -> list[Any]:
    """One roster row; personal fields as `user` may export them (`personal.export_value`;
    no user: the values themselves, for the import's own round trip in tests)."""
    values = {
        "term": member.term,
        "member_no": member.member_no,
        "name": member.name,
        "gender": GENDER_TEXT.get(member.gender, member.gender),
        "ethnicity": member.ethnicity,
        "birth_date": member.birth_date,
        "sector": member.sector.name,
        "affiliation": AFFILIATION_TEXT.get(member.affiliation, member.affiliation),
        "is_standing": "是" if member.is_standing else "否",
        "work_unit": member.work_unit,
        "title": member.title,
        "phone": member.phone,
        "email": member.email,
        "address": member.address,
        "joined_on": member.joined_on,
        "status": STATUS_TEXT.get(member.status, member.status),
        "left_on": member.left_on,
    }
    if user is not None:
        for field in PERSONAL_FIELDS:
            values[field] = export_value(member, field, user)
    return [values[name] for name, _h in [*COLUMNS, *EXPORT_EXTRA]]


def export_sheet(members, *, user=None) -> Sheet:
    """The given members (an iterable; pass `with_related()`), one row each (dates as
    date cells), with the import's headers, so that an exported file (its title row and
    序号 column included: the reader skips both) can be imported again; personal fields
    masked unless `user` may see them (`export_row`)."""
    headers = [h for _f, h in [*COLUMNS, *EXPORT_EXTRA]]
    return Sheet("委员名册", headers, (export_row(member, user) for member in members))
