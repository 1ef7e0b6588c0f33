"""`fundbook reopen`: lift the lock of the latest closed period, keeping its snapshot."""

from __future__ import annotations

import datetime as dt
import os

from fundbook.close.periods import Period
from fundbook.close.snapshot import CloseInfo, find_close
from fundbook.core.errors import FundbookError, PeriodLocked
from fundbook.core.login import login_name
from fundbook.store.chain import record_event
from fundbook.store.db import open_book, rollback, scalar, sql


def reopen_period(
    db_path: str | os.PathLike[str], period: str, reason: str
) -> tuple[CloseInfo, str]:
    """Reopen the latest closed period: lift its lock, keep its snapshot, record why, and add
    the reopening to the hash chain. Returns the close reopened and the chain's new head."""
    target = Period.parse(period)
    if not reason.strip():
        raise FundbookError("a reopening needs a reason (--reason TEXT)")
    with open_book(db_path) as con:
        latest = con.execute(sql("close_latest_lock")).fetchall()
        if not latest or latest[0][0] != str(target):
            last = latest[0][0] if latest else "none"
            raise PeriodLocked(
                f"only the latest closed period can be reopened "
                f"(latest closed: {last}; asked: {target})"
            )
        info = find_close(con, str(target))
        con.begin()
        try:
            params = {"close_id": info.close_id, "period": str(target)}
            con.execute(sql("close_reopen_mark"), params)
            con.execute(sql("close_reopen_unlock"), params)
            con.execute(
                sql("close_reopen_record"),
                {
                    **params,
                    "reason": reason.strip(),
                    "reopened_by": login_name(),
                    "reopened_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
                },
            )
            watermark = int(scalar(con, sql("close_watermark")))
            head = record_event(con, "reopen", info.close_id, str(target), watermark)
            con.commit()
        except BaseException:
            rollback(con)
            raise
        return info, head
