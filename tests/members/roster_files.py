"""Roster files for the import tests, made with openpyxl or csv."""

import csv
import io

from openpyxl import Workbook

HEADERS = ["届次", "委员编号", "姓名", "性别", "民族", "出生日期", "界别", "政治面貌", "是否常委",
           "工作单位", "职务", "手机号码"]  # fmt: skip

GOOD_ROWS = [
    ["11", "11-501", "张三", "男", "汉族", "1970-05-01", "经济界", "无党派人士", "否",
     "襄城县某公司", "总经理", "13800000001"],
    ["11", "11-502", "曾丽", "女", "回族", "1982/3/9", "民盟", "民盟盟员", "是",
     "襄城县高级中学", "教师", "13800000002"],
    ["11", "11-503", "单建国", "男", "汉族", "19751230", "中共", "中共党员", "否",
     "城关镇党委", "党委专职副书记", "13800000003"],
]  # fmt: skip


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8", headers=HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)
