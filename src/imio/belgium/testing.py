"""A fixed clock for the tests of every package, so that none depends on the day.

``at(2026, 11, 18, 10, 0)`` moves the clock of the whole process to that
moment in Brussels: ``time.time()``, ``datetime.now()``, ``date.today()``,
Zope's ``DateTime()`` and ZODB's transaction times, in every thread (the WSGI
test server's too). Monotonic clocks and ``time.sleep`` are left alone.

A test that commits to the ZODB travels forward, to 2099: its storage is
stacked on the layer's, written today, and ZODB does not read a layer written
after its own first transaction.
"""

from datetime import datetime
from datetime import UTC
from zoneinfo import ZoneInfo

import time_machine


BRUSSELS = ZoneInfo("Europe/Brussels")


def at(*moment: int, tick: bool = False) -> time_machine.travel:
    """Travel to ``datetime(*moment)`` in Brussels.

    A context manager and a decorator, or ``start()``/``stop()`` in ``setUp``.
    The clock stands still unless ``tick``: then it runs on from that moment,
    for code that needs time to go by between two steps.
    """
    # In UTC: given a ZoneInfo, time_machine would also change the process's
    # local time zone, which DateTime reads only once, at import.
    destination = datetime(*moment, tzinfo=BRUSSELS).astimezone(UTC)
    return time_machine.travel(destination, tick=tick)
