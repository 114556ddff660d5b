"""The discovery engine: the one hardened HTTP client, providers, extraction, ranking, duplicates."""
