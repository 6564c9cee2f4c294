"""Charts rendered in a worker thread while the CSV tables are being written.

An export's two big costs are formatting the CSV lines (inside SQLite) and
compressing the charts (inside zlib); both let go of Python's lock while
they work, so on two or more cores they overlap: the charts are ready, or
nearly, when the tables are on the stick. The worker is the only thread that
draws with pygame. It stays at most ``CHARTS_AHEAD`` charts ahead, so a slow
stick never piles up pictures without end.

Example::

    ahead = ChartsAhead(list(chart_data))   # starts rendering at once
    write_tables()
    for data, png in ahead:
        write(data, png)
"""

from __future__ import annotations

import queue
import threading

from station.export.chart import ChartData, render_chart

#: Enough charts in hand to render them all while a big log's tables are
#: written, few enough to stay small in memory: a chart is ~150 kB, so at
#: most ~20 MB.
CHARTS_AHEAD = 128
#: How often a blocked worker checks whether the export was given up.
STOP_POLL_S = 0.1


class ChartsAhead:
    """Renders ``charts`` in order in a worker thread; iterate for (data, PNG
    bytes). A fault while rendering is raised by the iteration; ``stop`` ends
    the worker early (the export failed). ``font_paths``: the fallback fonts
    for names (``render_chart``)."""

    def __init__(self, charts: list[ChartData], font_paths: tuple[str, ...] | None = None) -> None:
        self._count = len(charts)
        self._ready: queue.Queue = queue.Queue(maxsize=CHARTS_AHEAD)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._render, args=(charts, font_paths),
                                        name="charts", daemon=True)
        self._thread.start()

    def __iter__(self):
        for _ in range(self._count):
            item = self._ready.get()
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _render(self, charts: list[ChartData], font_paths) -> None:
        try:
            for data in charts:
                if not self._hand_over((data, render_chart(data, font_paths))):
                    return
        except Exception as error:  # raised again in the export's thread, with its traceback
            self._hand_over(error)

    def _hand_over(self, item) -> bool:
        while not self._stopped.is_set():
            try:
                self._ready.put(item, timeout=STOP_POLL_S)
                return True
            except queue.Full:
                continue
        return False
