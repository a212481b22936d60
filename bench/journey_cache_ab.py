"""One-off A/B: the task list with the journey walk re-done on every call (commit 87c8c47)
against the cached walk, interleaved in one process. Run: uv run python bench/journey_cache_ab.py"""

import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from questionnaire.engine import journey as new
from questionnaire.engine.loader import load_definition

# The journey module as it was before the walk was cached, fetched from git.
OLD_COMMIT = "87c8c47"
# Fixed arguments, no user input: a developer's benchmark asking git for an old file.
old_source = subprocess.run(  # noqa: S603
    ["git", "show", f"{OLD_COMMIT}:questionnaire/engine/journey.py"],  # noqa: S607
    capture_output=True,
    text=True,
    check=True,
    cwd=ROOT,
).stdout
old_file = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False)  # noqa: SIM115
old_file.write(old_source)
old_file.close()
spec = importlib.util.spec_from_file_location("questionnaire.engine.journey_old", old_file.name)
old = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = old
spec.loader.exec_module(old)
from tests.answer_sets import CONTROLLER, as_engine_answers

d = load_definition(
    Path(__file__).resolve().parents[1] / "questionnaire/definitions/stage2-v1.yaml"
)
today = date(2026, 11, 27)
answers = as_engine_answers(d, CONTROLLER, today)


def task_list(J):
    j = J(definition=d, answers=answers, today=today)
    for q in j.applicable_questions():
        j.can_visit(q.id)


for name, J in [
    ("before (re-walk on every call)", old.Journey),
    ("after (walk cached)", new.Journey),
    ("before again", old.Journey),
    ("after again", new.Journey),
]:
    samples = []
    for _ in range(200):
        t = time.perf_counter()
        task_list(J)
        samples.append(time.perf_counter() - t)
    print(f"{name}: task list median {statistics.median(samples) * 1e3:.2f} ms")
