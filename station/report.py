"""Events as text for people: the table `station analyse` prints."""

from __future__ import annotations

from station.analysis.events import Contact, Event, Fault, Flight, Rep, SetEnd, Summary


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.0f} ms"


def _cm(metres: float | None) -> str:
    return "—" if metres is None else f"{metres * 100:.1f} cm"


def _s(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.3f}"


def _part(part, attribute="duration_s"):
    return None if part is None else getattr(part, attribute)


REP_COLUMNS = ("rep", "set", "back flight", "rebound", "forward flight", "height", "rebound RSI", "")
PHASE_COLUMNS = ("phase", "#", "start s", "end s", "duration", "zone / direction", "height", "RSI")


def table(rows: list[tuple], columns: tuple) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(columns, *rows)]
    def line(cells):
        return "  ".join(str(cell).rjust(width) for cell, width in zip(cells, widths)).rstrip()
    return [line(columns)] + [line(row) for row in rows]


def rep_row(rep: Rep) -> tuple:
    rsi = _part(rep.rebound_contact, "rsi")
    return (rep.index, rep.set_index, _ms(_part(rep.back_flight)), _ms(_part(rep.rebound_contact)),
            _ms(_part(rep.forward_flight)), _cm(rep.height_m),
            "—" if rsi is None else f"{rsi:.2f}", "ok" if rep.valid else f"INVALID: {rep.reason}")


def phase_row(event: Contact | Flight) -> tuple:
    if isinstance(event, Flight):
        return ("flight", event.index, _s(event.takeoff_s), _s(event.landing_s),
                _ms(event.duration_s), event.direction or "", _cm(event.height_m), "")
    return ("contact", event.index, _s(event.start_s), _s(event.end_s), _ms(event.duration_s),
            event.zone if event.zone in ("front", "back") else "",
            "", "" if event.rsi is None else f"{event.rsi:.2f}")


def render_text(events: list[Event], phases: bool = False) -> str:
    """Reps (and with ``phases`` every contact and flight), sets, then the summary."""
    lines = []
    if phases:
        rows = [phase_row(e) for e in events if isinstance(e, (Contact, Flight))]
        lines += table(rows, PHASE_COLUMNS) + [""]
    reps = [rep_row(e) for e in events if isinstance(e, Rep)]
    lines += table(reps, REP_COLUMNS) if reps else ["No reps."]
    for event in events:
        if isinstance(event, SetEnd):
            how = "stepped off" if event.ended_by == "step_off" else "end of data"
            lines.append(f"Set {event.index}: {event.valid_reps} valid of {event.reps} reps, "
                         f"{event.start_s:.2f}-{event.end_s:.2f} s ({how})")
        elif isinstance(event, Fault):
            lines.append(fault_line(event))
        elif isinstance(event, Summary):
            lines.append(summary_line(event))
    return "\n".join(lines)


def summary_line(summary: Summary) -> str:
    return (f"Total: {summary.valid_reps} valid of {summary.reps} reps, "
            f"{summary.flights} flights in {summary.duration_s:.1f} s")


def fault_line(fault: Fault) -> str:
    """A sensor fault, or its end, at its time on the recording."""
    what = "FAULT" if fault.active else "fault over"
    return f"{what} at {fault.time_s:.2f} s ({fault.device}): {fault.message}"
