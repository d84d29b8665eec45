"""The conductor: the steps that produce tables, declared in order in one place (``steps``), what a step is
(``step``), the raw inputs checked against their manifests (``raw``), running the steps and the check that a
committed derived table equals its rebuild (``run``), and the repository's build on top of validation
(``repository``). Source steps are in ``sources``, derived steps in ``derived``. It stands on
``ddsc.package`` and ``ddsc.validation``; it imports nothing from the release."""
