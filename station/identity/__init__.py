"""Who is on the mat, from an RFID wristband or card tapped on a reader (docs/identity.md).

``tags`` normalises tag ids; ``rdm6300``, ``lines`` and ``keys`` find tags in
what readers send (pure: bytes or key events in, tags out); ``debounce``
makes a card held on a reader one tap; ``serial_reader``, ``evdev_reader``
and ``reader`` are the threads that own the devices; ``roster`` the small
interface that resolves a tag to an athlete; ``tap_in`` decides who is up.
"""
