"""NoteLens command line: ``notelens {train,evaluate,predict} <task> ...`` (or ``python -m core.cli``), plus
``notelens users ...`` (who can sign in), ``notelens audit {verify,list}``, ``notelens models {list,compare,promote,
rollback,register-eval,unregister-eval}`` (which model version serves, checked before it does) and the retention
commands ``notelens {purge,forget,hash}``.

Every task of the registry (:data:`core.tasks.TASKS`) gets the same commands with the same options, so a task
has ``train --data``, ``train --with-feedback``, ``evaluate --data`` and ``predict --explain`` because it is
registered. Long-running commands show progress bars on stderr; ``train`` and ``evaluate`` print their result
as one JSON object on the last line of stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from core.tasks import TASKS, ModelMissing, Task, get_task
from core.tasks import workflows as wf

app = typer.Typer(help="NoteLens: clinical-note triage, medications, conditions and treatment suggestions.",
                  no_args_is_help=True, add_completion=False)
train_app = typer.Typer(help="Train models (default models from synthesized notes, or on your own data).",
                        no_args_is_help=True)
evaluate_app = typer.Typer(help="Measure a trained model on labelled data (last line: JSON).", no_args_is_help=True)
predict_app = typer.Typer(help="Run a trained model on a note (JSON).", no_args_is_help=True)
app.add_typer(train_app, name="train")
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(predict_app, name="predict")


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


def _emit(result: dict[str, Any]) -> None:
    typer.echo(json.dumps(result, sort_keys=True, default=str))


def _guarded(fn: Callable[[], None]) -> None:
    """Run ``fn``, turning a user's mistake (a bad file, a missing model) into a message and exit status 2."""
    try:
        fn()
    except (ValueError, ModelMissing) as exc:
        _err(str(exc))
        raise typer.Exit(2) from None


def _label_map(pairs: list[str] | None) -> dict[str, str] | None:
    from core.ner.data import parse_label_map

    return parse_label_map(pairs) if pairs else None


DataOpt = Annotated[Path | None, typer.Option("--data", "--indications", exists=True, dir_okay=False,
                                                 readable=True, help="Your labelled file (see the task's help).")]
LabelMapOpt = Annotated[list[str] | None, typer.Option(
    "--label-map", help="Rename the file's labels, e.g. Chemical=DRUG (repeatable); unmapped labels are ignored.")]
ModelOpt = Annotated[Path | None, typer.Option("--model", help="Artifact folder (default: the current one).")]


def _train_command(task: Task) -> Callable[..., None]:
    def command(
        data: DataOpt = None,
        label_map: LabelMapOpt = None,
        init: Annotated[str, typer.Option(help="With --data: start from the 'default' model or the 'base' encoder.")]
        = "default",
        epochs: Annotated[float | None, typer.Option(help="Epochs over the training data.")] = None,
        notes: Annotated[int | None, typer.Option(help="Synthesized notes for the default model.")] = None,
        seed: Annotated[int | None, typer.Option(help="Random seed (default: the shipped model's).")] = None,
        cv: Annotated[int, typer.Option(help="With --data: k-fold cross-validation instead of one model.")] = 0,
        if_missing: Annotated[bool, typer.Option("--if-missing", help="Do nothing when a model already exists.")]
        = False,
        with_feedback: Annotated[bool, typer.Option("--with-feedback", help="Add the notes people corrected on the "
                                                    "pages to the training data.")] = False,
        balance: Annotated[bool, typer.Option("--balance", help="Weight the loss by inverse label frequency "
                                              "(triage; on MTSamples 5-fold it lowered fold-1 macro-F1 0.80 -> "
                                              "0.75).")] = False,
        overrides: Annotated[list[str] | None, typer.Option("--set", help="Any training option, NAME=VALUE "
                                                               "(repeatable), e.g. --set max_seconds=600.")] = None,
    ) -> None:
        def run() -> None:
            options = wf.parse_overrides(task, overrides or [])
            options.update({k: v for k, v in (("epochs", epochs), ("n_notes", notes), ("seed", seed)) if v is not None})
            if balance:
                options["balance_classes"] = True
            if init not in ("default", "base"):
                raise ValueError("--init is 'default' or 'base'")
            result = wf.train(task, data=data, label_map=_label_map(label_map), init=init,
                              with_feedback=with_feedback, cv=cv, if_missing=if_missing, log=_err, **options)
            _audit_models([result])
            _emit(result)

        _guarded(run)

    command.__doc__ = f"{task.description} Default: trained on synthesized notes. --data: {task.data_help}"
    return command


def _audit_models(results: list[dict[str, Any]]) -> None:
    """A newly trained model is the one the pages use from their next run: a model change, audited as
    ``model_promoted`` (by ``cli:<OS user>``) with where its data came from."""
    trained = [r for r in results if r.get("trained") and r.get("serving", True)]  # a candidate serves nothing yet
    if not trained:
        return
    from core import audit

    _db()
    for r in trained:
        audit.record(_default_actor(), "model_promoted", f"model:{r['task']}/{r['version']}",
                     {"n_train": r.get("n_train"), "source": str(r.get("source") or "")[-200:]})


def _evaluate_command(task: Task) -> Callable[..., None]:
    def command(
        data: DataOpt = None,
        label_map: LabelMapOpt = None,
        model: ModelOpt = None,
        details: Annotated[Path | None, typer.Option(help="Also write per-item results (JSON) here.")] = None,
        dictionary: Annotated[bool, typer.Option(
            "--dictionary", help="Score the task's dictionaries alone, no model (span tasks, with --data): "
                                 "the floor a model has to beat.")] = False,
    ) -> None:
        def run() -> None:
            result = wf.evaluate(task, data=data, label_map=_label_map(label_map), model=model,
                                 dictionary=dictionary, log=_err)
            rows = result.pop("details", None)
            if details is not None and rows is not None:
                details.write_text(json.dumps(rows, indent=1), encoding="utf-8")
            report = task.report(result)
            if report:
                _err(report)
            _emit(result)

        _guarded(run)

    command.__doc__ = (f"Measure the {task.name} model on --data ({task.data_help}) or, without it, on the "
                       "synthesized held-out notes. The result is also recorded beside the model.")
    return command


def _read_note(file: Path | None) -> str:
    from core.text import NoteError, read_upload

    raw = file.read_bytes() if file else sys.stdin.buffer.read()
    try:  # the same gate as the pages' upload: what is not text is refused, not read as latin-1
        return read_upload(raw, file.name if file else "standard input")
    except NoteError as exc:
        _err(str(exc))
        raise typer.Exit(2) from None


def _predict_command(task: Task) -> Callable[..., None]:
    def command(
        file: Annotated[Path | None, typer.Argument(help="Note file (default: standard input).")] = None,
        model: ModelOpt = None,
        explain: Annotated[bool, typer.Option(help="Also print the words that drove the output.")] = False,
        targets: Annotated[int, typer.Option(help="With --explain: how many outputs to explain, first first.")] = 1,
        fmt: Annotated[str, typer.Option("--format", help="json, or a task's own format (drugs: fhir).")] = "json",
        fhir: Annotated[bool, typer.Option("--fhir", help="Same as --format fhir.")] = False,
    ) -> None:
        text = _read_note(file)

        def run() -> None:
            name = "fhir" if fhir else fmt
            formats = task.formats()
            if name != "json" and name not in formats:
                raise ValueError(f"{task.name} has no format {name!r} (json{''.join(', ' + f for f in formats)})")
            loaded = task.load(model)
            result = task.run(loaded, text)
            if name != "json":
                typer.echo(formats[name](result))
                return
            out = result.to_dict()
            if explain:
                out["explanations"] = [_explanation(task.explain(loaded, text, result, t.key))
                                       for t in task.targets(result)[:targets]]
                if out["explanations"]:
                    out["explanation"] = out["explanations"][0]
            _emit(out)

        _guarded(run)

    command.__doc__ = f"{task.description} One note in, JSON out."
    return command


def _explanation(exp: Any) -> dict[str, Any]:
    return {"target": exp.target, "method": exp.method, "delta": exp.delta,
            "comprehensiveness": exp.comprehensiveness, "sufficiency": exp.sufficiency,
            "top_words": [[w.text, round(w.score, 4)] for w in exp.top(10)]}


for _task in TASKS.values():
    for _name in (_task.name, *_task.aliases):
        hidden = _name != _task.name
        train_app.command(_name, hidden=hidden)(_train_command(_task))
        evaluate_app.command(_name, hidden=hidden)(_evaluate_command(_task))
        predict_app.command(_name, hidden=hidden)(_predict_command(_task))


@train_app.command("all")
def train_all(
    if_missing: Annotated[bool, typer.Option("--if-missing", help="Skip models that already exist.")] = False,
) -> None:
    """Train every default model from synthesized notes, in order (what `make run` calls)."""
    import time

    t0 = time.perf_counter()
    def run() -> None:
        results = wf.train_all(if_missing=if_missing, log=_err)
        _audit_models(results)
        _emit({"tasks": results})

    _guarded(run)
    _err(f"default models ready in {time.perf_counter() - t0:.0f} s")


@evaluate_app.command("interactions")
def evaluate_interactions(
    pairs: Annotated[Path | None, typer.Option("--pairs", help="TSV with columns drug_a, drug_b (names): recall over "
                                               "the pairs the drug model recognizes.", exists=True, dir_okay=False)]
    = None,
    standard: Annotated[bool, typer.Option("--standard", help="Precision: the share of guideline combinations "
                                           "(core/knowledge/data/standard_combinations.yaml) raising a major flag.")]
    = False,
    burden: Annotated[int, typer.Option("--burden", help="Alert burden: flags per note by severity over this many "
                                        "synthesized notes' current medications (gold, no model).")] = 0,
    seed: Annotated[int, typer.Option(help="With --burden: the synthesizer's seed.")] = 13,
    details: Annotated[Path | None, typer.Option(help="Also write the missed pairs (JSON) here.")] = None,
) -> None:
    """Interaction checks: recall over known pairs (--pairs), precision on guideline combinations (--standard),
    flags per note (--burden N). Last line: JSON (the --standard and --burden figures under their own keys)."""
    import time

    from core.modeling import progress_bar
    from core.treatments import evaluate as ev
    from core.treatments.interactions import default_checker

    def run() -> None:
        if pairs is None and not standard and burden <= 0:
            raise ValueError("give --pairs FILE, --standard and/or --burden N")
        checker = default_checker()
        result: dict[str, Any] = {}
        if pairs is not None:
            drugs = get_task("drugs").load()
            t0 = time.perf_counter()
            result = ev.evaluate_interactions(drugs, checker, pairs, progress=progress_bar("pairs"))
            missed = result.pop("missed")
            if details:
                details.write_text(json.dumps(missed, indent=1), encoding="utf-8")
            result.update(drug_model=drugs.version, seconds=round(time.perf_counter() - t0, 1))
        if standard:
            from core.knowledge.interactions import standard_combinations

            t0 = time.perf_counter()
            std = ev.evaluate_standard(checker, standard_combinations().combinations)
            std["seconds"] = round(time.perf_counter() - t0, 1)
            for row in std["flagged_major"]:
                _err(f"major on a standard combination: {row['id']} ({row['pair']}): {'; '.join(row['fired'])}")
            result["standard"] = std
        if burden > 0:
            from core.synth.generator import NoteSynthesizer

            t0 = time.perf_counter()
            notes = NoteSynthesizer(seed=seed).generate(burden)
            out = ev.alert_burden(checker, [ev.current_medications(n) for n in notes])
            out.update(seed=seed, seconds=round(time.perf_counter() - t0, 1))
            result["burden"] = out
        _emit(result)

    _guarded(run)


# -- users and the audit trail ----------------------------------------------------------------------------------
users_app = typer.Typer(help="Who can sign in to the pages, and with which role (clinician, annotator, admin).",
                        no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail: who did what, when (hash-chained).", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")

PasswordStdinOpt = Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input "
                                                "(one line) instead of asking for it twice.")]


def _db() -> None:
    from core.db.engine import init_db

    init_db()


def _password(from_stdin: bool) -> str:
    """The new password: standard input's first line, or typed twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "-"


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ @ -; case-insensitive).")],
    role: Annotated[str, typer.Option("--role", help="clinician, annotator or admin.")],
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """Add a user (the password needs at least 12 characters)."""
    from core import auth

    def run() -> None:
        _db()
        auth.normalize_name(name), auth.check_role(role)  # before asking for the password
        user = auth.add_user(name, role, _password(password_stdin))
        typer.echo(f"added {user.name} ({user.role})")

    _guarded(run)


@users_app.command("list")
def users_list() -> None:
    """Every user: role, status, last sign-in (never a password hash)."""
    from core import auth
    from core.db.models import utcnow

    def run() -> None:
        _db()
        now = utcnow()
        rows = []
        for u in auth.list_users():
            status = ("disabled" if u.disabled else f"locked until {_when(u.locked_until)}"
                      if u.locked_until is not None and u.locked_until > now else "active")
            rows.append([u.name, u.role, status, _when(u.created_at), _when(u.last_sign_in), str(u.failed_count)])
        typer.echo(_table(["name", "role", "status", "created (UTC)", "last sign-in (UTC)", "failed"], rows))

    _guarded(run)


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Disable a user: they can no longer sign in (the last enabled admin cannot be disabled)."""
    from core import auth

    def run() -> None:
        _db()
        typer.echo(f"disabled {auth.disable_user(name).name}")

    _guarded(run)


@users_app.command("enable")
def users_enable(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Enable a disabled user again (also ends a lockout)."""
    from core import auth

    def run() -> None:
        _db()
        typer.echo(f"enabled {auth.enable_user(name).name}")

    _guarded(run)


@users_app.command("set-role")
def users_set_role(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Argument(help="clinician, annotator or admin.")],
) -> None:
    """Change a user's role."""
    from core import auth

    def run() -> None:
        _db()
        user = auth.set_role(name, role)
        typer.echo(f"{user.name} is now {user.role}")

    _guarded(run)


@users_app.command("set-password")
def users_set_password(
    name: Annotated[str, typer.Argument(help="User name.")],
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """Give a user a new password (also ends a lockout)."""
    from core import auth

    def run() -> None:
        _db()
        typer.echo(f"new password set for {auth.set_password(name, _password(password_stdin)).name}")

    _guarded(run)


@users_app.command("bootstrap")
def users_bootstrap() -> None:
    """Create the first user, admin, when there is no user yet (what `make run` calls; silent otherwise).

    The password comes from NOTELENS_ADMIN_PASSWORD, else a random one is printed, once."""
    import os

    from core import auth

    def run() -> None:
        _db()
        password = auth.bootstrap_admin()
        if password is None:
            return
        if os.environ.get(auth.ADMIN_PASSWORD_ENV):
            typer.echo(f"Created the first user '{auth.ADMIN_NAME}' with the password in {auth.ADMIN_PASSWORD_ENV}.")
            return
        typer.echo(f"Created the first user '{auth.ADMIN_NAME}'. Its one-time password (shown only now): {password}\n"
                   f"Sign in with it, then change it: notelens users set-password {auth.ADMIN_NAME}")

    _guarded(run)


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain. Last line: {"ok": true, "rows": N}, or with "first_broken": ID and exit status 1."""
    from core import audit

    def run() -> None:
        _db()
        result = audit.verify()
        _emit(result.as_dict())
        if not result.ok:
            raise typer.Exit(1)

    _guarded(run)


@audit_app.command("list")
def audit_list(
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="How many events, newest first.")] = 50,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor's events.")] = None,
    action: Annotated[str | None, typer.Option("--action", help="Only this action (e.g. sign_in_failed).")] = None,
) -> None:
    """The latest audit events, newest first."""
    from core import audit

    def run() -> None:
        _db()
        rows = [[str(e.id), e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.target,
                 json.dumps(e.details, sort_keys=True) if e.details else ""]
                for e in audit.list_events(limit, actor=actor, action=action)]
        typer.echo(_table(["id", "at (UTC)", "actor", "action", "target", "details"], rows))

    _guarded(run)


# -- retention: note texts kept with feedback ---------------------------------------------------------------------
def _default_actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"[:128]
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "cli"


ActorOpt = Annotated[str | None, typer.Option("--actor", help="Who is doing it, for the audit trail (default: "
                                              "cli:<your OS user>; `make run` uses 'system').")]


@app.command("hash")
def note_hash_command(
    file: Annotated[Path | None, typer.Argument(help="Note file (default: standard input).")] = None,
) -> None:
    """Print the SHA-256 a prediction stores for this note (of the cleaned note, as the pages hash it), for
    `notelens forget --note-hash`. Read it from a file: never type a note on a command line."""
    from core.db.store import hash_text

    text = _read_note(file)
    out = {"note_hash": hash_text(text)}
    trimmed = text.strip()
    if trimmed != text:  # a pasted note usually lacks the file's final newline: that is another hash
        out["note_hash_trimmed"] = hash_text(trimmed)
        _err("the file starts or ends with blank space; the same note pasted on a page without it has the second "
             "hash (note_hash_trimmed): forget both")
    _emit(out)


@app.command("purge")
def purge_command(
    older_than_days: Annotated[int | None, typer.Option("--older-than-days", min=0, help="Clear texts stored more "
                                                        "than this many days ago (default: NOTELENS_RETENTION_DAYS; "
                                                        "0: all of them).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would be cleared.")] = False,
    actor: ActorOpt = None,
) -> None:
    """Clear the note texts kept with feedback (and the note's words in comments and corrections) once older than
    the retention. Audited as notes_purged (not a dry run). Last line: JSON counts."""
    from core.db.retention import purge

    def run() -> None:
        _db()
        report = purge(older_than_days, actor=actor or _default_actor(), dry_run=dry_run)
        verb = "would clear" if dry_run else "cleared"
        typer.echo(f"{verb} {report.note_texts} note texts, {report.comments} comments and {report.corrections} "
                   f"corrections on {report.rows} feedback rows stored before {report.cutoff:%Y-%m-%d %H:%M} UTC")
        _emit(report.as_dict())

    _guarded(run)


@app.command("forget")
def forget_command(
    note_hash: Annotated[str, typer.Option("--note-hash", help="The note's SHA-256 (`notelens hash < note.txt`).")],
    actor: ActorOpt = None,
) -> None:
    """Delete every prediction of one note and all feedback on it (with any kept text). Audited as note_forgotten,
    also when nothing matched. Last line: JSON counts."""
    from core.db.retention import check_note_hash, forget

    def run() -> None:
        h = check_note_hash(note_hash)  # before touching the database
        _db()
        report = forget(h, actor=actor or _default_actor())
        typer.echo(f"deleted {report.predictions} predictions and {report.feedback} feedback rows of note {h[:12]}…")
        _emit(report.as_dict())

    _guarded(run)


# -- the model registry: which version serves -------------------------------------------------------------------
def _task_named(name: str) -> Task:
    try:
        return get_task(name)
    except KeyError as exc:  # a user's typo: a message and exit status 2
        raise ValueError(exc.args[0]) from None


@app.command("agreement")
def agreement_command(
    task: Annotated[str, typer.Argument(help="triage, drugs, conditions or treatments.")],
) -> None:
    """Agreement between annotators on the review queue's doubly annotated items: Cohen's kappa (triage), strict and
    overlapping span F1 by label, status and attribute agreement (span tasks), per annotator pair and pooled. Last
    line: JSON with the figures and the number of doubly annotated items."""
    from core.review.agreement import format_report, pairwise
    from core.review.data import annotations

    def run() -> None:
        name = _task_named(task).name
        _db()
        report = pairwise(name, annotations(name)).as_dict()
        _err(format_report(report))
        _emit(report)

    _guarded(run)


@app.command("export")
def export_command(
    task: Annotated[str, typer.Argument(help="triage, drugs, conditions or treatments.")],
    fmt: Annotated[str, typer.Option("--format", help="triage: csv; drugs, conditions: jsonl, iob, spacy; "
                                     "drugs also fhir; treatments: jsonl.")],
    out: Annotated[Path, typer.Option("--out", help="File to write (a spaCy DocBin ends in .spacy).")],
    include_single: Annotated[bool, typer.Option("--include-single", help="Also the items one annotator answered "
                                                 "alone (default: agreed or adjudicated gold only).")] = False,
    deid: Annotated[bool, typer.Option("--deid/--no-deid", help="Replace names, dates, phone numbers, e-mail "
                                       "addresses, record numbers and street addresses with typed placeholders "
                                       "(spans kept on their words). On by default: a file can leave the machine; "
                                       "--no-deid only for training here.")] = True,
    actor: ActorOpt = None,
) -> None:
    """Export the review queue's gold in a format `train TASK --data` and `evaluate TASK --data` read back unchanged
    (exact character offsets, every label), de-identified unless --no-deid. Audited as export. Last line: JSON
    counts."""
    from core import audit
    from core.exchange import export_docs
    from core.review.data import examples

    def run() -> None:
        name = _task_named(task).name
        _db()
        found = examples(name, include_single=include_single, for_export=True)
        try:
            path = export_docs(name, found.examples, fmt, out, deidentify=deid)
        except KeyError as err:  # an unknown format
            raise ValueError(err.args[0]) from None
        result = {"task": name, "format": fmt, "out": str(path), "examples": len(found.examples), "deidentified": deid,
                  "left_out_without_text": found.without_text, "left_out_single": found.single_left_out}
        audit.record(actor or _default_actor(), "export", f"gold:{name}",
                     {k: v for k, v in result.items() if k != "out"})
        typer.echo(f"wrote {len(found.examples)} {name} examples to {path}")
        _emit(result)

    _guarded(run)


review_app = typer.Typer(help="The review queue: load an admin's batch of notes to annotate.", no_args_is_help=True)
app.add_typer(review_app, name="review")


@review_app.command("load")
def review_load_command(
    task: Annotated[str, typer.Argument(help="triage, drugs, conditions or treatments.")],
    file: Annotated[Path, typer.Argument(help=".txt (one note), .csv (a text column) or .jsonl ({\"text\"}).")],
    prefill: Annotated[bool, typer.Option(help="Pre-fill each item with the current model's output.")] = True,
    actor: ActorOpt = None,
) -> None:
    """Put a batch of notes in the task's review queue (source batch; the texts are kept for the annotators until
    the retention purge). Audited per item as review_enqueued. Last line: JSON counts."""
    from core.config import get_settings
    from core.review.intake import load_batch, read_batch

    def run() -> None:
        the_task = _task_named(task)
        notes = read_batch(file)
        predict = None
        if prefill:
            loaded = the_task.load()

            def predict(text: str) -> tuple[str, Any]:
                result = the_task.run(loaded, text)
                return result.model_version, the_task.record(result)

        _db()
        ids = load_batch(the_task.name, notes, actor=actor or _default_actor(), predict=predict,
                         overlap_share=get_settings().review_overlap_share)
        typer.echo(f"{len(set(ids))} review items for {the_task.name} from {len(notes)} notes in {file.name}")
        _emit({"task": the_task.name, "notes": len(notes), "items": len(set(ids)), "prefilled": prefill})

    _guarded(run)


models_app = typer.Typer(help="Saved model versions, which one serves, promote and roll back (audited).",
                         no_args_is_help=True)
app.add_typer(models_app, name="models")
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why (kept in the history and the audit trail, "
                                               "at most 200 characters).")]


@models_app.command("list")
def models_list(
    task: Annotated[str | None, typer.Argument(help="One task (default: every task).")] = None,
) -> None:
    """Each task's saved versions, newest first: figures at training, every recorded evaluation, which one serves.
    Last line: JSON {"tasks": {TASK: {"serving": VERSION, "versions": [...]}}}; each version's
    ``evaluation_summary`` holds the latest headline figures per evaluation set."""
    from core import registry
    from core.tasks.comparison import summary

    def run() -> None:
        out: dict[str, Any] = {}
        for t in [_task_named(task)] if task else TASKS.values():
            found = registry.versions(t)
            out[t.name] = {"artifact": t.artifact, "serving": registry.serving(t),
                           "versions": [{**d, "evaluation_summary": summary(d["evaluations"])}
                                        for d in (v.to_dict() for v in found)]}
            for v in found:
                _err(f"{t.name:<11} {'*' if v.serving else ' '} {v.version}  {v.created}  n_train={v.n_train}  "
                     f"{len(v.evaluations)} evaluation(s)")
        _emit({"tasks": out})

    _guarded(run)


TaskArg = Annotated[str, typer.Argument(help="Task (triage, drugs, conditions, treatments).")]


@models_app.command("promote")
def models_promote(
    task: TaskArg,
    version: Annotated[str, typer.Argument(help="The version to serve (`notelens models list TASK`).")],
    reason: ReasonOpt = None,
    override: Annotated[str | None, typer.Option("--override", help="Promote even if it is worse on the locked "
                                                 "split: why (recorded with both scores).")] = None,
    actor: ActorOpt = None,
) -> None:
    """Check VERSION against the serving model (see `models compare`) and make it serve (pages use it from their
    next run), unless it is worse on the locked split: then exit status 1, unless --override says why. Audited as
    model_promoted. Last line: JSON {task, action, from_version, to_version, changed, message, comparison}, or
    when refused {refused, metric, candidate_score, serving_score, message}."""
    from core.tasks import comparison as cmp

    def run() -> None:
        _db()
        done = cmp.promote_checked(_task_named(task), version, actor=actor or _default_actor(), reason=reason,
                                   override_reason=override, log=_err)
        if done.report:  # none when nothing served yet, or the version already serves
            _err("\n".join(done.report.lines()))
        _err(str(done.refused) if done.refused else done.switch.message if done.switch else "")
        _emit(done.to_dict())
        if done.refused:
            raise typer.Exit(1)

    _guarded(run)


@models_app.command("compare")
def models_compare(
    task: TaskArg,
    candidate: Annotated[str | None, typer.Argument(help="Default: the newest version that does not serve.")] = None,
    serving: Annotated[str | None, typer.Argument(help="Default: the serving version.")] = None,
) -> None:
    """Score CANDIDATE and SERVING in one run on the same examples: the locked gold split, the synthetic held-out
    notes and every registered file (each measurement recorded beside both versions, with item outcomes, no text).
    The report says which items turned wrong -> right and back. Last line: JSON."""
    from core.tasks import comparison as cmp

    def run() -> None:
        _db()
        t = _task_named(task)
        report = cmp.compare_versions(t, *cmp.pick(t, candidate, serving), log=_err)
        _err("\n".join(report.lines()))
        _emit(report.to_dict())

    _guarded(run)


@models_app.command("register-eval")
def models_register_eval(
    task: TaskArg,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="A labelled file in the task's --data format.")],
    label_map: LabelMapOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Score FILE in every comparison of the task's versions (kept in EVALSETS.json beside them). Last line: JSON."""
    from core.tasks import comparison as cmp

    _guarded(lambda: _emit(cmp.register_eval_file(_task_named(task), file, _label_map(label_map),
                                                  actor=actor or _default_actor()).model_dump()))


@models_app.command("unregister-eval")
def models_unregister_eval(task: TaskArg, file: Annotated[Path, typer.Argument(help="A registered file.")]) -> None:
    """Stop scoring FILE in comparisons (its past measurements stay recorded). Last line: JSON of the entry."""
    from core.tasks import comparison as cmp

    _guarded(lambda: _emit(cmp.unregister_eval_file(_task_named(task), file).model_dump()))


@models_app.command("rollback")
def models_rollback(
    task: TaskArg,
    reason: ReasonOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Serve again the version that served before the current one (from the task's HISTORY.jsonl; without one, the
    version created before it). Audited as model_rolled_back. Last line: JSON as for promote."""
    from core import registry

    def run() -> None:
        _db()
        switch = registry.rollback(_task_named(task), actor=actor or _default_actor(), reason=reason)
        _err(switch.message)
        _emit(switch.to_dict())

    _guarded(run)


@app.command("batch")
def batch_command(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="A .csv or .jsonl (an id and a text column) or "
                                               "a folder of .txt files (id: the file name).")],
    out: Annotated[Path, typer.Option("--out", help="A .jsonl file, or a .parquet folder (one part per chunk).")],
    tasks: Annotated[str, typer.Option(help="Comma-separated tasks.")] = "triage,drugs,conditions,treatments",
    explain: Annotated[bool, typer.Option(help="Also explain each result's first output (slow).")] = False,
    id_column: Annotated[str, typer.Option(help="The id column (default 'id'; without one: the row number).")] = "id",
    text_column: Annotated[str, typer.Option(help="The note column.")] = "text",
    chunk_size: Annotated[int, typer.Option(help="Notes read, run and written at a time.")] = 256,
    engine: Annotated[Literal["local", "ray"], typer.Option(help="ray: Ray Data (core.batch_ray).")] = "local",
) -> None:
    """Run many notes through the tasks, one row per note (results, model versions, errors); a rerun skips the ids
    OUTPUT holds. Progress bar with notes/s on stderr; last line: JSON summary."""
    from core import batch

    def run() -> None:
        runner = batch.run_file
        if engine != "local":
            try:
                from core.batch_ray import run_file as runner
            except ImportError as exc:
                raise batch.BatchError(f"--engine ray is not available here ({exc}); use --engine local") from None
        _emit(batch.run_with_bar(runner, input_path, out, tasks=tasks, explain=explain, id_column=id_column,
                                 text_column=text_column, chunk_size=chunk_size))

    _guarded(run)


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
