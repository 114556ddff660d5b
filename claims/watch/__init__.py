"""The watch engine: outbound feeds, recurrences of published claims, notifications, webhooks.

Like `claims.discovery`, the engine reads models and computes; writes go through
`claims.services.watch` and background work through the Celery tasks.
"""
