"""Normalisation rules, one module per concern; `site_builder.speech.normalizer` runs them in order."""
