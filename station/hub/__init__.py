"""The class hub (docs/network.md): one service that keeps every station's
log in ``hub.db`` exactly once, asks a station to send again what went
missing, starts one challenge on many mats and serves the HTTP API.

``schema.py``/``db.py`` the hub's SQLite file; ``validate.py`` what a
station's message must look like; ``sequences.py`` gaps in a station's
sequence and when to ask for a replay; ``store.py`` writing entries;
``link.py`` the MQTT connection; ``writer.py`` the thread that stores and
acknowledges; ``challenges.py`` class challenges and their standings;
``publish.py`` what the hub publishes retained; ``commands.py`` its
payloads; ``api/`` the HTTP API; ``token.py`` its token; ``broker.py`` a
mosquitto run by the hub; ``accounts.py`` station passwords and the ACL;
``service.py`` the whole hub as one process.
"""
