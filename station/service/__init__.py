"""How the station runs as an appliance: telling systemd how it is doing,
and checking the machine it runs on (`station doctor`)."""
