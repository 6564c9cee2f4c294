"""A real headless Chromium (Debian's chromium and chromium-driver) driven
by selenium, for the web pages' tests.

Running as root needs --no-sandbox; the other switches keep the browser from
reaching the internet on its own (updates, sync, field trials), and each
browser gets a new empty profile.
"""

from __future__ import annotations

import shutil
import tempfile

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SWITCHES = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--hide-scrollbars")


def chromium_or_skip():
    if not (shutil.which("chromium") or shutil.which(CHROMIUM)) or \
            not (shutil.which("chromedriver") or shutil.which(CHROMEDRIVER)):
        pytest.skip("Chromium is not installed (Debian packages chromium and chromium-driver); "
                    ".ci/run installs them")


#: Every host name but the loopback address fails to resolve: a gym network
#: with no internet, as far as the page can tell.
NO_INTERNET = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


def start_browser(width: int = 1920, height: int = 1080, internet: bool = True):
    """A new headless Chromium with an empty profile; ``.quit()`` it after.
    ``internet=False``: it reaches nothing but 127.0.0.1."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="jumpmat-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or CHROMIUM
    for switch in SWITCHES:
        options.add_argument(switch)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    if not internet:
        options.add_argument(NO_INTERNET)
    service = Service(executable_path=shutil.which("chromedriver") or CHROMEDRIVER)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    driver.profile_dir = profile
    return driver


def quit_browser(driver) -> None:
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)


def viewport(driver, width: int, height: int) -> None:
    """The page's viewport exactly ``width`` x ``height`` CSS pixels (a phone's)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800})


def wait_for(driver, condition, timeout_s: float = 30.0, what: str = "the page"):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout_s, poll_frequency=0.02).until(
        lambda d: condition(d), message=f"{what} did not happen in {timeout_s} s")


def submit(driver, element) -> None:
    """Click ``element`` and wait for the page the form leads to (a click
    returns before the browser has the new page)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 30, poll_frequency=0.02).until(expected_conditions.staleness_of(old))
    WebDriverWait(driver, 30, poll_frequency=0.02).until(
        lambda d: d.execute_script("return document.readyState") == "complete")
