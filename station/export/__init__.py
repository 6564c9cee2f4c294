"""Export: the session log onto a USB stick as CSV, JSON, PNG charts and the
raw recordings, written so that a full, read-only or pulled-out stick never
leaves an incomplete file behind. docs/export.md describes what is written.

``exporter.export_log`` does the export; ``usb`` finds sticks and unmounts
them; ``job.ExportJob`` runs the export as a child process for the kiosk,
then the unmount.
"""
