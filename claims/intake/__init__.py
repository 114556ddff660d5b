"""Intake engines: where claims come from before a person records them.

Pure where they can be (no database, no network): sentence splitting, language detection,
speaker guesses and check-worthiness scoring work on plain strings, so they can be tested
and benchmarked alone. `claims.intake.candidates` joins them to the article index and the
claims (reads only); every write goes through `claims.services.candidates`.
"""
