"""The USB stick's stages at the kiosk, on a fake clock: offered when the
mat is free, chosen with SELECT/NEXT/BACK or a tap, and what each ends in."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from station.errors import UserError
from station.kiosk.controls.actions import Action, Tap
from station.kiosk.usb.control import (OFFER_IDLE_S, POLL_S, PROBLEMS_SHOWN, StickLook, Task,
                                       export_outcome, import_outcome)
from test_kiosk_usb_fakes import Mounts, Recorder, control_for


@pytest.fixture
def setup(tmp_path):
    mounts = Mounts(tmp_path)
    recorder = Recorder()
    return mounts, recorder, control_for(mounts, recorder)


def step(control, now_s, actions=(), free=True, targets=None):
    return control.take(list(actions), now_s, free, targets or {})


def offered(setup, now_s=1.0):
    mounts, recorder, control = setup
    mounts.plug()
    step(control, now_s)
    return control


def labels(control):
    return [label for _, label in control.rows()]


def test_a_stick_plugged_in_is_offered_within_a_second(setup):
    mounts, _, control = setup
    step(control, 0.0)
    mounts.plug()
    step(control, 0.5)
    assert control.stage is None, "the mount table is read once a second, not every frame"
    step(control, POLL_S)
    assert control.stage == "offer" and control.showing(True)
    assert labels(control) == ["Export all", "Since last export (12 new reps)", "Import roster",
                               "Not now"]


def test_no_import_is_offered_without_a_roster_file(tmp_path):
    mounts, recorder = Mounts(tmp_path), Recorder(look=StickLook(1, False))
    control = control_for(mounts, recorder)
    mounts.plug()
    step(control, 0.0)
    assert labels(control) == ["Export all", "Since last export (1 new rep)", "Not now"]


def test_someone_on_the_mat_holds_the_offer_until_the_mat_is_free(setup):
    mounts, _, control = setup
    mounts.plug()
    step(control, 0.0, free=False)
    assert control.stage == "offer" and not control.showing(False)
    left = step(control, 80.0, [Action.SELECT], free=False)
    assert left == [Action.SELECT], "a busy kiosk keeps its own actions"
    step(control, 81.0, free=True)
    assert control.showing(True), "a long set does not use up the offer's idle time"


def test_select_exports_everything(setup):
    mounts, recorder, control = setup
    offered(setup)
    assert step(control, 1.1, [Action.SELECT]) == []
    assert control.stage == "exporting" and recorder.exports[0][1] is None


def test_next_then_select_exports_since_the_last_export(setup):
    mounts, recorder, control = setup
    offered(setup)
    step(control, 1.1, [Action.NEXT, Action.SELECT])
    stick, since, _ = recorder.exports[0]
    assert since == "last" and stick.mount_point == mounts.root / "STICK"


def test_back_goes_round_to_not_now_which_closes(setup):
    _, recorder, control = setup
    offered(setup)
    step(control, 1.1, [Action.BACK])
    assert labels(control)[control.highlighted] == "Not now"
    step(control, 1.2, [Action.SELECT])
    assert control.stage is None and recorder.exports == []


def test_a_tap_on_a_row_chooses_it(setup):
    _, recorder, control = setup
    offered(setup)
    targets = {f"row {i}": (0, 100 * i, 800, 90) for i in range(4)}
    step(control, 1.1, [Tap(400, 250)], targets=targets)
    assert control.stage == "importing" and len(recorder.imports) == 1


def test_the_export_ends_safe_to_remove_and_closes_when_the_stick_is_taken_out(setup):
    mounts, recorder, control = setup
    offered(setup)
    step(control, 1.1, [Action.SELECT])
    job = recorder.exports[0][2]
    job.progress = (3, 9)
    step(control, 1.5)
    assert control.stage == "exporting"
    job.finish(result=SimpleNamespace(reps=120, folder=Path("/m/JumpMat-2026-11-24T1805")))
    step(control, 1.6)
    assert control.stage == "result" and control.outcome.title == "SAFE TO REMOVE"
    assert control.outcome.lines[0] == "120 reps exported to JumpMat-2026-11-24T1805."
    mounts.pull()
    step(control, 3.0)
    assert control.stage is None


def test_a_failed_export_says_why_and_try_again_offers_the_stick_again(setup):
    mounts, recorder, control = setup
    offered(setup)
    step(control, 1.1, [Action.SELECT])
    recorder.exports[0][2].finish(error="The USB stick is full: free some space or use another "
                                        "stick, then export again.")
    step(control, 1.2)
    assert control.outcome.title == "EXPORT FAILED" and labels(control) == ["Try again", "Close"]
    assert control.outcome.lines == [recorder.exports[0][2].error]
    step(control, 1.3, [Action.SELECT])
    step(control, 1.4)
    assert control.stage == "offer" and len(recorder.looks) == 2, "the new reps are counted again"


def test_a_stick_pulled_mid_export_then_plugged_in_again_is_offered_again(setup):
    mounts, recorder, control = setup
    offered(setup)
    step(control, 1.1, [Action.SELECT])
    mounts.pull()
    step(control, 2.5)
    assert control.stage == "exporting", "the export itself finds out and says so"
    recorder.exports[0][2].finish(error="The USB stick stopped answering (was it pulled out?): "
                                        "plug it in again, then export again.")
    step(control, 2.6)
    assert control.outcome.ok is False
    mounts.plug()
    step(control, 4.0)
    assert control.stage == "offer"
    step(control, 4.1, [Action.SELECT])
    assert len(recorder.exports) == 2


def test_an_unmount_problem_is_shown_after_the_export(setup):
    _, recorder, control = setup
    offered(setup)
    step(control, 1.1, [Action.SELECT])
    recorder.exports[0][2].finish(result=SimpleNamespace(reps=1, folder=Path("/m/J")),
                                  unmount_problem="Could not unmount the stick: wait a moment "
                                                  "and remove it, or use Export again.")
    step(control, 1.2)
    assert control.outcome.title == "EXPORTED" and control.outcome.lines == [
        "1 rep exported to J.", recorder.exports[0][2].unmount_problem]


def test_an_offer_left_alone_closes(setup):
    _, _, control = setup
    offered(setup, now_s=1.0)
    step(control, 1.0 + OFFER_IDLE_S - 1)
    assert control.stage == "offer"
    step(control, 1.0 + OFFER_IDLE_S + 1)
    assert control.stage is None


def test_a_stick_taken_out_before_answering_withdraws_the_offer(setup):
    mounts, _, control = setup
    offered(setup)
    mounts.pull()
    step(control, 2.5)
    assert control.stage is None


def test_the_offer_waits_for_the_count(tmp_path):
    mounts, recorder = Mounts(tmp_path), Recorder(finish_looks=False)
    control = control_for(mounts, recorder)
    mounts.plug()
    step(control, 0.0)
    assert control.stage == "found" and not control.showing(True)
    recorder.looks[0][1].finish(value=StickLook(0, False))
    step(control, 0.1)
    assert control.stage == "offer"


def test_the_roster_import_shows_the_count_and_the_first_bad_lines(setup, caplog):
    problems = [f"line {n}: no name" for n in range(2, 2 + PROBLEMS_SHOWN + 2)]
    task = SimpleNamespace(error=None, value=SimpleNamespace(imported=[1, 2, 3], problems=problems))
    outcome = import_outcome(task)
    assert outcome.lines[0] == "3 athletes added to the roster."
    assert outcome.lines[1:1 + PROBLEMS_SHOWN] == [f"Not added: {p}" for p in problems[:PROBLEMS_SHOWN]]
    assert outcome.lines[-1] == "and 2 more rows not added (listed in the station's log)."
    assert all(p in caplog.text for p in problems), "every bad row is in the log"


def test_tasks_give_a_user_error_as_its_sentence_and_a_fault_as_a_plain_one(caplog):
    def refuse():
        raise UserError("roster.csv is empty; the first line should be name,body_mass_kg,tag_id.")
    sentence = Task(refuse, "fault")
    broken = Task(lambda: 1 / 0, "The roster could not be imported.")
    assert sentence.wait(5) and broken.wait(5)
    assert sentence.error.startswith("roster.csv is empty") and sentence.value is None
    assert broken.error == "The roster could not be imported." and "ZeroDivisionError" in caplog.text


def test_export_outcome_of_a_failed_job_is_not_ok():
    failed = SimpleNamespace(error="The USB stick is read-only: slide its lock switch off.",
                             result=None, unmount_problem=None)
    assert export_outcome(failed).ok is False


def test_a_stick_that_takes_too_long_to_look_at_is_offered_without_its_counts(tmp_path):
    from station.kiosk.usb.control import LOOK_LIMIT_S
    mounts, recorder = Mounts(tmp_path), Recorder(finish_looks=False)
    control = control_for(mounts, recorder)
    mounts.plug()
    step(control, 0.0)
    step(control, LOOK_LIMIT_S - 0.1)
    assert control.stage == "found", "a slow stick gets its time"
    step(control, LOOK_LIMIT_S + 0.1)
    assert control.stage == "offer"
    assert labels(control) == ["Export all", "Since last export", "Not now"]
