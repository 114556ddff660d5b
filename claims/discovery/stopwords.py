"""bm25s's Norwegian and English stop-word lists, without importing bm25s.

Importing the `bm25s` package imports numpy and scipy.sparse (~30 MB and ~0.2 s in every
process), which the web processes and a Celery worker's main process never use: only the
ranking does (`claims.discovery.ranking`, imported where it ranks). Its stop-word lists are
a module of plain tuples with no imports of its own, so it is loaded from its file alone.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def _load() -> ModuleType:
    # find_spec of a top-level package locates it without running its __init__.
    package = importlib.util.find_spec("bm25s")
    if package is None or not package.submodule_search_locations:
        raise ImportError("bm25s is not installed (requirements.txt)")
    path = Path(next(iter(package.submodule_search_locations))) / "stopwords.py"
    spec = importlib.util.spec_from_file_location("claims.discovery._bm25s_stopwords", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_lists = _load()
STOPWORDS_NORWEGIAN: tuple[str, ...] = tuple(_lists.STOPWORDS_NORWEGIAN)
STOPWORDS_EN_PLUS: tuple[str, ...] = tuple(_lists.STOPWORDS_EN_PLUS)
