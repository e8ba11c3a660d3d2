"""`make retrain`: train a candidate, compare it with the running model, swap only if it holds up.

1. Train a candidate for the current data into models/candidates/ (Rasa's own progress
   output is shown).
2. Evaluate the current model (the one the running Rasa server has loaded, else the
   newest in models/) and the candidate on the held-out split with
   `rasa_side.evaluate` (bot env); reports and confusion-matrix images go to
   results/retrain/<time>/{current,candidate}/.
3. Print the side-by-side comparison and the gate's verdict (bot/training/gate.py),
   saved as comparison.txt and verdict.json beside the reports.
4. Accepted: the candidate becomes models/model-<fingerprint>.tar.gz (what `make run`
   looks for) and is loaded into the running server with `PUT /model` (token from
   RASA_TOKEN or var/rasa_token). The old model keeps answering until the new one is
   loaded; a probe measures that. Refused: nothing changes, and the reasons are printed.

Exit code 0 when the candidate was accepted, 1 when the gate refused it, 2 on errors.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from bot.settings import PROJECT_ROOT, VAR_DIR, Settings
from bot.tools.model import BOT_ENV, MODELS_DIR, bot_env, fingerprint, train
from bot.training.gate import Tolerance, Verdict, comparison_table, decide

CANDIDATES_DIR = MODELS_DIR / "candidates"
RESULTS_DIR = PROJECT_ROOT / "results" / "retrain"
HOLDOUT = PROJECT_ROOT / "heldout" / "first"
BOT_PYTHON = BOT_ENV / "bin" / "python"


class RetrainError(RuntimeError):
    pass


# ------------------------------------------------------------------ the running server
@dataclass(frozen=True)
class Server:
    url: str
    token: str | None

    def _request(self, method: str, path: str, body: dict | None = None, timeout: float = 10):
        separator = "&" if "?" in path else "?"
        url = f"{self.url}{path}" + (f"{separator}token={self.token}" if self.token else "")
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)

    def loaded_model(self) -> str | None:
        """File name of the loaded model; None when the server is not reachable."""
        try:
            _, status = self._request("GET", "/status", timeout=5)
        except (OSError, ValueError):
            return None
        return (status or {}).get("model_file")

    def parse(self, text: str) -> dict:
        return self._request("POST", "/model/parse", {"text": text}, timeout=60)[1]

    def load(self, model: Path, timeout: float = 600) -> None:
        status, _ = self._request("PUT", "/model", {"model_file": str(model)}, timeout=timeout)
        if status not in (200, 204):
            raise RetrainError(f"PUT /model answered {status}")


def server_from_settings(settings: Settings) -> Server:
    token = settings.rasa_token
    token_file = VAR_DIR / "rasa_token"
    if not token and token_file.exists():
        token = token_file.read_text().strip()
    return Server(settings.rasa_url.rstrip("/"), token)


def resolve_model(name: str | None) -> Path | None:
    if not name:
        return None
    for folder in (MODELS_DIR, CANDIDATES_DIR):
        if (folder / Path(name).name).exists():
            return folder / Path(name).name
    return None


def newest_model(exclude: str) -> Path | None:
    """Without a server: the newest model in models/ that is not the candidate itself."""
    models = sorted((p for p in MODELS_DIR.glob("model-*.tar.gz") if p.name != exclude),
                    key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


# ------------------------------------------------------------------ steps
def evaluate(model: Path, out_dir: Path, holdout: Path = HOLDOUT) -> dict:
    """K1's evaluator in the bot env; its output goes to out_dir/evaluate.log."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "evaluate.log", "wb") as log:
        result = subprocess.run(
            [str(BOT_PYTHON), "-m", "rasa_side.evaluate", "--model", str(model),
             "--holdout", str(holdout), "--out", str(out_dir)],
            cwd=PROJECT_ROOT, env=bot_env(), stdout=log, stderr=subprocess.STDOUT,
        )
    if result.returncode != 0 or not (out_dir / "report.json").exists():
        raise RetrainError(f"evaluating {model.name} failed; see {out_dir / 'evaluate.log'}")
    return json.loads((out_dir / "report.json").read_text())


@dataclass
class SwapProbe:
    """Parse requests sent while the model is swapped: did the server keep answering?"""

    sent: int = 0
    answered: int = 0
    slowest: float = 0.0


def swap(server: Server, model: Path, probe_text: str = "Hallo") -> SwapProbe:
    probe = SwapProbe()
    done = threading.Event()

    def keep_asking() -> None:
        while not done.is_set():
            started = time.monotonic()
            probe.sent += 1
            try:
                server.parse(probe_text)
                probe.answered += 1
            except (OSError, ValueError):
                pass
            probe.slowest = max(probe.slowest, time.monotonic() - started)
            done.wait(0.2)

    thread = threading.Thread(target=keep_asking, daemon=True)
    thread.start()
    try:
        server.load(model)
    finally:
        done.set()
        thread.join(90)
    return probe


def _stage(number: int, text: str) -> float:
    print(f"\n[{number}/4] {text}", flush=True)
    return time.monotonic()


def _done(started: float, detail: str = "") -> None:
    print(f"      done in {time.monotonic() - started:.0f}s{': ' + detail if detail else ''}", flush=True)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    server = server_from_settings(settings)
    tolerance = Tolerance(metric=args.tolerance, intent_f1=args.intent_tolerance,
                          min_support=args.min_support)
    run_dir = RESULTS_DIR / datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")

    loaded = server.loaded_model()
    if args.current:
        current = Path(args.current)
    elif loaded:
        current = resolve_model(loaded)
        if current is None:
            raise RetrainError(f"the server's model {loaded} is not in models/; "
                               "name it with RETRAIN_ARGS=\"--current PATH\"")
    else:
        current = newest_model(exclude=f"model-{fingerprint()}.tar.gz")
    if loaded:
        print(f"Rasa server at {server.url} has {loaded} loaded.")
    else:
        print(f"No Rasa server answering at {server.url} (or no token): nothing will be swapped.")
    print(f"Current model: {current.relative_to(PROJECT_ROOT) if current else 'none'}")

    started = _stage(1, "Training the candidate for the current data (Rasa's progress below)…")
    candidate_name = f"model-{fingerprint()}.tar.gz"
    if current is not None and current.name == candidate_name and not args.force:
        print(f"      The current model was trained on exactly this data ({candidate_name}); "
              "nothing to retrain. Export reviewed inbox examples first (make export-inbox), "
              "or use --force.")
        return 0
    ready = MODELS_DIR / candidate_name  # e.g. `make test` / `make run` trained it already
    candidate = ready if ready.exists() and not args.force else train(
        out_dir=CANDIDATES_DIR, force=args.force)
    _done(started, str(candidate.relative_to(PROJECT_ROOT)))

    started = _stage(2, f"Evaluating both models on {HOLDOUT.relative_to(PROJECT_ROOT)}…")
    current_report = evaluate(current, run_dir / "current") if current else None
    candidate_report = evaluate(candidate, run_dir / "candidate")
    _done(started, str(run_dir.relative_to(PROJECT_ROOT)))

    _stage(3, "Comparison (current vs candidate) and the gate")
    table = comparison_table(current_report, candidate_report)
    verdict: Verdict = decide(current_report, candidate_report, tolerance)
    print(table)
    print()
    print(verdict.explain())
    (run_dir / "comparison.txt").write_text(table + "\n\n" + verdict.explain() + "\n")
    record = {"current": str(current) if current else None, "candidate": str(candidate),
              "accept": verdict.accept, "reasons": verdict.reasons,
              "tolerance": asdict(tolerance), "swapped": False}

    started = _stage(4, "Model swap")
    code = 0
    if not verdict.accept:
        print("      Kept the current model. Review the inbox labels behind the losses above "
              "(relabel or discard, export again), or state a looser tolerance if the loss is noise.")
        code = 1
    elif args.no_swap or not loaded:
        print("      Not swapping (" + ("--no-swap" if args.no_swap else "no running server") + ").")
    if verdict.accept:
        target = MODELS_DIR / candidate.name
        if not target.exists():
            shutil.copy2(candidate, target)
        print(f"      {target.relative_to(PROJECT_ROOT)} is now the model for this data (make run uses it).")
        if loaded and not args.no_swap:
            probe = swap(server, target)
            now_loaded = server.loaded_model()
            record.update(swapped=now_loaded == target.name, probe=asdict(probe))
            _done(started, f"server now has {now_loaded} loaded; during the swap {probe.answered}/"
                           f"{probe.sent} parse requests were answered, slowest {probe.slowest:.1f}s")
            if now_loaded != target.name:
                code = 2
    (run_dir / "verdict.json").write_text(json.dumps(record, indent=2))
    print(f"\nReport: {run_dir.relative_to(PROJECT_ROOT)}/ (comparison.txt, verdict.json, "
          "current/ and candidate/ with report.json and confusion-matrix images)")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = Tolerance()
    parser.add_argument("--tolerance", type=float, default=defaults.metric,
                        help="allowed drop of accuracy / macro-F1 per language (default %(default)s)")
    parser.add_argument("--intent-tolerance", type=float, default=defaults.intent_f1,
                        help="allowed F1 drop of one intent (default %(default)s)")
    parser.add_argument("--min-support", type=int, default=defaults.min_support,
                        help="intents with fewer held-out examples are not gated (default %(default)s)")
    parser.add_argument("--current", help="compare with this model instead of the loaded one")
    parser.add_argument("--force", action="store_true", help="retrain even if a candidate exists")
    parser.add_argument("--no-swap", action="store_true", help="never load the candidate into Rasa")
    args = parser.parse_args(argv)
    try:
        return run(args)
    except (RetrainError, subprocess.CalledProcessError, urllib.error.URLError) as error:
        print(f"make retrain: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
