"""Demo desk data: a small, self-consistent newsroom around the January 2022 Geneva talks."""
