"""`manage.py train_checkworthiness`: retrain the check-worthiness model and write a new version.

Trains on the train split of the shipped labelled set plus every accept/dismiss decision
the desk has made on candidates (never on the held-out split), then writes
`checkworthiness-v<N+1>.json` into CHECKWORTHINESS_MODEL_DIR, which the scorer picks up as
the newest model. `--output` writes somewhere else (e.g. the shipped model file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.intake import checkworthiness as cw
from claims.selectors_candidates import desk_decisions


class Command(BaseCommand):
    help = "Retrain the check-worthiness model from the shipped labelled set and the desk's decisions."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", help="Write the model here instead of the next version in the model directory")
        parser.add_argument("--no-desk", action="store_true", help="Leave out the desk's accept/dismiss decisions")
        parser.add_argument("--c", type=float, help="Regularisation strength (default: chosen by cross-validation)")
        parser.add_argument("--model-version", type=int, help="Version number to give the model (default: next one)")

    def handle(self, *args: Any, **options: Any) -> None:
        examples = [e for e in cw.load_examples() if e.split == "train"]
        shipped = len(examples)
        if not options["no_desk"]:
            examples += [
                cw.Example(id=f"desk:{pk}", language=lang, label=label, text=text)
                for pk, lang, text, label in desk_decisions()
            ]
        directory = Path(settings.CHECKWORTHINESS_MODEL_DIR)
        current = cw.current_model().version if cw.model_path().exists() else 0
        known = [v for v, _p in cw.versioned_models(directory)]
        version = options["model_version"] or max([current, *known]) + 1
        try:
            model = cw.train(examples, version=version, c=options["c"], note="manage.py train_checkworthiness")
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        path = Path(options["output"]) if options["output"] else directory / f"checkworthiness-v{version}.json"
        model.save(path)
        self.stdout.write(
            f"Model v{version}: {shipped} shipped + {len(examples) - shipped} desk examples, "
            f"C={model.meta['C']}, threshold {model.threshold:.3f}, {len(model.weights)} features -> {path}"
        )
