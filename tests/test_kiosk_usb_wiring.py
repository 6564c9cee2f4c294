"""The kiosk as `station run` wires it: the roster and picks in the real
session log, buttons only where there is a GPIO chip, and a stick exported
by a real child process while the frames go on."""

import sqlite3
import time
import types

import pygame

from log_rows import fill_log, new_log
from station.commands.run import close_parts, kiosk_parts
from station.config import Config
from station.kiosk.controls.actions import Action
from station.kiosk.app import KioskApp
from station.kiosk.state.board import LiveBoard
from station.kiosk.controls.buttons import ButtonPanel
from station.kiosk.screen import KioskScreen
from station.kiosk.sound import Cues
from station.kiosk.usb.mode import attach
from station.log.athletes import add_athlete
from station.log.run_log import open_run_log
from station_process import station
from test_kiosk_usb_fakes import Mounts


def run_log_in(data_dir):
    return open_run_log(data_dir, Config(), types.SimpleNamespace(simulated=False), ("simulated", "none"))


def test_a_kiosk_starts_on_this_machine_without_a_warning(tmp_path):
    done = station("run", "--simulate", "--speed", "10", "--duration", "5", "--size", "800x480",
                   "--data-dir", tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("Total: ")


def test_buttons_only_where_a_gpio_chip_is_and_cues_always(tmp_path, caplog):
    log = run_log_in(tmp_path)
    parts = kiosk_parts(Config(), log, gpio_chips=str(tmp_path / "gpiochip*"))
    assert parts["buttons"] is None and isinstance(parts["cues"], Cues) and caplog.text == ""
    (tmp_path / "gpiochip0").touch()
    with_chip = kiosk_parts(Config(), log, gpio_chips=str(tmp_path / "gpiochip*"))
    assert isinstance(with_chip["buttons"], ButtonPanel)
    close_parts(parts)
    close_parts(with_chip)
    log.close()


def test_the_picker_lists_the_roster_of_the_log_and_picks_go_into_it(video, tmp_path):
    log = run_log_in(tmp_path)
    ada = add_athlete(log.session.conn, "Ada")
    add_athlete(log.session.conn, "Grace")
    parts = kiosk_parts(Config(), log, gpio_chips=str(tmp_path / "none*"))
    app = KioskApp(KioskScreen((800, 480)), LiveBoard(), roster=parts["roster"], on_pick=parts["on_pick"])
    app.flow.update(app.board, 0.0, [Action.SELECT])
    assert [name for _, name in app.flow.choices] == ["Guest", "Ada", "Grace"]
    app.flow.update(app.board, 0.1, [Action.NEXT, Action.SELECT])
    assert log.athlete_id == ada.id
    app.flow.update(app.board, 0.2, [Action.SELECT, Action.BACK, Action.SELECT])   # Guest
    guest_id = log.athlete_id
    assert log.session.conn.execute("SELECT guest FROM athletes WHERE id = ?",
                                    (guest_id,)).fetchone() == (1,)
    close_parts(parts)
    log.close()


def frames_until(app, now_s, done, timeout_s=60):
    """Frames 10 ms apart until ``done()``; the session time then."""
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, "never happened"
        now_s += 0.01
        app.frame(now_s)
        time.sleep(0.01)
    return now_s


def test_a_stick_is_exported_by_a_child_while_the_kiosk_keeps_drawing(video, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    conn = new_log(data / "station.db")
    fill_log(conn, ["Anna", "Bo"], sessions=3, reps_per_set=5)
    conn.close()
    mounts = Mounts(tmp_path)
    unmounted = []
    app = KioskApp(KioskScreen((800, 480)), LiveBoard())
    mode = attach(app, Config(), data, watcher=mounts.watcher, unmount_stick=unmounted.append)
    pygame.event.clear()
    app.frame(0.0)
    stick = mounts.plug()
    now_s = frames_until(app, 0.0, lambda: mode.showing)
    assert mode.view().rows[1] == "Since last export (60 new reps)"
    mode.control.take([Action.NEXT, Action.SELECT], now_s, True, {})
    frame_s = []
    while mode.control.stage == "exporting":
        now_s += 0.01
        start = time.perf_counter()
        app.frame(now_s)
        frame_s.append(time.perf_counter() - start)
        time.sleep(0.01)
        assert len(frame_s) < 6000, "the export never finished"
    # The export's child has its own process: no frame waits for it.
    assert len(frame_s) > 3 and max(frame_s) < 0.25, (len(frame_s), max(frame_s))
    assert mode.control.outcome.title == "SAFE TO REMOVE", mode.control.outcome.lines
    [folder] = stick.iterdir()
    assert (folder / "summary.json").is_file() and unmounted[0].mount_point == stick
    assert mode.control.outcome.lines[0] == f"60 reps exported to {folder.name}."


def test_the_stick_is_looked_at_and_its_roster_imported_into_the_real_log(tmp_path, caplog):
    from station.export.usb import Stick
    from station.kiosk.usb.control import import_outcome
    from station.kiosk.usb.mode import looker, roster_importer
    data = tmp_path / "data"
    data.mkdir()
    conn = new_log(data / "station.db")
    fill_log(conn, ["Anna"], sessions=2, reps_per_set=5)
    conn.close()
    stick = Stick(tmp_path / "STICK", "/dev/sdb1", "vfat", False)
    stick.mount_point.mkdir()
    (stick.mount_point / "roster.csv").write_text(
        "name,body_mass_kg,tag_id\nCleo,61.5,\n,70,\nDan,heavy,\nEve,,\n", encoding="utf-8")
    look = looker(data)(stick)
    assert look.wait(30) and look.error is None
    assert (look.value.new_reps, look.value.has_roster) == (2 * 2 * 5, True)
    task = roster_importer(data)(stick)
    assert task.wait(30) and task.error is None
    outcome = import_outcome(task)
    assert outcome.lines[0] == "2 athletes added to the roster."
    assert [line.split(":")[1].strip() for line in outcome.lines[1:]] == ["line 3", "line 4"]
    with sqlite3.connect(data / "station.db") as check:
        names = {name for (name,) in check.execute("SELECT name FROM athletes")}
    assert names == {"Anna", "Cleo", "Eve"}
