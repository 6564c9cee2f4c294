"""The athlete's screens: attract, weigh-in, live set, summary (with its set link), picker, history, and the banners across every screen."""
