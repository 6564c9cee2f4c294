"""The front-end's clock on the host's monotonic clock.

The front-end stamps its frames with a free-running microsecond counter (u32,
wrapping every 71.6 minutes) driven by its own crystal, which runs up to about
100 ppm fast or slow and wanders with temperature. Every frame that arrives
gives a pair (device time, host time when it was read); the host time is an
upper bound of when the frame was sent, later by the USB and OS latency.

``ClockSync`` fits a line through those pairs in two parts, as Klipper's
clocksync does for its microcontrollers, but with one-way pairs:

- the rate (host seconds per device second). For the first seconds it is the
  slope of an exponentially decayed linear regression over all pairs. Then it
  is fitted to the floor of the pairs, the one of each second that arrived
  soonest, over the last ``history_s``: the median of the slopes
  between every two of those points (the Theil-Sen estimator). A host whose
  load comes and goes shifts the mean latency, and would tilt a fit to all
  pairs by tens of ppm; the fastest arrivals hardly move, and the median
  shrugs off the seconds in which even those were late;
- the offset is the lower envelope: the line with that slope through the pair
  of the last ``ENVELOPE_S`` seconds that arrived soonest. A frame cannot
  arrive before it was sent, so the lowest pair is the tightest bound; the
  mapping is then late by only the smallest latency seen (a fraction of a
  millisecond over USB), not by the mean latency, and a few busy seconds on
  the host do not move it.

Pairs whose latency is far above the usual spread (a stalled reader) are left
out of the fit; the spread follows every pair, so a latency that rises for
good is soon accepted again. A device clock that jumps (the front-end reset)
restarts the fit.
"""

from __future__ import annotations

import itertools
import logging
import math
import statistics
from collections import deque

LOG = logging.getLogger("station.loadcell")

WRAP_US = 1 << 32
_HALF_WRAP_US = 1 << 31
#: The front-end counts microseconds.
DEVICE_CLOCK_HZ = 1_000_000
#: Crystals are specified to +-100 ppm at worst; the fitted rate is held to
#: twice that, so a real drift is never clipped while the first fit, over a
#: fraction of a second of noisy pairs, cannot run off with a wild slope.
MAX_DRIFT = 200e-6
#: How far back the rate fit looks (device seconds): long enough to average
#: the latency noise to a ppm or two, short next to the minutes over which a
#: crystal's temperature drift changes.
HISTORY_S = 30.0
#: The rate is fitted to the lowest pair of each FLOOR_S (of 100 pairs, one is
#: within a few hundredths of a millisecond of the fastest possible), once
#: there are FLOOR_POINTS of them: fewer, over a shorter time, would tilt the
#: line by tens of ppm from one point to the next.
FLOOR_S = 1.0
FLOOR_POINTS = 5
#: The lower envelope's window (device seconds): longer than a host is
#: likely to stay busy, so the fastest arrival before a busy spell still holds
#: the line; short enough that the few ppm the rate may be off move the line
#: by tens of microseconds at most.
ENVELOPE_S = 10.0
#: Until the floor fit takes over, the rate comes from a few seconds of pairs
#: and can be off by a hundred ppm; a short envelope keeps that from moving
#: the line by more than a tenth of a millisecond. A second, so that it always
#: holds a STATUS frame, sent once a second and often the fastest to arrive.
STARTUP_ENVELOPE_S = 1.0
#: A pair this many times the usual spread above the line (plus the floor, so
#: a very quiet link does not reject its ordinary jitter) is an outlier.
OUTLIER_SPREADS = 4.0
OUTLIER_FLOOR_S = 0.002
#: The spread assumed before any pair has been judged: a USB link's usual
#: jitter, so the first pairs after a start are not rejected wholesale.
INITIAL_SPREAD_S = 0.002
#: The spread is a running RMS over about the last 100 pairs (a second of
#: frames), so it follows a change of latency within a second or two.
SPREAD_SHARE = 0.01
#: No latency or frame length comes near a tenth of a second: a pair that
#: claims to arrive that long before it was sent means the device clock jumped.
CLOCK_JUMP_S = 0.1
#: Frames may come out of the order of their stamps: the front-end sends a mat
#: edge as soon as it sees it, then the samples its ring held since (1024 of
#: them, a second at 1 kHz) whenever its loop was held up, by a host too busy
#: to read for instance. So only a clock stepping back further than that
#: means the device restarted.
CLOCK_STEP_BACK_S = 2.0


class _DecayedLine:
    """A linear regression whose pairs' weights decay with x (time constant
    ``decay_s``): exponentially weighted mean, variance and covariance,
    updated in place (West's incremental form)."""

    def __init__(self, decay_s: float) -> None:
        self.decay_s = decay_s
        self.weight = 0.0
        self.last_x = -math.inf
        self.mean_x = self.mean_y = self.var_x = self.cov_xy = 0.0

    def add(self, x: float, y: float) -> None:
        elapsed = max(x - self.last_x, 0.0) if self.weight else 0.0
        self.weight = self.weight * math.exp(-elapsed / self.decay_s) + 1.0
        self.last_x = max(self.last_x, x)
        share = 1.0 / self.weight
        dx, dy = x - self.mean_x, y - self.mean_y
        self.mean_x += share * dx
        self.mean_y += share * dy
        self.var_x = (1.0 - share) * (self.var_x + share * dx * dx)
        self.cov_xy = (1.0 - share) * (self.cov_xy + share * dx * dy)

    def slope(self) -> float | None:
        return self.cov_xy / self.var_x if self.var_x > 0.0 else None


class ClockSync:
    """Maps the front-end's microsecond clock onto the host's monotonic clock.

    ``history_s`` is how far back the rate fit looks; ``clock_hz`` the device
    clock's nominal rate in ticks per host second (a device emulator running
    N times faster than real time counts N MHz). Feed it one pair per frame
    with ``observe``; ``to_host_s`` then gives the host time of any device
    time near the pairs. ``restarts`` counts fits started over (``restart``,
    or a clock jump).

        sync = ClockSync()
        sync.observe(frame.device_time_us, received_s)
        sample_s = sync.to_host_s(frame.device_time_us + i * frame.period_us)
    """

    def __init__(self, history_s: float = HISTORY_S, clock_hz: float = DEVICE_CLOCK_HZ) -> None:
        self.history_s = history_s
        self.clock_hz = clock_hz
        self.restarts = 0
        self._forget()

    def restart(self) -> None:
        """Forget every pair: the next one starts a new fit (a reconnect, a reset)."""
        self.restarts += 1
        self._forget()

    def _forget(self) -> None:
        self._newest_us: int | None = None
        self._zero_us = 0
        self._zero_s = 0.0
        self._last_x = 0.0
        self._pairs = _DecayedLine(self.history_s)
        floor_points = max(round(self.history_s / FLOOR_S), FLOOR_POINTS)
        self._floor: deque[tuple[float, float]] = deque(maxlen=floor_points)
        self._window_start = 0.0
        self._window_lowest: tuple[float, float] | None = None
        self._spread_sq = INITIAL_SPREAD_S ** 2
        self._slope = 1.0
        self._offset_s = 0.0
        self._envelope: deque[tuple[float, float]] = deque()

    @property
    def ready(self) -> bool:
        """True once a pair has been observed, so ``to_host_s`` has a line."""
        return self._newest_us is not None

    @property
    def drift_ppm(self) -> float:
        """How fast the device clock runs against the host's, in ppm (+ = fast)."""
        return (1.0 / self._slope - 1.0) * 1e6

    @property
    def spread_s(self) -> float:
        """The usual latency of a pair above the line (RMS, seconds)."""
        return math.sqrt(self._spread_sq)

    def unwrap(self, device_time_us: int) -> int:
        """``device_time_us`` extended to 64 bits: the value nearest the newest
        observed time, so times just before and after a wrap stay in order."""
        if self._newest_us is None:
            return device_time_us
        step_us = (device_time_us - self._newest_us) % WRAP_US
        if step_us >= _HALF_WRAP_US:
            step_us -= WRAP_US
        return self._newest_us + step_us

    def observe(self, device_time_us: int, host_time_s: float) -> bool:
        """One pair: a frame stamped ``device_time_us`` (sent no earlier than
        that) was read at ``host_time_s``. False if it was left out as an outlier."""
        if self._newest_us is None:
            self._begin(device_time_us, host_time_s)
            return True
        unwrapped_us = self.unwrap(device_time_us)
        x = self._x(unwrapped_us)
        y = host_time_s - self._zero_s
        residual_s = y - (self._offset_s + self._slope * x)
        if x < self._last_x - CLOCK_STEP_BACK_S or residual_s < -CLOCK_JUMP_S:
            return self._jumped(device_time_us, host_time_s, "the device clock jumped")
        self._newest_us = max(self._newest_us, unwrapped_us)
        outlier = residual_s > OUTLIER_FLOOR_S + OUTLIER_SPREADS * self.spread_s
        self._spread_sq += SPREAD_SHARE * (min(residual_s, CLOCK_JUMP_S) ** 2 - self._spread_sq)
        if outlier:
            return False
        self._fit(x, y)
        return True

    def to_host_s(self, device_time_us: int) -> float:
        """The host monotonic time (s) at which the device clock read
        ``device_time_us``, give or take the smallest latency seen."""
        if self._newest_us is None:
            raise RuntimeError("to_host_s before any pair was observed")
        return self._zero_s + self._offset_s + self._slope * self._x(self.unwrap(device_time_us))

    def _x(self, unwrapped_us: int) -> float:
        """Device time in nominal seconds since the fit's first pair; the
        integer subtraction first keeps microseconds exact in a float."""
        return (unwrapped_us - self._zero_us) / self.clock_hz

    def _begin(self, device_time_us: int, host_time_s: float) -> None:
        self._newest_us = self._zero_us = device_time_us
        self._zero_s = host_time_s
        self._fit(0.0, 0.0)

    def _jumped(self, device_time_us: int, host_time_s: float, why: str) -> bool:
        LOG.warning("Clock sync starts over: %s.", why)
        self.restart()
        self._begin(device_time_us, host_time_s)
        return True

    def _fit(self, x: float, y: float) -> None:
        self._pairs.add(x, y)
        self._last_x = max(self._last_x, x)
        floor_grew = self._floor_pair(x, y)
        if len(self._floor) < FLOOR_POINTS:
            slope = self._pairs.slope()
        else:
            slope = _median_slope(self._floor) if floor_grew else None
        if slope is not None:
            self._slope = min(max(slope, 1.0 - MAX_DRIFT), 1.0 + MAX_DRIFT)
        self._envelope.append((x, y))
        window_s = ENVELOPE_S if len(self._floor) >= FLOOR_POINTS else STARTUP_ENVELOPE_S
        while self._envelope[0][0] < self._last_x - window_s:
            self._envelope.popleft()
        slope = self._slope
        self._offset_s = min(pair_y - slope * pair_x for pair_x, pair_y in self._envelope)

    def _floor_pair(self, x: float, y: float) -> bool:
        """Keep the lowest pair of every FLOOR_S; True when one was added."""
        added = False
        if x >= self._window_start + FLOOR_S:
            if self._window_lowest is not None:
                self._floor.append(self._window_lowest)
                added = True
            self._window_start, self._window_lowest = x, None
        lowest = self._window_lowest
        if lowest is None or y - self._slope * x < lowest[1] - self._slope * lowest[0]:
            self._window_lowest = (x, y)
        return added


def _median_slope(points) -> float:
    """The Theil-Sen slope: the median of the slopes between every two points
    (Sen 1968). It stays put however far off up to 29 % of the points are."""
    return statistics.median((y2 - y1) / (x2 - x1)
                             for (x1, y1), (x2, y2) in itertools.combinations(points, 2))
