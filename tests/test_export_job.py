"""The kiosk's export job: ``station export --progress`` in a real child
process, its progress read by a thread, then the unmount."""

import json
import logging
import sqlite3
import sys
import time
from datetime import datetime, timezone

from log_rows import fill_log, new_log
from station.export.job import FAULT, ExportJob, export_command
from station.export.usb import UNMOUNT_FAILED, Stick
from station_process import station

PAST = datetime(2020, 3, 1, tzinfo=timezone.utc)


def data_dir_with(tmp_path, sessions=2, names=("Anna", "Bo")):
    data = tmp_path / "data"
    data.mkdir()
    conn = new_log(data / "station.db")
    fill_log(conn, list(names), sessions=sessions, reps_per_set=5, start=PAST)
    conn.close()
    return data


def stick_at(path):
    path.mkdir(exist_ok=True)
    return Stick(path, "/dev/sdb1", "vfat", False)


def watch(job, timeout_s=60):
    """Every progress the job showed, until it is done."""
    seen, deadline = [], time.monotonic() + timeout_s
    while not job.done:
        assert time.monotonic() < deadline, "the job never finished"
        if not seen or seen[-1] != job.progress:
            seen.append(job.progress)
        time.sleep(0.002)
    return seen


def test_the_job_exports_in_a_child_then_unmounts(tmp_path):
    data = data_dir_with(tmp_path)
    stick = stick_at(tmp_path / "stick")
    unmounted = []
    job = ExportJob(data, stick, since="last", unmount_stick=unmounted.append).start()
    seen = watch(job)
    assert job.error is None and job.safe_to_remove and unmounted == [stick]
    done, total = job.progress
    assert done == total == job.result.files and total > 1
    assert (job.result.folder / "summary.json").is_file() and job.result.folder.parent == stick.mount_point
    assert all(a <= b for (a, _), (b, _) in zip(seen, seen[1:])), "progress only moves forward"
    summary = json.loads((job.result.folder / "summary.json").read_text())
    assert job.result.reps == summary["counts"]["reps"] == 2 * 2 * 2 * 5


def test_progress_lines_are_json_one_per_file_then_the_result(tmp_path):
    data = data_dir_with(tmp_path)
    stick = tmp_path / "stick"
    stick.mkdir()
    done = station("export", "--to", stick, "--data-dir", data, "--progress")
    assert done.returncode == 0 and done.stderr == ""
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    *ticks, last = lines
    total = ticks[0]["total"]
    assert [t["done"] for t in ticks] == list(range(1, total + 1)) and {t["total"] for t in ticks} == {total}
    [folder] = stick.iterdir()
    assert last["result"]["folder"] == str(folder) and last["result"]["files"] == total
    assert total == sum(1 for path in folder.rglob("*") if path.is_file())


def test_a_stick_problem_is_its_sentence_and_the_stick_is_still_unmounted(tmp_path):
    data = data_dir_with(tmp_path)
    stick = Stick(tmp_path / "gone", "/dev/sdb1", "vfat", False)
    job = ExportJob(data, stick, unmount_stick=lambda s: UNMOUNT_FAILED).start()
    assert job.wait(60)
    assert job.result is None and job.error.endswith("is not a folder: give an existing folder "
                                                     "or a mounted stick.")
    assert job.unmount_problem == UNMOUNT_FAILED and not job.safe_to_remove


def test_a_child_that_crashes_is_a_plain_sentence_and_its_stderr_goes_to_the_log(tmp_path, caplog):
    crash = [sys.executable, "-c",
             "import sys; print('{\"done\": 1, \"total\": 4}', flush=True); "
             "sys.stderr.write('Segmentation fault in charts'); sys.exit(139)"]
    job = ExportJob(tmp_path, stick_at(tmp_path / "stick"), unmount_stick=lambda s: None,
                    command=crash)
    with caplog.at_level(logging.ERROR):
        job.start()
        assert job.wait(60)
    assert job.error == FAULT and job.progress == (1, 4) and not job.safe_to_remove
    assert "Segmentation fault in charts" in caplog.text and "code 139" in caplog.text


def test_a_stick_pulled_out_mid_export_is_a_sentence_and_the_next_one_works(tmp_path):
    data = data_dir_with(tmp_path, sessions=30)
    stick = stick_at(tmp_path / "stick")
    job = ExportJob(data, stick, unmount_stick=lambda s: None).start()
    while job.progress[0] < 2 and not job.done:
        time.sleep(0.001)
    # Its folder gone from under the export, at once: what a pulled stick looks like.
    stick.mount_point.rename(tmp_path / "pulled")
    assert job.wait(60)
    assert job.result is None and job.error.startswith("The USB stick stopped answering")
    with sqlite3.connect(data / "station.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM exports").fetchone()[0] == 0
    again = ExportJob(data, stick_at(tmp_path / "stick"), since="last",
                      unmount_stick=lambda s: None).start()
    assert again.wait(60) and again.error is None
    assert again.result.reps == 30 * 2 * 2 * 5, "the failed export moved nothing"


def test_stopping_the_job_ends_the_child_and_takes_its_files_back(tmp_path):
    data = data_dir_with(tmp_path, sessions=30)
    stick = stick_at(tmp_path / "stick")
    job = ExportJob(data, stick, unmount_stick=lambda s: None).start()
    while job.progress[0] < 2 and not job.done:
        time.sleep(0.001)
    job.stop()
    assert job.wait(60) and job.result is None
    assert list(stick.mount_point.iterdir()) == []


def test_the_command_names_what_to_export(tmp_path):
    stick = Stick(tmp_path / "S", "/dev/sdb1", "vfat", False)
    command = export_command(tmp_path, stick, since=datetime(2026, 11, 1, 8, 0), athlete="Anna")
    tail = command[command.index("export"):]
    assert tail == ["export", "--to", str(tmp_path / "S"), "--data-dir", str(tmp_path), "--progress",
                    "--since", "2026-11-01T08:00:00", "--athlete", "Anna"]


def unmount_after_the_child(job, unmounted):
    """An unmount that notes whether the export's child had ended when it ran."""
    def unmount(stick):
        unmounted.append(job._child is None or job._child.poll() is not None)
    return unmount


def test_a_cancel_mid_export_leaves_nothing_on_the_stick_then_unmounts_it(tmp_path):
    data = data_dir_with(tmp_path, sessions=30)
    stick = stick_at(tmp_path / "stick")
    unmounted = []
    job = ExportJob(data, stick)
    job._unmount = unmount_after_the_child(job, unmounted)
    job.start()
    while job.progress[0] < 2 and not job.done:
        time.sleep(0.001)
    job.cancel()
    assert job.wait(60)
    assert job.cancelled and job.result is None and job.error is None
    assert list(stick.mount_point.rglob("*")) == [], "every file and the folder taken back"
    assert unmounted == [True], "unmounted once, after the child had ended"
    with sqlite3.connect(data / "station.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM exports").fetchone()[0] == 0


def test_a_cancel_before_the_child_starts_writes_nothing_and_still_unmounts(tmp_path):
    data = data_dir_with(tmp_path)
    stick = stick_at(tmp_path / "stick")
    unmounted = []
    job = ExportJob(data, stick)
    job._unmount = unmount_after_the_child(job, unmounted)
    job.cancel()
    job.start()
    assert job.wait(60)
    assert job.result is None and job.error is None and job.cancelled
    assert list(stick.mount_point.iterdir()) == [] and unmounted == [True]


def test_a_cancel_after_the_export_finished_keeps_it_whole(tmp_path):
    data = data_dir_with(tmp_path)
    stick = stick_at(tmp_path / "stick")
    job = ExportJob(data, stick, unmount_stick=lambda s: None).start()
    assert job.wait(60)
    job.cancel()
    assert job.result is not None and (job.result.folder / "summary.json").is_file()
