"""Derived steps: the validated, typed core tables turned into derived tables (panels, joins). Each module
declares its ``STEP``; ``ddsc.pipeline.steps`` lists them."""
