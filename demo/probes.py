"""A week of availability probes for the demo city, made for real against its local servers.

An office's scheduler probes every homepage about 48 times a day; the demo cannot wait a
week. `seed_demo_probes` makes the same probes now — real GET requests to the demo servers,
judged exactly as `xunjian probe` judges them — and records each under a time taken from a
simulated irregular schedule: for each of the 7 days before the as-of date, one probe in every
half hour, at a random minute 5-25 minutes into it (48 a day, never at fixed times). Only the
`at` timestamps are simulated; statuses, timings and failures are what the servers answered.
The demo's 清河市教育局 answers every 25th homepage request with 503, so its results show an
availability figure (4% failed) and the outage intervals.

Call it after the demo servers have started and before `xunjian inspect`, e.g.

    seed_demo_probes(db, config, AS_OF)
"""

from __future__ import annotations

import datetime as dt
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from checks.availability import WINDOW_DAYS
from crawler.probe import ProbeResult, homepage_reference, probe_site, record
from xunjian.config import Config, Site
from xunjian.store import open_store

PER_DAY = 48
SEED = 20261120


def simulated_times(as_of: dt.date, tz, per_day: int = PER_DAY, seed: int | str = SEED) -> list[dt.datetime]:
    """Probe times for the 7 days before `as_of`: one per slot, at a random point inside it."""
    rng = random.Random(seed)
    slot = 24 * 60 / per_day
    times = []
    for back in range(WINDOW_DAYS, 0, -1):
        midnight = dt.datetime.combine(as_of - dt.timedelta(days=back), dt.time(), tz)
        for index in range(per_day):
            minutes = index * slot + rng.uniform(slot / 6, slot * 5 / 6)
            times.append(midnight + dt.timedelta(seconds=round(minutes * 60)))
    return times


def _probe_week(site: Site, times: list[dt.datetime], db_path: str) -> list[ProbeResult]:
    db = open_store(db_path)
    try:
        reference = homepage_reference(db, site)
    finally:
        db.conn.close()
    return [probe_site(site, at, reference) for at in times]   # in order: the server counts requests


def seed_demo_probes(db_path: str | Path, config: Config, as_of: str | dt.date) -> dict[str, tuple[int, int]]:
    """Record a realistic 7-day probe history for every site of `config`; site -> (probes, failures).

    Replaces the probes already stored for those sites in that window, so running the demo
    twice gives the same history.
    """
    as_of = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(as_of)
    tz = config.schedule.tz
    db_path = str(db_path)
    first = (as_of - dt.timedelta(days=WINDOW_DAYS)).isoformat()
    db = open_store(db_path)
    with db.conn:
        for site in config.sites:
            db.execute("delete from probes where site = ? and at >= ? and at < ?", [site.id, first, as_of.isoformat()])
    db.conn.close()
    plans = {site.id: simulated_times(as_of, tz, seed=f"{SEED}-{site.id}") for site in config.sites}
    with ThreadPoolExecutor(max_workers=max(1, len(config.sites))) as pool:
        done = dict(zip([s.id for s in config.sites],
                        pool.map(lambda s: _probe_week(s, plans[s.id], db_path), config.sites)))
    db = open_store(db_path)
    try:
        for results in done.values():
            record(db, results)
    finally:
        db.conn.close()
    return {site_id: (len(results), sum(1 for r in results if not r.ok)) for site_id, results in done.items()}
