"""Where readings come from: the mat, the load cells, the simulator, recordings.

Every source has the shape of ``station.sources.base.Source``, so the pipeline
and the main loop treat live hardware, the simulated athlete and a file alike.
"""
