"""The release, written only from a validated package: the release folder and zip (``write``), the exports
(``export``), the codebook and the release README (``codebook``), the documentation site (``site``); and what
reads a release back: ``verify`` (checksums, validation, exports), ``cite`` and ``diff``. It stands on
``ddsc.package`` and ``ddsc.validation``; it imports nothing from the pipeline."""
