"""Charts for the documents (matplotlib, Agg): problems per site, month-by-month figures.

Chinese labels need a CJK font (Debian's fonts-noto-cjk). Without one the charts still
render (the labels may show as boxes) and `font_note()` gives the sentence the report
prints so staff know why.
"""

from __future__ import annotations

import io
import warnings
from functools import lru_cache

from reports.collect import PeriodData

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Serif CJK SC", "SimHei", "Microsoft YaHei")
COLOURS = {"veto": "#b22222", "deduct": "#d9822b", "notice": "#7f8c9a"}
SEVERITY_ZH = {"veto": "单项否决", "deduct": "扣分", "notice": "提示"}


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of an installed CJK font family matplotlib can use, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    return None


def font_note() -> str | None:
    """A sentence for the report when charts had to be drawn without a CJK font."""
    if cjk_font():
        return None
    return "本机未安装中文字体（请安装 fonts-noto-cjk），图表中的中文可能无法正常显示。"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    family = cjk_font()
    plt.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": ([family] if family else []) + ["DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.hashsalt": "xunjian",
        "font.size": 10,
    })
    return plt


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # missing glyphs without a CJK font
        fig.savefig(buffer, format="png", dpi=200, bbox_inches="tight", metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buffer.getvalue()


def problems_per_site(data: PeriodData, kind: str = "site") -> bytes | None:
    """Horizontal stacked bars: each site's problems in the period by severity."""
    entities = data.entity_list(kind)
    if not entities:
        return None
    plt = _pyplot()
    counts = {e.id: {"veto": 0, "deduct": 0, "notice": 0} for e in entities}
    for problem in data.problems_of(kind):
        severity = problem.finding.get("severity") or "notice"
        counts[problem.entity.id][severity if severity in COLOURS else "notice"] += 1
    names = [e.name for e in entities][::-1]
    ids = [e.id for e in entities][::-1]
    fig, ax = plt.subplots(figsize=(6.3, 0.55 * len(entities) + 1.3))
    left = [0] * len(ids)
    for severity, colour in COLOURS.items():
        values = [counts[i][severity] for i in ids]
        bars = ax.barh(names, values, left=left, color=colour, label=SEVERITY_ZH[severity], height=0.55)
        for bar, value in zip(bars, values):
            if value:
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2, str(value),
                        ha="center", va="center", color="white", fontsize=8)
        left = [a + b for a, b in zip(left, values)]
    for y, total in enumerate(left):
        ax.text(total + max(max(left), 1) * 0.01, y, f"共{total}个", va="center", fontsize=8)
    ax.set_xlim(0, max(max(left), 1) * 1.15)
    ax.set_xlabel("问题数（个）")
    ax.set_title(f"{data.period.label}各{'网站' if kind == 'site' else '政务新媒体'}发现问题数", fontsize=11)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def monthly_trend(data: PeriodData) -> bytes | None:
    """Bars: problems found each month; line: the month's pass rate."""
    if not data.months:
        return None
    plt = _pyplot()
    checked = {(m.year, m.month): m for m in data.months}
    labels = [f"{month}月" for _, month in data.period.months]
    problems, rates, points = [], [], []
    for index, key in enumerate(data.period.months):
        month = checked.get(key)
        scores = month.scores() if month else []
        problems.append(sum(s.total for s in scores))
        if scores:
            rates.append(100 * sum(1 for s in scores if s.passed) / len(scores))
            points.append(index)
    fig, ax = plt.subplots(figsize=(6.3, 3.2))
    positions = list(range(len(labels)))
    bars = ax.bar(positions, problems, color="#4a6fa5", width=0.5, label="发现问题数")
    ax.set_xticks(positions, labels)
    ax.set_xlim(-0.7, len(labels) - 0.3)
    for bar, value in zip(bars, problems):
        if value:
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), str(value), ha="center", va="bottom",
                    fontsize=8)
    ax.set_ylabel("问题数（个）")
    ax.set_ylim(0, max(max(problems), 1) * 1.25)
    ax.spines[["top"]].set_visible(False)
    rate_ax = ax.twinx()
    rate_ax.plot(points, rates, color="#b22222", marker="o", label="合格率")
    for x, rate in zip(points, rates):
        rate_ax.annotate(f"{rate:.0f}%", (x, rate), textcoords="offset points", xytext=(0, 6), ha="center",
                         fontsize=8, color="#b22222")
    rate_ax.set_ylim(0, 115)
    rate_ax.set_ylabel("合格率（%）")
    rate_ax.spines[["top"]].set_visible(False)
    handles = [bars, rate_ax.get_lines()[0]]
    ax.legend(handles, ["发现问题数", "合格率"], loc="upper left", fontsize=8, frameon=False, ncol=2)
    ax.set_title(f"{data.period.label}逐月检查情况", fontsize=11)
    return _png(fig)
