"""Source steps: raw files beside the checkout, checked against ``sources/<source>/MANIFEST.csv``, turned
into core tables. Each module declares its ``STEP``; ``ddsc.pipeline.steps`` lists them."""
