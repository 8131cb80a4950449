"""Text renderers for the command line: how each reading command prints for a person."""

from __future__ import annotations

from typing import Any

from model.calc.allowance import describe
from model.calc.carbon import shown as carbon_shown
from model.common import formatting as fmt
from model.common.i18n import translate
from model.common.untrusted import fingerprint_groups, shown
from model.plan.coefficients import basis_label

OP_SIGNS = {">=": "≥", "<=": "≤", "=": "="}


def judged_words(judged: str) -> str:
    """How a task's quantitative target is judged, in words."""
    return {
        "elapsed": translate("cli", "按序时进度"),
        "level": translate("cli", "随时达到"),
        "year_end": translate("cli", "年末评价"),
    }[judged]


def plan_text(plan: Any, annex: int | None, unit_id: str | None) -> str:
    lines = [f"{plan.title}", f"{plan.issuer}  {plan.doc_number}  {plan.issued_on}", ""]
    if unit_id:
        unit = plan.unit(unit_id)
        lines.append(translate("cli", "{name}（{id}）的填报项：").format(name=unit.name, id=unit.id))
        for f in plan.fields_for(unit_id):
            req = translate("cli", "必填") if f.required else ""
            lines.append(f"  {f.key:<34} {f.label}  {f.unit}  {req}".rstrip())
        return "\n".join(lines)
    if annex in (None, 1):
        lines.append(translate("cli", "附件1 {title}").format(title=plan.annexes[1].title))
        for r1 in plan.annex1:
            resp = "、".join(plan.ref_label(x) for x in r1.responsible)
            lines.append(f"  {r1.id} [{r1.category}/{r1.area}] {r1.text}  —— {resp}")
    if annex in (None, 2):
        lines.append(translate("cli", "附件2 {title}").format(title=plan.annexes[2].title))
        for r2 in plan.annex2:
            lines.append(f"  {plan.unit(r2.unit).name:<16} {r2.target_pct:+.1f}%")
    if annex in (None, 3):
        lines.append(translate("cli", "附件3 {title}").format(title=plan.annexes[3].title))
        basis = plan.electricity_basis_for(3)
        lines.append(
            translate("cli", "  电力折标：{basis}{assumed}").format(
                basis=basis_label(basis.basis),
                assumed=translate("cli", "（假定，{note}）").format(note=basis.note) if basis.assumed else "",
            )
        )
        for r3 in plan.annex3:
            lines.append(
                f"  {plan.unit(r3.unit).name}  {r3.total_cap_wan_tce:g} 万吨标煤  "
                f"{r3.intensity_target:g} {r3.intensity_unit}"
            )
    if annex in (None, 4):
        lines.append(translate("cli", "附件4 {title}").format(title=plan.annexes[4].title))
        for r4 in plan.annex4:
            resp = "、".join(plan.ref_label(x) for x in r4.responsible)
            lines.append(f"  {r4.id} [{r4.area}] {r4.text}  —— {resp}")
            for _suffix, q in r4.quantities:
                whose = (
                    translate("cli", "全区目标，{lead}填报全区数值，其余单位填报贡献").format(
                        lead=plan.unit(r4.lead).name
                    )
                    if q.scope == "district"
                    else translate("cli", "各责任单位分别评价")
                )
                lines.append(
                    f"      {q.label} {OP_SIGNS[q.op]}{q.value:g}{q.unit}（{whose}；{judged_words(q.judged)}）"
                )
    return "\n".join(lines)


def progress_text(p: Any) -> str:
    lines = [
        translate("cli", "{unit}  {label}（序时进度 {elapsed}）").format(
            unit=p.unit_name, label=p.period_label, elapsed=fmt.pct(p.elapsed_pct)
        )
    ]
    a2 = p.annex2
    if a2:
        lines += [
            translate("cli", "附件2 规上工业单位产值能耗"),
            translate("cli", "  本年累计综合能耗 {e} 吨标准煤，上年同期 {el}").format(
                e=fmt.amount(a2.ytd_energy_tce), el=fmt.amount(a2.ytd_energy_tce_last_year)
            ),
            translate("cli", "  本年累计产值 {y} 万元，上年同期 {yl}").format(
                y=fmt.amount(a2.ytd_output_wan_yuan), yl=fmt.amount(a2.ytd_output_wan_yuan_last_year)
            ),
            translate("cli", "  单位产值能耗 {i} 吨标准煤/万元，上年同期 {il}").format(
                i=fmt.intensity(a2.ytd_intensity_tce_per_wan_yuan),
                il=fmt.intensity(a2.ytd_intensity_last_year_tce_per_wan_yuan),
            ),
            translate("cli", "  累计变化率 {r}，目标 {t}，完成率 {c}  【{colour}】").format(
                r=fmt.rate(a2.ytd_change_rate_pct),
                t=fmt.rate(a2.target_pct),
                c=fmt.pct(a2.completion_rate_pct),
                colour=a2.colour_label,
            ),
        ]
    a3 = p.annex3
    if a3:
        lines += [
            translate("cli", "附件3 能耗双控（{basis}；折标系数 {version}）").format(
                basis=a3.electricity_basis_line, version=a3.coefficient_version
            ),
            translate("cli", "  本年累计 {ytd} 吨标准煤，总量控制 {cap} 吨标准煤（已用 {used}）").format(
                ytd=fmt.amount(a3.ytd_tce), cap=fmt.amount(a3.cap_tce), used=fmt.pct(a3.cap_used_pct)
            ),
            translate("cli", "  预计全年 {proj} 吨标准煤（{method}）【{c}】").format(
                proj=fmt.amount(a3.projected_tce),
                method=a3.projection_method_label,
                c=a3_word(a3, a3.total_colour),
            ),
            translate("cli", "  能耗强度 {i}，目标 {t} {u}【{c}】；同比 {yoy}，要求 {yt}【{yc}】").format(
                i=fmt.intensity(a3.intensity),
                t=fmt.intensity(a3.intensity_target),
                u=a3.intensity_unit,
                c=a3_word(a3, a3.intensity_colour),
                yoy=fmt.rate(a3.intensity_yoy_change_pct),
                yt=fmt.rate(a3.intensity_yoy_target_pct),
                yc=a3_word(a3, a3.intensity_yoy_colour),
            ),
        ]
    allowance = (a2.allowance if a2 else None) or (a3.allowance if a3 else None)
    if a2 or a3:
        lines.append("  " + describe(allowance))
    carbon = p.carbon
    if carbon and not carbon.complete:
        lines.append(
            translate(
                "cli", "  碳排放：数据不全（分品种能耗有月份未填，累计碳排放暂不给出；排放因子 {v}）"
            ).format(v=carbon.factor_version)
        )
    elif carbon:
        lines.append(
            translate(
                "cli",
                "  碳排放：本年累计 {co2} 吨二氧化碳，上年同期 {co2l}，同比 {co2d}；碳强度 {i} {u}（排放因子 {v}）",
            ).format(**carbon_shown(carbon))
        )
    for title, rows in (
        (translate("cli", "附件1 主要指标"), p.annex1),
        (translate("cli", "附件4 重点任务"), p.annex4),
    ):
        if rows:
            lines.append(title)
        for r in rows:
            shown = r.status or (fmt.amount(r.value) if r.value is not None else "—")
            lines.append(f"  {r.id} {r.text[:30]}  {shown}  {r.target}  【{r.colour_label}】")
    if not p.complete:
        cells = "、".join(
            translate("cli", "{m}月{label}").format(m=int(c.period[5:7]), label=c.label) for c in p.missing
        )
        lines.append(translate("cli", "数据不全，未填写：{cells}").format(cells=cells))
    lines.append(translate("cli", "总体：【{c}】").format(c=p.colour_label))
    return "\n".join(lines)


def a3_word(a3: Any, colour: str | None) -> str:
    """An annex-3 colour's word; 数据不全 for each while a figure is missing."""
    return colour_text(colour) if a3.complete else a3.colour_label


def colour_text(colour: str | None) -> str:
    from model.calc.progress import colour_label

    return colour_label(colour)


def verify_text(result: Any) -> str:
    from model.reports.signing import verification_lines

    return "\n".join(verification_lines(result))


def trust_line(t: Any) -> str:
    revoked = translate("cli", "  （已于 {at} 撤销）").format(at=t.revoked_at[:10]) if t.revoked_at else ""
    return translate(
        "cli", "{unit}（{uid}）  证书主题 {subject}\n  指纹 {fp}  有效期至 {until}{revoked}"
    ).format(
        unit=t.unit_name or "—",
        uid=shown(t.unit_id or "—"),
        subject=shown(t.subject),
        fp=fingerprint_groups(t.fingerprint),
        until=(t.not_after or "")[:10],
        revoked=revoked,
    )


def text_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - text_width(text))


def status_text(view: Any) -> str:
    """The completeness grid of the district view, then its totals, corrections and notes."""
    from model.calc.completeness import state_label
    from model.common import formatting as fmt

    grid = view.grid
    short = {
        "on_time": "按时",
        "late": "迟报",
        "corrected": "更正",
        "missing": "未报",
        "not_due": "  · ",
        "exempt": "免报",
        "own": "本机",
    }
    months = [c.period for c in grid.units[0].cells] if grid.units else []
    name_width = max([text_width(r.unit_name) for r in grid.units] + [8]) + 2
    lines = [
        translate("cli", "{year}年报送情况（截至 {as_of}；每月数据应于次月 {day} 日前报送）").format(
            year=grid.year, as_of=grid.as_of, day=grid.deadline_day
        ),
        pad(translate("cli", "单位"), name_width)
        + "".join(pad(translate("cli", "{m}月").format(m=int(p[5:])), 6) for p in months),
    ]
    for row in grid.units:
        lines.append(
            pad(row.unit_name, name_width)
            + "".join(pad(translate("cli", short[c.state]), 6) for c in row.cells)
        )
    counts = "，".join(f"{state_label(s)} {n}" for s, n in grid.counts.items() if n)
    lines.append(translate("cli", "{period}：{counts}。").format(period=grid.period, counts=counts))
    missing = [r.unit_name for r in grid.units if r.unit_id in grid.missing()]
    if missing:
        lines.append(translate("cli", "未报：{names}").format(names="、".join(missing)))
    total = view.annex2_total
    lines.append(
        translate(
            "cli", "{label}：已报 {a} 个单位，未报 {b} 个；附件2 合计（ΣE/ΣY，{n}/{m} 个单位）变化率 {rate}。"
        ).format(
            label=view.period_label,
            a=len(view.reported),
            b=len(view.not_reported),
            n=total.units_counted,
            m=total.units_expected,
            rate=fmt.rate(total.change_rate_pct),
        )
    )
    lines += [
        translate("cli", "{unit} 第 {v} 版：收到 {received}，签名 {signed}").format(
            unit=p.unit_name,
            v=p.version,
            received=p.received_on or "—",
            signed=(p.signed_at or "—")[:16].replace("T", " "),
        )
        for p in view.packages
    ]
    lines += [translate("cli", "注：{note}").format(note=note) for note in view.notes]
    lines.append(
        translate(
            "cli",
            "图例：按时、迟报、更正（收到更正版）、未报（已过截止日）、· 未到截止日、免报、本机（本机关）",
        )
    )
    return "\n".join(line.rstrip() for line in lines)


def shown_target(value: Any, unit: str) -> str:
    return value if isinstance(value, str) else f"{value:g}{unit}"


def audit_text(unit: str, period: str, label: str, lines: list[Any]) -> str:
    head = translate("cli", "{unit} {period}“{label}”的修改记录：").format(
        unit=unit, period=period, label=label
    )
    if not lines:
        return head + translate("cli", "没有修改记录。")
    rows = [head]
    for line in lines:
        change = f"{line.old} → {line.new}" if line.old else line.new
        rows.append(f"  {line.at}  {line.who}  {line.action}  {change}")
    return "\n".join(rows)


def profile_text(entries: list[tuple[str, str]]) -> str:
    blank = translate("cli", "（未填）")
    return "\n".join(f"{label}：{value or blank}" for label, value in entries)


def evidence_text(unit: str, items: list[Any]) -> str:
    if not items:
        return translate("cli", "{unit} 还没有证明材料。").format(unit=unit)
    rows = [translate("cli", "{unit} 的证明材料：").format(unit=unit)]
    for item in items:
        rows.append(
            translate("cli", "  #{id}  {row}  {period}  {name}（{kb:,.0f} KB，{who} {at}）").format(
                id=item.id,
                row=item.row_id,
                period=item.period,
                name=item.file_name,
                kb=item.size / 1024,
                who=item.added_by,
                at=item.added_at[:16].replace("T", " "),
            )
        )
    return "\n".join(rows)


def checks_json(report: Any) -> dict[str, Any]:
    from dataclasses import asdict

    from model.calc.checks import check_items

    items = check_items(report.plan, report.problems)
    return {
        "unit_id": report.unit.id,
        "period": str(report.period),
        "complete": report.complete,
        "blocking": sum(1 for i in items if i.blocking),
        "checks": [asdict(i) for i in items],
    }


def checks_text(report: Any) -> str:
    from model.calc.checks import ERROR, NEEDS_REASON, check_items

    items = check_items(report.plan, report.problems)
    lines = [
        translate("cli", "{unit}  {label} 检查清单").format(
            unit=report.unit.name, label=report.period.label()
        )
    ]
    for i in items:
        if i.kind == ERROR:
            lines.append(translate("cli", "  错误：{msg}").format(msg=i.message))
        elif i.kind == NEEDS_REASON:
            lines.append(translate("cli", "  需说明：{msg}").format(msg=i.message))
        else:
            lines.append(translate("cli", "  已说明：{msg}（原因：{r}）").format(msg=i.message, r=i.reason))
    blocking = sum(1 for i in items if i.blocking)
    if not items:
        lines.append(translate("cli", "检查全部通过。"))
    elif blocking:
        lines.append(translate("cli", "有 {n} 项须处理后才能报送。").format(n=blocking))
    else:
        lines.append(translate("cli", "没有阻止报送的问题。"))
    return "\n".join(lines)


def preview_text(plan: Any, preview: Any) -> str:
    """What `enter --file` would change, line by line, then what it refuses."""
    lines = []
    for c in preview.changes:
        label = plan.field(c.field).display_label
        lines.append(f"  {c.where}  {c.period} {label}：{c.old or '（空）'} → {c.new or '（空）'}")
    head = translate("cli", "{n} 处修改，{same} 项与已存数据相同：").format(
        n=len(preview.changes), same=preview.unchanged
    )
    return "\n".join([head, *lines])


def received_heading(unit_name: str, period: Any, n: int) -> str:
    if not n:
        return translate("cli", "{unit} {period}：区里没有收到报送文件。").format(
            unit=unit_name, period=period
        )
    return translate("cli", "{unit} {period}：收到 {n} 个版本").format(unit=unit_name, period=period, n=n)


def received_line(v: Any) -> str:
    """One version the district holds, as the drill-down shows it."""
    line = translate("cli", "  第 {v} 版{use}  签名人 {signer}  签名于 {signed}  收到于 {received}").format(
        v=v.version,
        use=translate("cli", "（在用）") if v.in_use else "",
        signer=v.signed_by or v.signer or "—",
        signed=(v.signed_at or "—")[:16].replace("T", " "),
        received=(v.received_at or "—")[:16].replace("T", " "),
    )
    if v.correction_reason:
        line += translate("cli", "  更正原因：{r}").format(r=v.correction_reason)
    return line
