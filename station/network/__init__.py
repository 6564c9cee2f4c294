"""The class network: the station's side (docs/network.md).

Imported only when ``[network] broker`` or ``--broker`` is given, so a station
without a network has no thread and no MQTT client.
"""
