"""Hand-made reps for the challenge tests, placed by their final landing."""

from station.analysis.events import Contact, Flight, Rep

BACK_FLIGHT_S = 0.35
FORWARD_FLIGHT_S = 0.38


def rep_landing_at(landing_s, rebound_s=0.25, rating=None, valid=True, index=1):
    """A rep whose forward jump lands at ``landing_s``, with a rebound contact
    of ``rebound_s`` and that landing ``rating`` ("soft", "firm", "hard", None)."""
    forward_takeoff_s = landing_s - FORWARD_FLIGHT_S
    back_landing_s = forward_takeoff_s - rebound_s
    back = Flight(2 * index - 1, back_landing_s - BACK_FLIGHT_S, back_landing_s, "backward")
    landing = None if rating is None else {"rating": rating}
    rebound = Contact(2 * index, back_landing_s, forward_takeoff_s, "back", True, landing=landing)
    forward = Flight(2 * index, forward_takeoff_s, landing_s, "forward")
    return Rep(index, 1, back, rebound, forward, valid, None if valid else "made invalid for a test")


def missing_return(back_landing_s, rebound_end_s=None, index=1):
    """An invalid rep: a backward jump landing at ``back_landing_s`` and no
    forward jump; the rebound contact ends at ``rebound_end_s`` (None: unknown)."""
    back = Flight(2 * index - 1, back_landing_s - BACK_FLIGHT_S, back_landing_s, "backward")
    rebound = Contact(2 * index, back_landing_s, rebound_end_s, "back", True)
    return Rep(index, 1, back, rebound, None, False, "the set ended before the jump forward")
