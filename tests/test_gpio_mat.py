"""The switch mat on the Pi's GPIO, on gpiozero's MockFactory.

Pins are driven as a foot on a zone would drive them. Exact edge times are
delivered the way lgpio's kernel-stamped edges reach gpiozero: a pin calls
``PiPin._call_when_changed(ticks, state)`` (LGPIOPin does so with the
kernel's timestamp in seconds), here with ticks the test chooses.
"""

import time

import pytest
from gpiozero import Button
from gpiozero.pins.mock import MockFactory, MockPin
from gpiozero.pins.pi import PiPin

from station.analysis.events import Contact, Flight
from station.analysis.pipeline import Pipeline
from station.commands.doctor import check_device_counts
from station.errors import UserError
from station.readings import BACK, FRONT, MAT, MatEdge
from station.service.checks import NOTE
from station.sources.device_status import WRITE_EVERY_S, DeviceStatus
from station.sources.gpio_mat import NO_GPIO, GpioMat
from gpio_host import on_a_pi

#: Differences of edge times against differences of ticks: float rounding only.
EXACT_S = 1e-9


class StampedPin(MockPin):
    """A MockPin that can change at chosen ticks, as a kernel-stamped edge does."""

    def drive_at(self, ticks: float, high: bool) -> None:
        self._change_state(high)
        # The call LGPIOPin makes (through LocalPiPin) with lgpio's timestamp / 1e9.
        PiPin._call_when_changed(self, ticks, int(high))


class MicrosecondTicksFactory(MockFactory):
    """Ticks like pigpio's: a 32-bit count of microseconds on another clock."""

    @staticmethod
    def ticks():
        return int(time.monotonic() * 1e6) & 0xFFFFFFFF


@pytest.fixture
def factory():
    factory = MockFactory(pin_class=StampedPin)
    yield factory
    factory.close()


@pytest.fixture
def mats(factory):
    """Make mats on the mock factory; every one is closed after the test."""
    made = []

    def make(pins, **options):
        mat = GpioMat(pins, pin_factory=factory, **options)
        made.append(mat)
        return mat

    yield make
    for mat in made:
        mat.close()


def test_a_foot_on_a_zone_pulls_its_pin_low_and_closes_the_zone(factory, mats):
    mat = mats({MAT: 17})
    start = mat.start()
    factory.pin(17).drive_low()
    factory.pin(17).drive_high()
    edges = mat.read(float("inf"))
    assert start.contact_by_zone == {MAT: False}
    assert [(edge.zone, edge.contact) for edge in edges] == [(MAT, True), (MAT, False)]
    assert start.time_s <= edges[0].time_s <= edges[1].time_s <= time.monotonic() - mat.origin_s


def test_a_zone_already_closed_at_start_starts_in_contact(factory, mats):
    mat = mats({MAT: 17})
    factory.pin(17).drive_low()
    assert mat.start().contact_by_zone == {MAT: True}


def test_an_edge_is_timed_by_its_ticks_not_by_when_it_was_delivered(factory, mats):
    origin_s = time.monotonic()
    mat = mats({MAT: 17}, origin_s=origin_s)
    start = mat.start()
    ticks = origin_s + start.time_s + 0.010
    time.sleep(0.060)  # delivered 50 ms after it happened
    factory.pin(17).drive_at(ticks, high=False)
    assert mat.read(float("inf")) == [MatEdge(ticks - origin_s, MAT, True)]


def test_flights_and_contacts_through_the_pipeline_are_the_differences_of_the_ticks(factory, mats):
    origin_s = time.monotonic()
    mat = mats({MAT: 17}, origin_s=origin_s)
    pin = factory.pin(17)
    pin.drive_low()
    start = mat.start()
    durations_s = [0.3123456789, 0.2034567891, 0.4187654321, 0.1776543219, 0.3501234567]
    ticks = [origin_s + start.time_s + 0.5]
    for duration_s in durations_s:
        ticks.append(ticks[-1] + duration_s)
    for index, stamp in enumerate(ticks):
        pin.drive_at(stamp, high=index % 2 == 0)  # take-off, landing, take-off, ...
        if index % 2:
            # Chatter after a landing must not move it.
            pin.drive_at(stamp + 0.001, high=True)
            pin.drive_at(stamp + 0.002, high=False)
    pipeline = Pipeline()
    events = pipeline.start(start) + pipeline.feed(mat.read(float("inf")))
    events += pipeline.finish(ticks[-1] - origin_s + 2.0)
    flights = [event for event in events if isinstance(event, Flight)]
    contacts = [event for event in events if isinstance(event, Contact) and event.duration_s is not None]
    expected_flights = [ticks[1] - ticks[0], ticks[3] - ticks[2], ticks[5] - ticks[4]]
    expected_contacts = [ticks[2] - ticks[1], ticks[4] - ticks[3]]
    measured_flights = [flight.landing_s - flight.takeoff_s for flight in flights]
    assert measured_flights == pytest.approx(expected_flights, abs=EXACT_S)
    assert [contact.duration_s for contact in contacts] == pytest.approx(expected_contacts, abs=EXACT_S)
    assert flights[0].takeoff_s == ticks[0] - origin_s


def test_two_zones_report_their_own_edges_in_time_order(factory, mats):
    origin_s = time.monotonic()
    mat = mats({FRONT: 17, BACK: 27}, origin_s=origin_s)
    front, back = factory.pin(17), factory.pin(27)
    front.drive_low()
    start = mat.start()
    t0 = origin_s + start.time_s + 0.2
    front.drive_at(t0, high=True)           # take-off backwards
    back.drive_at(t0 + 0.35, high=False)    # landing on the back
    # The forward landing's callback comes before the back's take-off's.
    front.drive_at(t0 + 0.92, high=False)
    back.drive_at(t0 + 0.55, high=True)
    edges = mat.read(float("inf"))
    assert start.contact_by_zone == {FRONT: True, BACK: False}
    assert [(edge.time_s, edge.zone, edge.contact) for edge in edges] == [
        (t0 - origin_s, FRONT, False),
        (t0 + 0.35 - origin_s, BACK, True),
        (t0 + 0.55 - origin_s, BACK, False),
        (t0 + 0.92 - origin_s, FRONT, True),
    ]
    pipeline = Pipeline()
    events = pipeline.start(start) + pipeline.feed(edges) + pipeline.finish(t0 - origin_s + 3.0)
    assert [event.direction for event in events if isinstance(event, Flight)] == ["backward", "forward"]


def test_edges_after_until_wait_for_a_later_read(factory, mats):
    origin_s = time.monotonic()
    mat = mats({MAT: 17}, origin_s=origin_s)
    start = mat.start()
    first, second = origin_s + start.time_s + 0.1, origin_s + start.time_s + 0.3
    factory.pin(17).drive_at(first, high=False)
    factory.pin(17).drive_at(second, high=True)
    assert mat.read(start.time_s + 0.2) == [MatEdge(first - origin_s, MAT, True)]
    assert mat.read(start.time_s + 0.2) == []
    assert mat.read(float("inf")) == [MatEdge(second - origin_s, MAT, False)]


def test_active_high_mat_pulls_down_and_closes_on_high(factory, mats):
    mat = mats({MAT: 17}, active_low=False)
    start = mat.start()
    factory.pin(17).drive_high()
    assert factory.pin(17).pull == "down"
    assert start.contact_by_zone == {MAT: False}
    assert [edge.contact for edge in mat.read(float("inf"))] == [True]


def test_a_pin_another_device_holds_is_a_user_error(factory, mats):
    button = Button(17, pin_factory=factory)
    with pytest.raises(UserError) as raised:
        mats({MAT: 17})
    button.close()
    assert str(raised.value) == ("GPIO 17 is already in use by another program or device; choose "
                                 "another pin in [mat] pins, or stop the other program.")


def test_a_second_mat_on_the_same_pin_is_refused_until_the_first_is_closed(factory, mats):
    first = mats({FRONT: 17, BACK: 27})
    with pytest.raises(UserError, match="GPIO 27 is already in use"):
        mats({MAT: 27})
    first.close()
    mats({MAT: 27}).start()


def test_a_pin_that_is_not_a_gpio_is_a_user_error(mats):
    with pytest.raises(UserError, match="GPIO 99 is not a GPIO pin on this board"):
        mats({MAT: 99})


@pytest.mark.parametrize("pins", [{"left": 17}, {FRONT: 17}, {FRONT: 17, BACK: 17}, {MAT: "17"}])
def test_pins_that_make_no_mat_are_a_user_error(mats, pins):
    with pytest.raises(UserError, match=r"\[mat\] pins"):
        mats(pins)


def test_a_pin_with_a_fixed_pull_up_cannot_read_an_active_high_mat(mats):
    with pytest.raises(UserError, match="GPIO 2 has a fixed pull resistor"):
        mats({MAT: 2}, active_low=False)


def test_a_factory_timing_edges_on_another_clock_is_refused():
    with pytest.raises(UserError, match="MicrosecondTicksFactory pin factory times edges on a clock"):
        GpioMat({MAT: 17}, pin_factory=MicrosecondTicksFactory())


@pytest.mark.skipif(on_a_pi(), reason="a Raspberry Pi has GPIO pins")
def test_a_computer_without_gpio_is_a_user_error(no_default_factory, monkeypatch):
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "native")
    with pytest.raises(UserError) as raised:
        GpioMat({MAT: 17})
    assert str(raised.value) == NO_GPIO


def test_the_factory_named_by_gpiozero_s_environment_variable_is_used(no_default_factory, monkeypatch):
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "mock")
    mat = GpioMat({MAT: 17})
    try:
        assert isinstance(mat.factory, MockFactory)
        assert mat.start().contact_by_zone == {MAT: False}
    finally:
        mat.close()


def test_a_stalled_loop_loses_the_oldest_edges_of_a_chattering_switch_counted(factory, mats, monkeypatch):
    monkeypatch.setattr(GpioMat, "MAX_ARRIVED", 6)
    mat = mats({MAT: 17})
    mat.start()
    for _ in range(5):
        factory.pin(17).drive_low()
        factory.pin(17).drive_high()
    edges = mat.read(float("inf"))
    assert mat.dropped == 4
    assert [edge.contact for edge in edges] == [True, False] * 3


def test_the_edges_a_stalled_loop_lost_reach_the_doctor(factory, mats, monkeypatch, tmp_path):
    monkeypatch.setattr(GpioMat, "MAX_ARRIVED", 6)
    mat = mats({MAT: 17})
    mat.start()
    status = DeviceStatus(tmp_path, mat)
    status.update()
    for _ in range(5):
        factory.pin(17).drive_low()
        factory.pin(17).drive_high()
    [(counted, grown)] = status.update(final=True)
    assert counted.device == "GPIO mat" and grown == {"dropped": 4}
    [(kind, line)] = check_device_counts(tmp_path)
    assert kind == NOTE and line.startswith("GPIO mat, last run (since ")
    assert line.endswith(": 4 edges the station could not keep up with")


def test_device_counts_are_looked_at_once_a_second_at_most(factory, mats, monkeypatch, tmp_path):
    monkeypatch.setattr(GpioMat, "MAX_ARRIVED", 2)
    mat = mats({MAT: 17})
    mat.start()
    now_s = [100.0]
    status = DeviceStatus(tmp_path, mat, clock=lambda: now_s[0])
    assert status.update() == [] and (tmp_path / "devices.json").exists()
    for _ in range(3):
        factory.pin(17).drive_low()
        factory.pin(17).drive_high()
    now_s[0] = 100.0 + WRITE_EVERY_S - 0.001
    assert status.update() == []
    now_s[0] = 100.0 + WRITE_EVERY_S
    [(_, grown)] = status.update()
    assert grown == {"dropped": 4}

