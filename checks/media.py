"""New-media account checks (CHECKS.md, 政务新媒体): stored poll facts in, findings out.

They read what `xunjian media poll` stored for a run — `account_runs` (each account's
state), `posts` and `targets` (the fate of links found in posts) — and never touch the
network, so they can be re-run on a stored poll (`xunjian media check`). A finding about
an account has `account` set and `site` None; its url is the post's URL, or the
account's source for account-wide problems.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Callable, Iterable

from checks.finding import finding
from crawler.media.profiles import profile_of
from xunjian.store import replace_findings

STALE_DAYS = 14


class MediaContext:
    """One stored media poll as the checks see it."""

    def __init__(self, db, run: int, accounts: dict, as_of: dt.date | str):
        self.db, self.run, self.accounts = db, run, accounts
        self.as_of = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of)[:10])
        self.states = {r["account"]: r for r in db.query("select * from account_runs where run = ?", [run])}
        self.posts: dict[str, list[dict]] = {}
        for row in db.query("select * from posts where run = ? order by account, published desc, url", [run]):
            row["links"] = json.loads(row["links"] or "[]")
            self.posts.setdefault(row["account"], []).append(row)
        self.targets = {r["url"]: r for r in db.query(
            "select * from targets where run = ? and kind = 'media'", [run])}

    def active(self) -> list[str]:
        """Accounts polled in this run that the registry lists as operating (运营)."""
        return [a for a, s in self.states.items() if s["state"] in ("ok", "unreadable")]

    def source(self, account: str) -> str:
        return self.states[account]["source"] or ""

    def counted_posts(self, account: str) -> list[dict]:
        """Posts published on or before the as-of date (later ones belong to the next period)."""
        end = self.as_of.isoformat()
        return [p for p in self.posts.get(account, []) if not p["published"] or p["published"][:10] <= end]


def stale(ctx: MediaContext) -> Iterable[dict]:
    """媒体不更新: no post in the 14 days before the as-of date (only for sources that were read)."""
    since = ctx.as_of - dt.timedelta(days=STALE_DAYS)
    for account in ctx.active():
        if ctx.states[account]["state"] != "ok":
            continue          # unreadable: freshness unknown, reported as media.unreadable
        dates = [p["published"][:10] for p in ctx.counted_posts(account) if p["published"]]
        last = max(dates) if dates else None
        if last and dt.date.fromisoformat(last) > since:
            continue
        detail = (f"{STALE_DAYS} 天内没有发布信息（最近一次发布于 {last}，距基准日期 "
                  f"{(ctx.as_of - dt.date.fromisoformat(last)).days} 天）" if last
                  else f"{STALE_DAYS} 天内没有发布信息（未采集到任何带发布时间的信息）")
        yield finding("media.stale", None, ctx.source(account), account=account, evidence=last,
                      detail=detail, key=(), last_post=last)


def unreadable(ctx: MediaContext) -> Iterable[dict]:
    """无法获取: the source could not be read, so freshness is unknown (never counted as fresh)."""
    for account in ctx.active():
        state = ctx.states[account]
        if state["state"] == "unreadable":
            yield finding("media.unreadable", None, ctx.source(account), account=account,
                          detail=f"无法读取采集来源，更新情况未知：{state['error']}", key=(), error=state["error"])


def no_interaction(ctx: MediaContext) -> Iterable[dict]:
    """未提供有效互动功能: the registry records that the account offers no way to reply or message."""
    for account in ctx.active():
        registered = ctx.accounts.get(account)
        answer = getattr(registered, "interaction", None) or ctx.states[account].get("interaction")
        if answer == "no":
            yield finding("media.no_interaction", None, ctx.source(account), account=account, key=(),
                          detail="登记信息显示该账号未提供留言、私信等有效互动功能")


def link_broken(ctx: MediaContext) -> Iterable[dict]:
    """链接不准确: a link in a post that fails (HTTP error, timeout, refused, unknown host)."""
    for account in ctx.active():
        for post in ctx.counted_posts(account):
            for link in post["links"]:
                target = ctx.targets.get(link["url"])
                if target is None or not _broken(target):
                    continue
                why = (f"返回 HTTP {target['status']}" if target["status"] and target["status"] >= 400
                       else target["message"] or target["error"])
                yield finding("media.link_broken", None, post["url"] or ctx.source(account), account=account,
                              target=link["url"], evidence=link.get("text") or None,
                              detail=f"文章《{post['title']}》中的链接无法访问：{why}", key=(link["url"],))


def _broken(target: dict) -> bool:
    return bool(target["error"]) or target["status"] is None or target["status"] >= 400


def unregistered(ctx: MediaContext) -> Iterable[dict]:
    """未备案: an account revealed by a post's links that no registry entry names (notice)."""
    known: set[tuple[str, str]] = set()
    for account in ctx.accounts.values():
        if account.platform_id:
            known.add((account.platform, account.platform_id))
        revealed = profile_of(account.source or "")
        if revealed:
            known.add(revealed)
    reported: set[tuple[str, str]] = set()
    for account in sorted(ctx.active()):
        for post in ctx.counted_posts(account):
            for link in post["links"]:
                revealed = profile_of(link["url"])
                if not revealed or revealed in known or revealed in reported:
                    continue
                if any(r[1] == revealed[1] for r in known):
                    continue      # registered under another platform label
                reported.add(revealed)
                yield finding("media.unregistered", None, post["url"] or ctx.source(account), account=account,
                              target=link["url"], evidence=revealed[1], key=revealed,
                              detail=f"发现未登记的{PLATFORM_ZH.get(revealed[0], '')}账号（{revealed[1]}），"
                                     "请核实是否为政务新媒体并登记或关停", platform=revealed[0])


PLATFORM_ZH = {"wechat": "微信公众号", "weibo": "微博", "douyin": "抖音", "toutiao": "今日头条"}


def text_checks(ctx: MediaContext) -> Iterable[dict]:
    """错别字 / 严重表述错误 / 不恰当表述 in posts, by the website text checks (checks/typos.py,
    severe.py, improper.py): each line of a post's title and text is one unit, as `check-text` does;
    a typo inside a severe error is reported once, as the severe error."""
    checkers = _text_checkers()
    for account in ctx.active():
        for post in ctx.counted_posts(account):
            seen: set[tuple[str, str]] = set()
            for line in [post["title"] or "", *(post["text"] or "").splitlines()]:
                taken: list[tuple[int, int]] = []
                for check_id, scan in checkers:
                    for hit in scan(line, ctx.as_of):
                        end = hit.offset + (hit.length or len(hit.evidence))
                        if check_id == "media.typo" and any(s < end and hit.offset < e for s, e in taken):
                            continue
                        taken.append((hit.offset, end))
                        if (check_id, hit.evidence) in seen:
                            continue
                        seen.add((check_id, hit.evidence))
                        yield finding(check_id, None, post["url"] or ctx.source(account), account=account,
                                      evidence=hit.evidence, suggestion=hit.suggestion,
                                      detail=f"文章《{post['title']}》：{hit.detail}", key=(hit.evidence,),
                                      offset=hit.offset, line=line[:300])


def _text_checkers() -> list[tuple[str, Callable]]:
    """(media check id, scan(text, date) -> [Hit]) for each installed text check, severe first."""
    wanted = [("media.typo_severe", "checks.severe", "scan_severe"), ("media.typo", "checks.typos", "scan_typos"),
              ("media.improper", "checks.improper", "scan_improper")]
    found = []
    for check_id, module, name in wanted:
        try:
            found.append((check_id, getattr(__import__(module, fromlist=[name]), name)))
        except (ImportError, AttributeError):
            continue      # that text check is not installed: its media check finds nothing
    return found


MEDIA_CHECKS: dict[str, Callable[[MediaContext], Iterable[dict]]] = {
    "media.stale": stale,
    "media.unreadable": unreadable,
    "media.no_interaction": no_interaction,
    "media.link_broken": link_broken,
    "media.unregistered": unregistered,
}
TEXT_CHECK_IDS = ("media.typo", "media.typo_severe", "media.improper")


def run_media_checks(db, run: int, accounts: dict, as_of: dt.date | str) -> dict[str, int]:
    """Run every media check on stored poll `run`; replace its media findings; counts per check."""
    ctx = MediaContext(db, run, accounts, as_of)
    counts = {check_id: replace_findings(db, run, [check_id], check(ctx)) for check_id, check in MEDIA_CHECKS.items()}
    text = list(text_checks(ctx))
    for check_id in TEXT_CHECK_IDS:
        counts[check_id] = replace_findings(db, run, [check_id], [f for f in text if f["check"] == check_id])
    return counts
