"""summarizer: plain-language leaflets from ClinicalTrials.gov study records.

The pipeline, one module per stage (see ``build.py`` for the whole path):

load (``load.py``: record file -> ``Study``) -> explain (``explain.py``: ``Study`` -> ``Leaflet``)
-> render (``render.py``: HTML, fragment, PDF) -> check (``check.py``: reading level)
-> write (``write.py``: atomic files).
"""

__version__ = "0.1.0"
