"""The station publishes its session log through a real mosquitto: in order,
marked sent only when the broker acknowledged it, whatever happens to the
broker or the station (docs/network.md)."""

import json

from broker import Broker, free_port
from network_station import Listener, Station, first_occurrences, wait_until
from station.log.outbox import REP_KEYS

STATION = "mat-1"


def all_sent(station):
    total, sent = station.outbox()
    return total > 0 and total == sent


def outbox_seqs(station, where="1"):
    conn = station.db()
    try:
        return [seq for (seq,) in conn.execute(f"SELECT seq FROM outbox WHERE {where} ORDER BY seq")]
    finally:
        conn.close()


def test_a_killed_station_has_an_outbox_entry_for_every_committed_row_and_no_other(tmp_path, broker):
    station = Station(tmp_path, "--speed", "20", "--broker", broker.url, "--station-id", STATION)
    try:
        wait_until(lambda: len(station.of_type("rep")) >= 6, what="six reps")
    finally:
        station.kill()  # as a power cut is to the program
    conn = station.db()
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = conn.execute("SELECT s.uuid, t.set_index, r.rep_index, " + ", ".join(f"r.{k}" for k in REP_KEYS)
                        + " FROM reps r JOIN sets t ON t.id = r.set_id JOIN sessions s "
                        "ON s.id = t.session_id ORDER BY r.id").fetchall()
    bodies = [json.loads(body) for (body,) in conn.execute(
        "SELECT body FROM outbox WHERE kind = 'rep' ORDER BY seq")]
    entries = [(b["session"], b["set_index"], b["index"], *(b[k] for k in REP_KEYS)) for b in bodies]
    assert len(rows) >= 6
    flags = {3 + REP_KEYS.index("valid"), 3 + REP_KEYS.index("fatigue")}  # booleans in JSON
    assert entries == [tuple(bool(v) if i in flags and v is not None else v for i, v in enumerate(row))
                       for row in rows]
    sets = conn.execute("SELECT set_index FROM sets ORDER BY id").fetchall()
    set_entries = {json.loads(b)["set_index"] for (b,) in conn.execute(
        "SELECT body FROM outbox WHERE kind = 'set'")}
    assert set_entries == {index for (index,) in sets}
    printed = [(r["index"]) for r in station.of_type("rep")]
    assert printed == [row[2] for row in rows][:len(printed)]


def test_nothing_is_marked_sent_while_the_broker_is_frozen_and_all_arrives_in_order_after(tmp_path, broker):
    listener = Listener(broker.port)
    station = Station(tmp_path, "--speed", "10", "--broker", broker.url, "--station-id", STATION)
    try:
        wait_until(lambda: len(listener.seqs(STATION)) >= 5, what="the first entries at the listener")
        broker.freeze()
        frozen_at = max(outbox_seqs(station))
        reps_before = len(station.of_type("rep"))
        # The station goes on measuring and logging while the broker is frozen.
        wait_until(lambda: len(station.of_type("rep")) >= reps_before + 5, what="five more reps")
        newer = outbox_seqs(station, f"seq > {frozen_at}")
        assert len(newer) >= 5
        assert outbox_seqs(station, f"seq > {frozen_at} AND sent_at IS NOT NULL") == []
        broker.thaw()
        wait_until(lambda: newer[-1] in listener.seqs(STATION), timeout_s=90, what="the backlog")
    finally:
        station.stop()
        broker.thaw()
    wait_until(lambda: all_sent(station), what="every entry marked sent")
    wait_until(lambda: set(outbox_seqs(station)) <= set(listener.seqs(STATION)), what="every entry")
    arrived = first_occurrences(listener.seqs(STATION))
    assert arrived == outbox_seqs(station) == list(range(1, len(arrived) + 1))
    listener.close()


def test_a_broker_down_at_the_start_gets_the_backlog_in_order_when_it_comes(tmp_path):
    port = free_port()
    # "user root": run as root, mosquitto would drop to its own user, which
    # cannot write the persistence file into the test's folder.
    broker = Broker(tmp_path / "broker", port=port, persistence=True, extra="user root")
    # A listener with a persistent session: what is published while it waits for
    # the broker to come back is kept for it.
    Listener(port, session="class-listener").close()
    broker.stop()
    station = Station(tmp_path / "station", "--speed", "10", "--broker", f"mqtt://127.0.0.1:{port}",
                      "--station-id", STATION)
    try:
        wait_until(lambda: len(station.of_type("rep")) >= 5, what="five reps with no broker")
        assert station.outbox()[0] >= 5 and station.outbox()[1] == 0
        broker.start()
        wait_until(lambda: station.outbox()[1] >= 5, what="the backlog acknowledged")
    finally:
        station.stop()
    wait_until(lambda: all_sent(station), what="every entry marked sent")
    listener = Listener(port, session="class-listener")
    try:
        wait_until(lambda: set(outbox_seqs(station)) <= set(listener.seqs(STATION)), what="every entry")
        assert first_occurrences(listener.seqs(STATION)) == outbox_seqs(station)
    finally:
        listener.close()
        broker.stop()


def test_a_killed_station_sends_what_it_had_not_sent_when_it_starts_again(tmp_path, broker):
    nowhere = f"mqtt://127.0.0.1:{free_port()}"
    first = Station(tmp_path, "--speed", "20", "--broker", nowhere, "--station-id", STATION)
    try:
        wait_until(lambda: len(first.of_type("rep")) >= 5, what="five reps")
    finally:
        first.kill()
    unsent = outbox_seqs(first, "sent_at IS NULL")
    assert len(unsent) >= 5 and unsent == outbox_seqs(first)
    listener = Listener(broker.port)
    again = Station(tmp_path, "--speed", "20", "--duration", "10", "--broker", broker.url,
                    "--station-id", STATION)
    again.process.wait(timeout=60)
    again.stop()
    wait_until(lambda: set(outbox_seqs(again)) <= set(listener.seqs(STATION)), what="every entry")
    assert all_sent(again)
    assert first_occurrences(listener.seqs(STATION)) == outbox_seqs(again)
    assert set(unsent) < set(outbox_seqs(again))
    sessions = {m["body"]["session"] for m in listener.log_entries(STATION) if m["kind"] == "session"}
    assert len(sessions) == 2  # the killed run's session and the new one
    listener.close()


def test_a_replay_command_sends_the_log_again_from_that_sequence(tmp_path, broker):
    listener = Listener(broker.port)
    station = Station(tmp_path, "--speed", "5", "--broker", broker.url, "--station-id", STATION)
    try:
        wait_until(lambda: len(listener.seqs(STATION)) >= 12, what="twelve entries")
        wait_until(lambda: listener.statuses(STATION), what="the station's birth")
        before = len(listener.seqs(STATION))
        listener.publish(f"jumpmat/v1/gym/station/{STATION}/cmd",
                         {"v": 1, "cmd": "replay", "id": "r-1", "from_seq": 3})
        listener.publish(f"jumpmat/v1/gym/station/{STATION}/cmd",  # the same command again
                         {"v": 1, "cmd": "replay", "id": "r-1", "from_seq": 3})
        wait_until(lambda: 3 in listener.seqs(STATION)[before:], what="seq 3 again")
    finally:
        station.stop()
    wait_until(lambda: all_sent(station), what="every entry marked sent")
    seqs = listener.seqs(STATION)
    again = seqs[seqs.index(3, 3):]
    replayed = [seq for seq in again[:again.index(max(again)) + 1]]
    assert first_occurrences(replayed)[:5] == [3, 4, 5, 6, 7]
    assert seqs.count(3) == 2  # the repeated command id was acted on once
    listener.close()


def test_the_status_says_what_is_waiting_and_a_clean_stop_leaves_offline_retained(tmp_path, broker):
    listener = Listener(broker.port)
    station = Station(tmp_path, "--speed", "20", "--duration", "8", "--broker", broker.url,
                      "--station-id", STATION)
    station.process.wait(timeout=60)
    station.stop()
    statuses = listener.statuses(STATION)
    online = [s for s in statuses if s["state"] == "online"]
    assert online and set(online[0]) == {
        "v", "station", "state", "at", "seq_last", "seq_sent", "waiting", "session", "athlete",
        "set_reps", "last_rating", "sensors", "calibrated_at", "free_disk_mb", "version"}
    assert online[0]["seq_last"] - online[0]["seq_sent"] <= online[0]["waiting"] + online[0]["seq_sent"]
    assert statuses[-1] == {"v": 1, "station": STATION, "state": "offline"}
    listener.close()
    late = Listener(broker.port)  # retained: a newcomer learns the station is offline
    wait_until(lambda: late.statuses(STATION), what="the retained status")
    assert late.statuses(STATION)[-1]["state"] == "offline"
    late.close()
