"""One media poll: read every registered account's source, store posts, check the links in them.

What it stores in a run (xunjian/store.py): one `account_runs` row per account (state
ok | unreadable | closed, post count, last post date, error), every post in `posts`, and
each link's fate in `targets` (kind "media"). The media checks (checks/media.py) then work
from those rows only.
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from crawler.media import DEFAULT_TZ, Post, collect
from crawler.media.fetch import check_links
from crawler.media.profiles import profile_of
from xunjian.store import now, record_error


def poll(db, run: int, accounts: list, as_of: dt.date, tz: dt.tzinfo = DEFAULT_TZ, base_dir=None,
         timeout: float = 15.0, say: Callable[[str], None] = lambda _: None) -> dict[str, dict]:
    """Collect every account's posts into run `run`; return {account id: account_runs row}."""
    operating = [a for a in accounts if getattr(a, "status", "运营") == "运营"]
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(operating)))) as pool:
        results = dict(zip([a.id for a in operating],
                           pool.map(lambda a: collect(a, base_dir=base_dir, tz=tz, timeout=timeout, as_of=as_of),
                                    operating)))
    states: dict[str, dict] = {}
    post_rows: list[dict] = []
    links: list[str] = []
    end = as_of.isoformat()
    for account in accounts:
        row = {"run": run, "account": account.id, "name": account.name, "platform": account.platform,
               "department": account.department, "source": account.source,
               "registry_status": getattr(account, "status", "运营"), "state": "closed", "posts": 0,
               "last_post": None, "error": None, "fetched_at": now()}
        if account.id in results:
            posts, error = results[account.id]
            row["state"] = "unreadable" if error else "ok"
            row["error"] = error
            if error:
                record_error(db, run, None, account.source, "media", f"{account.id}: {error}")
            counted = [p for p in posts if p.published is None or p.published.date().isoformat() <= end]
            dates = [p.published.date().isoformat() for p in counted if p.published]
            row["posts"], row["last_post"] = len(posts), max(dates) if dates else None
            post_rows += [_post_row(run, p) for p in posts]
            # Profile addresses are judged by media.unregistered, not requested (platforms answer bots
            # with login pages), and with them any link to the platforms' own account pages.
            links += [link["url"] for p in counted for link in p.links if profile_of(link["url"]) is None]
            say(f"{account.name}（{account.id}）：" + (f"无法读取：{error}" if error else f"{len(posts)} 条信息"))
        else:
            say(f"{account.name}（{account.id}）：已{row['registry_status']}，不采集")
        states[account.id] = row
    outcomes = check_links(links, timeout=timeout)
    target_rows = [{"run": run, "url": url, "site": None, "kind": "media", "method": r.method,
                    "status": r.status, "error": r.error, "message": r.message,
                    "location": r.final_url if r.final_url != url else None, "content_type": r.content_type,
                    "elapsed": round(r.elapsed, 3), "checked_at": now()} for url, r in outcomes.items()]
    with db.conn:
        for table in ("account_runs", "posts"):
            db.execute(f"delete from {table} where run = ?", [run])
        db.execute("delete from targets where run = ? and kind = 'media'", [run])
        db["account_runs"].insert_all(list(states.values()))
        db["posts"].insert_all(post_rows, batch_size=500)
        db["targets"].insert_all(target_rows, replace=True)
    return states


def _post_row(run: int, post: Post) -> dict:
    return {"run": run, "account": post.account, "url": post.url, "title": post.title,
            "published": post.published.isoformat() if post.published else None, "text": post.text,
            "links": json.dumps(post.links, ensure_ascii=False)}
