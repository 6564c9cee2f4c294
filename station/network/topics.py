"""Topic names of the class network (docs/network.md), all under ``jumpmat/v1/<site>/``."""

PAYLOAD_VERSION = 1


def root(site: str) -> str:
    return f"jumpmat/v1/{site}/"


def status(site: str, station_id: str) -> str:
    return f"{root(site)}station/{station_id}/status"


def log(site: str, station_id: str) -> str:
    return f"{root(site)}station/{station_id}/log"


def cmd(site: str, station_id: str) -> str:
    return f"{root(site)}station/{station_id}/cmd"


def roster(site: str) -> str:
    return f"{root(site)}hub/roster"


def standings(site: str) -> str:
    return f"{root(site)}hub/standings"
