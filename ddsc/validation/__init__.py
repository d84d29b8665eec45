"""The judge: a package's tables checked against their Table Schemas as pandera schemas (``checks``), then
the rules a Table Schema cannot state (``rules``), all run by ``validate.check``. It stands on
``ddsc.package`` alone, never on the pipeline or the release, so that a change to a step or an export cannot
change how a package is judged."""
