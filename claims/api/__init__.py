"""The REST API: partners, newsroom tools and the desk's own scripts read and write claims here.

A thin face over `claims.services` (every write) and `claims.selectors` (every read).
"""
