"""The coach's login: the PIN as a salted scrypt hash, cookies the page's
scripts cannot read and other sites cannot send, a CSRF token on every
form, and five wrong PINs locking the client out for a minute."""

import subprocess
import sys

import pytest

from station.hub.web.lockout import Lockout
from station.hub.web.pin import PIN_FILE, pin_matches, set_pin
from station.errors import UserError
from web_client import PIN, csrf_of, hub_app, log_in


@pytest.fixture
def client(tmp_path):
    with hub_app(tmp_path / "hub") as client:
        yield client


def test_the_pin_is_kept_only_as_a_salted_scrypt_hash(tmp_path):
    set_pin(tmp_path, "4711")
    first = (tmp_path / PIN_FILE).read_text()
    set_pin(tmp_path, "4711")
    second = (tmp_path / PIN_FILE).read_text()
    assert "4711" not in first and first.startswith("scrypt$")
    assert first != second  # a new salt each time
    assert (tmp_path / PIN_FILE).stat().st_mode & 0o777 == 0o600
    assert pin_matches(tmp_path, "4711") and not pin_matches(tmp_path, "4712")


def test_a_pin_too_short_is_refused_in_a_sentence(tmp_path):
    with pytest.raises(UserError, match="4 to 64 characters"):
        set_pin(tmp_path, "12")


def test_set_pin_reads_the_pin_from_standard_input(tmp_path):
    done = subprocess.run([sys.executable, "-m", "station", "hub", "set-pin", "--data-dir",
                           str(tmp_path)], input="2468\n", capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert pin_matches(tmp_path, "2468")
    assert "2468" not in done.stdout


def test_the_coach_page_asks_for_the_login_first(client):
    response = client.get("/coach", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_right_pin_opens_a_session_in_a_strict_httponly_cookie(client):
    response = log_in(client)
    assert response.status_code == 303 and response.headers["location"] == "/coach"
    cookie = response.headers["set-cookie"]
    assert "jm_coach=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/coach", follow_redirects=False).status_code == 200


def test_a_form_without_its_csrf_token_is_refused(client):
    csrf_of(client, "/login")  # the browser has its cookie, but the form leaves the token out
    response = client.post("/login", data={"pin": PIN}, follow_redirects=False)
    assert response.status_code == 403
    wrong = client.post("/login", data={"pin": PIN, "csrf": "x" * 43}, follow_redirects=False)
    assert wrong.status_code == 403
    assert "jm_coach" not in client.cookies


def test_five_wrong_pins_lock_the_client_out_even_for_the_right_one(client):
    for _ in range(4):
        assert log_in(client, "0000").status_code == 401
    fifth = log_in(client, "0000")
    assert fifth.status_code == 429 and int(fifth.headers["retry-after"]) == 60
    assert log_in(client).status_code == 429


def test_the_lock_lasts_exactly_its_time_and_then_counting_starts_again():
    now = [100.0]
    lockout = Lockout(max_wrong=5, lockout_s=60.0, clock_s=lambda: now[0])
    assert [lockout.wrong("a") for _ in range(5)] == [False] * 4 + [True]
    now[0] = 159.999
    assert lockout.locked_for_s("a") == pytest.approx(0.001)
    assert lockout.locked_for_s("b") == 0
    now[0] = 160.0
    assert lockout.locked_for_s("a") == 0
    assert lockout.wrong("a") is False  # a fresh count after the lock


def test_a_right_pin_clears_the_wrong_ones():
    lockout = Lockout(max_wrong=5, lockout_s=60.0, clock_s=lambda: 0.0)
    for _ in range(4):
        lockout.wrong("a")
    lockout.right("a")
    assert [lockout.wrong("a") for _ in range(4)] == [False] * 4


def test_logging_out_ends_the_session(client):
    log_in(client)
    token = csrf_of(client, "/coach")
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert client.get("/coach", follow_redirects=False).status_code == 303


def test_a_login_link_never_sends_the_coach_to_another_site(client):
    token = csrf_of(client, "/login")
    response = client.post("/login", data={"pin": PIN, "csrf": token,
                                           "next": "//evil.example/"}, follow_redirects=False)
    assert response.headers["location"] == "/coach"
