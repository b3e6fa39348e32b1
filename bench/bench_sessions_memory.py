"""Benchmark: does the server's memory keep growing with runs? A real ``streamlit run`` server, a few signed-in
browser sessions (Debian's chromium) running distinct notes round-robin over Triage, Medications and Treatments.

    .venv/bin/python -m bench.bench_sessions_memory --tiny [--runs 200] [--sessions 4]

``--tiny`` trains the tests' tiny models in a temporary folder (a minute) and serves those, on a temporary
database; without it the server uses the current settings' models and database (an account ``bench.memory`` is
created or reset there). The server's resident memory (``VmRSS``) is read after the warm-up (run 20), at run 100
and at the last run, each once the server is idle. Prints a line per phase and, last, one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = (  # (sidebar link, heading, primary button)
    ("Triage", "Triage a clinical note", "Triage"),
    ("Medications", "Medications in a note", "Find medications"),
    ("Treatments", "Treatment suggestions", "Suggest treatments"),
)
USER = "bench.memory"
WORDS = ("zorvex", "quambri", "flindo", "yestra", "krumba", "vosple", "drelli", "panto", "glimber", "tharnok")


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (``VmRSS`` of ``/proc/<pid>/status``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def note(run: int) -> str:
    """A distinct note per run (its hash, and so its prediction and explanation, are new each time)."""
    word = f"{WORDS[run % len(WORDS)]}{run}"
    return (f"Assessment: hypertension. Chest pain radiating to the left arm with dyspnea for {run % 9 + 1} days, "
            f"seen with {word}. ECG shows ST elevation; troponin elevated. Continue metoprolol 25 mg PO BID and "
            f"lisinopril 10 mg daily. Plan reviewed with {word} on visit {run}.")


def build_tiny_models() -> None:
    """Train the tests' tiny models into the temporary folders ``tests.conftest`` points the settings at."""
    import tests.conftest as tc

    for fixture in (tc.tiny_triage_artifact, tc.tiny_drug_artifact, tc.tiny_condition_artifact,
                    tc.tiny_ranker_artifact):
        getattr(fixture, "__wrapped__", fixture)()


async def drive(url: str, pid: int, runs: int, sessions: int, marks: tuple[int, ...], password: str) -> dict:
    from playwright.async_api import async_playwright

    from tests.browser import async_steps as steps
    from tests.browser import helpers as h

    steps.TIMEOUT_MS = 600_000  # a busy server over 200 runs: wait longer than the tests do

    async def open_session(browser):
        ctx = await browser.new_context(viewport={"width": 1440, "height": 1000})
        page = await ctx.new_page()
        page.set_default_timeout(steps.TIMEOUT_MS)
        await steps.sign_in(page, url, USER, password)
        return page

    async def one_run(page, run: int) -> None:
        link, heading, button = PAGES[run % len(PAGES)]
        await steps.go_to(page, link, heading)
        await steps.paste_and_run(page, note(run), button)

    async def session_runs(page, mine: list[int]) -> None:
        for run in mine:
            await one_run(page, run)

    out: dict = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(h.CHROMIUM), headless=True, args=h.CHROMIUM_ARGS)
        try:
            pages = [await open_session(browser) for _ in range(sessions)]
            out["rss_mb_signed_in"] = round(rss_mb(pid), 1)
            done, t0 = 0, time.perf_counter()
            for mark in marks:
                batch = list(range(done, mark))
                await asyncio.gather(*(session_runs(pg, batch[i::sessions]) for i, pg in enumerate(pages)))
                done = mark
                await asyncio.sleep(2.0)  # let the server finish what the last reruns started
                out[f"rss_mb_{mark}"] = round(rss_mb(pid), 1)
                elapsed = time.perf_counter() - t0
                print(f"run {mark:4d}: server RSS {out[f'rss_mb_{mark}']:.1f} MB, {elapsed:.0f} s so far "
                      f"({elapsed / mark:.2f} s a run over {sessions} sessions)", flush=True)
            out["seconds"] = round(time.perf_counter() - t0, 1)
        finally:
            await browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tiny", action="store_true", help="train and serve the tests' tiny models (temporary folders)")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--sessions", type=int, default=4)
    ap.add_argument("--warmup", type=int, default=20)
    args = ap.parse_args()
    if not 0 < args.warmup < args.runs // 2:
        ap.error("--warmup must be above 0 and below half of --runs")

    saved = dict(os.environ)
    sys.path.insert(0, str(ROOT))
    import tests.conftest as tc  # points the settings at temporary folders (what --tiny wants)

    if not args.tiny:  # keep the current settings' models and database
        os.environ.clear()
        os.environ.update(saved)
    from core.config import get_settings

    get_settings.cache_clear()
    t0 = time.perf_counter()
    if args.tiny:
        build_tiny_models()
    build_s = time.perf_counter() - t0
    password = "bench-memory-password"
    tc.ensure_account(USER, "clinician", password)

    from tests.browser import helpers as h

    marks = (args.warmup, args.runs // 2, args.runs)
    with h.streamlit_process() as (url, proc):
        figures = asyncio.run(drive(url, proc.pid, args.runs, args.sessions, marks, password))
    r20, r100, r200 = (figures[f"rss_mb_{m}"] for m in marks)
    print(json.dumps({
        "runs": args.runs, "sessions": args.sessions, "models": "tiny" if args.tiny else "settings",
        "build_s": round(build_s, 1), "drive_s": figures["seconds"], "rss_mb_signed_in": figures["rss_mb_signed_in"],
        f"rss_mb_{marks[0]}": r20, f"rss_mb_{marks[1]}": r100, f"rss_mb_{marks[2]}": r200,
        f"growth_ratio_{marks[2]}_vs_{marks[1]}": round(r200 / r100, 3),
        f"mb_per_run_{marks[1]}_{marks[2]}": round((r200 - r100) / (marks[2] - marks[1]), 3),
        f"mb_per_run_{marks[0]}_{marks[1]}": round((r100 - r20) / (marks[1] - marks[0]), 3),
    }))


if __name__ == "__main__":
    main()
