"""What the Triage page says about a result, in plain words (plain data; the page escapes what it renders).

Figures in these sentences come from the model's metadata (its calibration target and validation figures) and
from evaluations recorded beside it (``evaluate triage --data``), never from hand-written numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.labels import RED_FLAG_SEVERITIES, service_title
from core.modeling import evaluations, load_info


def _share(x: float) -> str:
    return f"{round(100 * x)} in 100"


def threshold_basis(artifact: Path | None) -> str:
    """How the abstention threshold was chosen and how right the answers above it are, as measured for this model:
    on its held-out synthetic notes, and on the latest real labelled data evaluated on this installation."""
    if artifact is None:
        return "The threshold comes with the model."
    info = load_info(artifact)
    target = info.calibration.get("target_accuracy")
    said = (f"The threshold was set on held-out synthetic notes so that the answers given above it are right "
            f"{_share(target)} there" if target else "The threshold was set on held-out synthetic notes")
    measured = (info.metrics.get("validation") or {}).get("selective_accuracy")
    if measured is not None:
        said += f" (measured: {_share(measured)})"
    real = [e for e in evaluations(artifact) if e.get("task") == "triage" and e.get("data") != "synthetic held-out"
            and (e.get("metrics") or {}).get("selective_accuracy") is not None]
    if real:
        last = real[-1]
        said += (f"; on {last['metrics'].get('n', '?')} labelled notes of {Path(str(last['data'])).name} "
                 f"({str(last.get('date', ''))[:10]}), {_share(last['metrics']['selective_accuracy'])}")
    else:
        said += "; it has not been measured on real notes on this installation"
    return said + ". Below it the model does not decide, a person does."


def outcome_text(result: Any, artifact: Path | None = None) -> tuple[str, str]:
    """(headline, explanation) of a triage outcome, in plain words."""
    title = service_title(result.service)
    if result.uncertain:
        return ("Uncertain: route to a human",
                f"The most likely service is {title} at {result.confidence:.0%}, below the "
                f"{result.threshold:.0%} confidence threshold. {threshold_basis(artifact)}")
    return (f"Route to {title}",
            f"Calibrated probability {result.confidence:.0%} (above the {result.threshold:.0%} threshold "
            "under which the model defers to a human).")


def red_flag_rows(result: Any, text: str) -> list[dict[str, Any]]:
    """Red flags, most severe first: name, severity, description, trigger words and their spans."""
    rows = []
    for flag in result.red_flags:
        triggers: list[str] = []
        for t in flag.triggers:
            word = text[t.start:t.end]
            if word not in triggers:
                triggers.append(word)
        rows.append({"name": str(flag.name).replace("_", " ").capitalize(), "severity": str(flag.severity),
                     "description": getattr(flag, "description", "") or "", "triggers": triggers,
                     "spans": tuple(flag.triggers)})
    order = {s: i for i, s in enumerate(RED_FLAG_SEVERITIES)}
    rows.sort(key=lambda r: order.get(r["severity"].lower(), len(order)))
    return rows


def is_severe(severity: str) -> bool:
    """Whether a red flag is shown as an error (every known red-flag severity is urgent; anything else warns)."""
    return severity.lower() in RED_FLAG_SEVERITIES
