"""Hand-made kiosk states, one per screen and layout variant, for the screen tests."""

from station.analysis.events import (BodyWeight, Contact, Fault, Flight, Landing, Rep, SetEnd, SetStart,
                                     Summary)
from station.kiosk.state.board import LiveBoard
from station.kiosk.flow import GUEST, Screen

LONG_REASON = "paused 0.41 s on landing; jump forward at once (at most 0.30 s)"
LONG_NAME = "Maximiliane Alexandrina von Hohenzollern-Sigmaringen"
#: A name in each script the station's fonts cover, and one that mixes two.
NAMES = ["李娜", "محمد", "Zoë", "Дмитрий", "יעל", "अनन्या"]
MIXED_NAME = "Zoë محمد"
LONG_FAULT = ("The plate is loaded but the mat reports no contact: the mat may be unplugged. "
              "Check the mat cable; landing forces still come from the plate.")


def landing(rating, peak_bw=2.5, time_to_peak_s=0.09, impact_peak=False):
    return {"peak_force_n": peak_bw * 750.0, "peak_force_bw": peak_bw, "time_to_peak_s": time_to_peak_s,
            "loading_rate_bw_per_s": peak_bw / time_to_peak_s, "impact_peak": impact_peak,
            "softness": 50.0, "rating": rating}


def rep(index, valid=True, reason=None, start_s=10.0, rebound_s=0.183, rating=None, set_index=1):
    """A rep's events: its landing and rebound contact (rated when ``rating``), then the rep."""
    back = Flight(2 * index - 1, start_s, start_s + 0.412, "backward")
    metrics = None if rating is None else landing(rating, peak_bw=5.1 if rating == "hard" else 2.5,
                                                  time_to_peak_s=0.03 if rating == "hard" else 0.09)
    rebound = Contact(2 * index, back.landing_s, back.landing_s + rebound_s, "back", True, landing=metrics)
    forward = Flight(2 * index, rebound.end_s, rebound.end_s + 0.398, "forward")
    landed = [] if metrics is None else [Landing(set_index, rebound.index, back.landing_s, metrics)]
    return [*landed, rebound, Rep(index, set_index, back, rebound, forward, valid, reason)]


def board_with(events, **options):
    board = LiveBoard(**options)
    for event in events:
        board.apply(event)
    return board


def full_events(rating=None):
    """A set behind, valid reps, an invalid last rep with a long reason."""
    events = [SetEnd(1, 0.0, 9.0, 13, 12, "step_off"), SetStart(2, 9.5)]
    for index in range(1, 12):
        events += rep(index, start_s=10.0 + index, rating=rating, set_index=2)
    events += rep(12, valid=False, reason=LONG_REASON, rebound_s=0.41, rating=rating, set_index=2)
    return events


def full_board():
    return board_with(full_events(), simulated=True)


def rated_board(rating="hard", banners=0):
    """Load cells: reps with rated landings, a force trace, and ``banners`` banners."""
    import numpy as np
    from station.readings import ForceBlock
    events = [SetStart(1, 9.0), BodyWeight(1, 10.0, 750.0)]
    for index in range(1, 8):
        events += rep(index, start_s=10.0 + index, rating="soft" if index % 3 else "firm")
    events += rep(8, start_s=18.0, rating=rating)
    board = board_with(events, simulated=banners > 0, has_force=True)
    time_s = np.arange(16.0, 19.0, 0.001)
    board.on_readings([ForceBlock(time_s, 750.0 + 1500.0 * np.abs(np.sin(3.0 * time_s)))])
    if banners > 1:
        board.apply(Fault(3.0, "mat", True, LONG_FAULT))
    return board


def many_board():
    events = []
    for index in range(1, 129):
        events += rep(index, start_s=float(index))
    for index in range(129, 229):
        events += rep(index, valid=False, reason="x", start_s=float(index))
    events += rep(229, valid=False, reason="a flight of 1.25 s is longer than any jump (at most 0.90 s)",
                  start_s=229.0, rebound_s=1.234)
    return board_with(events, simulated=True)


def summary_board(has_force=True, finished=False, last_invalid=False):
    events = [SetStart(1, 9.0)]
    for index in range(1, 10):
        events += rep(index, start_s=10.0 + index, rebound_s=0.18 + 0.01 * index,
                      rating=("soft", "firm", "hard")[index % 3] if has_force else None)
    events += rep(10, valid=not last_invalid, reason=LONG_REASON if last_invalid else None, start_s=20.0,
                  rating="firm" if has_force else None)
    events.append(SetEnd(1, 9.0, 21.0, 10, 9, "end" if finished else "step_off"))
    if finished:
        events.append(Summary(reps=10, valid_reps=9, flights=20, duration_s=21.0))
    return board_with(events, has_force=has_force)


def weigh_board(weighed):
    events = [SetStart(1, 10.0)] + ([BodyWeight(1, 11.0, 712.0)] if weighed else [])
    return board_with(events, has_force=True, simulated=True)


# name -> (screen, board maker, the athlete's name or the picker's (names, highlighted), session time)
STATES = {
    "attract": (Screen.ATTRACT, LiveBoard, GUEST, 0.3),
    "attract long name": (Screen.ATTRACT, lambda: LiveBoard(simulated=True), LONG_NAME, 1.5),
    "attract landing": (Screen.ATTRACT, LiveBoard, "Ada", 2.0),
    "attract chinese name": (Screen.ATTRACT, LiveBoard, NAMES[0], 0.3),
    "attract arabic name": (Screen.ATTRACT, LiveBoard, NAMES[1], 0.3),
    "weigh-in": (Screen.WEIGH_IN, lambda: weigh_board(False), None, 10.5),
    "weighed": (Screen.WEIGH_IN, lambda: weigh_board(True), None, 11.2),
    "live empty": (Screen.LIVE, LiveBoard, None, 0.0),
    "live full": (Screen.LIVE, full_board, None, 30.0),
    "live many": (Screen.LIVE, many_board, None, 300.0),
    "live hard": (Screen.LIVE, rated_board, None, 19.0),
    "live hard two banners": (Screen.LIVE, lambda: rated_board(banners=2), None, 19.0),
    "live soft force": (Screen.LIVE, lambda: rated_board("soft"), None, 19.0),
    "summary": (Screen.SUMMARY, summary_board, None, 22.0),
    "summary without force": (Screen.SUMMARY, lambda: summary_board(has_force=False), None, 22.0),
    "summary finished": (Screen.SUMMARY, lambda: summary_board(finished=True), None, 22.0),
    "summary last rep invalid": (Screen.SUMMARY, lambda: summary_board(last_invalid=True), None, 22.0),
    "picker": (Screen.PICKER, LiveBoard, (["Guest", "Ada", "Grace"], 1), 0.0),
    "picker every script": (Screen.PICKER, LiveBoard, (["Guest", *NAMES, MIXED_NAME], 1), 0.0),
    "picker long": (Screen.PICKER, LiveBoard,
                    (["Guest", *(f"Athlete {i}" for i in range(1, 40)), LONG_NAME], 40), 0.0),
}


def put_in(app, name):
    """Set ``app`` up for state ``name``; the screen to draw and the session time."""
    screen, make_board, who, now_s = STATES[name]
    app.board = make_board()
    if screen is Screen.PICKER:
        names, app.flow.highlighted = who
        app.flow.choices = [(None if i == 0 else i, n) for i, n in enumerate(names)]
    elif who is not None:
        app.flow.athlete = (None, who)
    return screen, now_s
