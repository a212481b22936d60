"""Mutation testing of the modules that guard people and records (ADR 0028, docs/testing.md).

    make mutation                         every module in MODULES, one after another
    make mutation MODULE=audit/chain.py   one module
    make mutation MODULE=audit/verify.py FUNCTIONS=chain_walk,verify_chain
                                          only the mutants inside those functions or classes

Each module is mutated by cosmic-ray and tested against its own test files only (MODULES below),
so a module takes minutes, not the hours the whole suite would. The mutants are made in a copy
of the working tree under var/mutation/ (tracked and untracked files, not ignored ones), never in
the tree itself: an interrupted run cannot leave a mutated file behind. For each module it prints
killed / survived / timeout and lists each survivor as file:line and the mutation, for
docs/testing.md. Not run in CI: too slow.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "mutation"

# Module -> the test files that claim to guard it (and any pytest option for their run). Keep
# each list to the tests that exercise the module directly: every mutant runs them once (with -x,
# so a kill stops at the first failure).
MODULES: dict[str, list[str]] = {
    "two_factor/rules.py": ["tests/accounts/test_rules.py"],
    "accounts/rules.py": ["tests/accounts/test_rules.py"],
    "audit/chain.py": ["tests/audit/test_chain.py"],
    "audit/verify.py": [
        # Tables made from the models, not by the migrations: these tests pass the same either
        # way (the baseline run below checks), and each mutant's run is four seconds shorter.
        "--no-migrations",
        "tests/audit/test_chain.py",
        "tests/audit/test_checkpoint_signing.py",
        "tests/audit/test_checkpoint_rewrites.py",
        "tests/audit/test_checkpoint_refusals.py",
    ],
    "questionnaire/engine/rules.py": ["tests/engine/test_rules.py", "tests/engine/test_notes.py"],
    "questionnaire/engine/conditions.py": ["tests/engine/test_rules.py"],
    "workflow/state_machine/holds.py": ["tests/workflow/test_holds.py"],
    "workflow/state_machine/transitions.py": ["tests/workflow/test_transitions.py"],
    "workflow/state_machine/states.py": ["tests/workflow/test_transitions.py"],
    "evidence/inspection.py": [
        "--no-migrations",  # as audit/verify.py's: pytest-django runs the database test first
        "tests/evidence/test_inspection.py",
        "tests/evidence/test_nested_zip.py",
    ],
    "applications/selectors.py": ["tests/web/test_isolation.py"],
    # test_services.py reads evidence through these too, but starts a real clamd for each run.
    "evidence/selectors.py": [
        "tests/evidence/test_selectors.py",
        "tests/evidence/test_download.py",
    ],
    # What an applicant may do (edit, withdraw, submit, start stage 3), read without pages.
    "workflow/selectors.py": ["tests/workflow/test_selectors.py"],
}

# A mutant whose tests run this many seconds longer than they would is counted as a timeout
# (an infinite loop, usually); cosmic-ray counts it as killed and so do we, reported apart.
TIMEOUT_SECONDS = 300


def copy_tree() -> Path:
    """The working tree's files (committed or not, but not ignored) in a folder of this run's
    own under var/mutation, so two runs at once (two modules) do not share one."""
    tree = WORK / f"tree-{os.getpid()}"
    if tree.exists():
        shutil.rmtree(tree)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            target = tree / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    # Built frontend files the pages load; read only, so a link is enough.
    for ignored in ("build", "node_modules"):
        if (ROOT / ignored).exists():
            (tree / ignored).symlink_to(ROOT / ignored)
    return tree


def run_module(tree: Path, module: str) -> tuple[int, int, int, list[str]]:
    tests = MODULES[module]
    name = module.replace("/", "_").removesuffix(".py")
    config = WORK / f"{name}.toml"
    session = WORK / f"{name}.sqlite"
    session.unlink(missing_ok=True)
    command = " ".join(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
        + ["-p", "pytest_django.plugin"]
        + tests
    )
    config.write_text(
        "[cosmic-ray]\n"
        f'module-path = "{module}"\n'
        f"timeout = {TIMEOUT_SECONDS}.0\n"
        "excluded-modules = []\n"
        f'test-command = "{command}"\n'
        "[cosmic-ray.distributor]\n"
        'name = "local"\n'
    )
    cosmic_ray = str(Path(sys.executable).parent / "cosmic-ray")
    # Only pytest-django, named in the command: the other plugins installed (schemathesis,
    # hypothesis's, xdist) took half of each run's four seconds to import, once per mutant.
    env = {**os.environ, "DJANGO_ENV": "test", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    baseline(tree, command, env)
    subprocess.run([cosmic_ray, "init", str(config), str(session)], cwd=tree, env=env, check=True)
    skip_equivalent(tree, session)
    subprocess.run([cosmic_ray, "exec", str(config), str(session)], cwd=tree, env=env, check=True)
    return summarise(session)


def baseline(tree: Path, command: str, env: dict[str, str]) -> None:
    """The tests must pass on the module as it is, or every mutant would count as killed."""
    ran = subprocess.run(command.split(), cwd=tree, env=env, capture_output=True, text=True)
    if ran.returncode != 0:
        print(ran.stdout[-3000:], ran.stderr[-3000:])
        raise SystemExit(f"The tests fail without any mutant ({command}): mend them first.")


# Mutants that cannot change what the program does, so no test can kill them: flipping an
# `if TYPE_CHECKING:` only imports, at run time, names kept for the type checker. A line may
# also say `# pragma: no mutate`; docs/testing.md says why for each one. (And see _annotations.)
def _is_equivalent(line: str) -> bool:
    return line.strip() == "if TYPE_CHECKING:" or "# pragma: no mutate" in line


def _annotations(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the functions' annotations are, in a module that never evaluates them
    (`from __future__ import annotations`): a mutant there changes nothing at run time. Not
    class attributes' annotations: pydantic and Django Ninja read those when the class is made."""
    tree = ast.parse(source)
    lazy = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    )
    if not lazy:
        return []
    spans = []
    for node in ast.walk(tree):
        found: list[ast.expr | None] = []
        if isinstance(node, ast.arg):
            found.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append(node.returns)
        for annotation in filter(None, found):
            spans.append(
                (
                    (annotation.lineno, annotation.col_offset),
                    (annotation.end_lineno or annotation.lineno, annotation.end_col_offset or 0),
                )
            )
    return spans


def _compiles(source: str, operator_name: str, occurrence: int) -> bool:
    """Whether the mutant is Python at all. cosmic-ray takes the bare `*` that makes a
    function's parameters keyword-only for a multiplication and makes eleven mutants of each
    (`def f(-, a)`): none compiles, so every one "is killed" by the import error without a test
    running, which adds nothing but the time of a run and inflates the share killed."""
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    try:
        mutated = mutate_code(source, get_operator(operator_name)(), occurrence)
    except AttributeError:
        # cosmic-ray's ExceptionReplacer fails on a dotted name in an `except (…)` tuple
        # (`zipfile.BadZipFile`): it makes no mutant there, and its worker would fail the same.
        return False
    if mutated is None:
        return True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # `x is "literal"`: a mutant still
            compile(mutated, "<mutant>", "exec")
    except SyntaxError:
        return False
    return True


def _functions(source: str, names: set[str]) -> list[tuple[int, int]]:
    """The lines (first, last) of the functions and classes called one of `names`, at any depth
    (a class's methods by their own names too), decorators included."""
    spans = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and node.name in names
        ):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            spans.append((first, node.end_lineno or node.lineno))
    return spans


def _wanted_functions() -> set[str]:
    return {name.strip() for name in os.environ.get("FUNCTIONS", "").split(",") if name.strip()}


def skip_equivalent(tree: Path, session: Path) -> None:
    """Mark as skipped, before the run, the mutants that are not counted: equivalent by rule,
    not Python, or (with FUNCTIONS) outside the functions asked for."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    wanted = _wanted_functions()
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item in list(db.pending_work_items):
            for mutation in item.mutations:
                source = (tree / mutation.module_path).read_text()
                lines = source.splitlines()
                start = tuple(mutation.start_pos)
                in_annotation = any(low <= start < high for low, high in _annotations(source))
                outside = bool(wanted) and not any(
                    first <= mutation.start_pos[0] <= last
                    for first, last in _functions(source, wanted)
                )
                if (
                    outside
                    or in_annotation
                    or _is_equivalent(lines[mutation.start_pos[0] - 1])
                    or not _compiles(source, mutation.operator_name, mutation.occurrence)
                ):
                    db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))


def summarise(session: Path) -> tuple[int, int, int, list[str]]:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    killed = survived = timeout = 0
    survivors: list[str] = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            if result.test_outcome == TestOutcome.SURVIVED:
                survived += 1
                for mutation in item.mutations:
                    diff = [
                        line
                        for line in (result.diff or "").splitlines()
                        if line[:1] in "+-" and line[:3] not in ("+++", "---")
                    ]
                    survivors.append(
                        f"{mutation.module_path}:{mutation.start_pos[0]} "
                        f"{mutation.operator_name} | " + " => ".join(s.strip() for s in diff)
                    )
            elif result.output == "timeout":
                timeout += 1
            else:
                killed += 1
    return killed, survived, timeout, sorted(survivors, key=_line_order)


def _line_order(survivor: str) -> tuple[str, int]:
    place = survivor.split(" ", 1)[0]
    path, _, line = place.rpartition(":")
    return path, int(line)


def main() -> int:
    wanted = os.environ.get("MODULE") or ""
    modules = [wanted] if wanted else list(MODULES)
    if _wanted_functions() and len(modules) != 1:
        print("FUNCTIONS names functions of one module: give MODULE too.")
        return 2
    unknown = [module for module in modules if module not in MODULES]
    if unknown:
        print(f"Not a module this knows: {', '.join(unknown)}. Known: {', '.join(MODULES)}")
        return 2
    WORK.mkdir(parents=True, exist_ok=True)
    tree = copy_tree()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    rows = []
    for module in modules:
        try:
            killed, survived, timeout, survivors = run_module(tree, module)
        finally:
            if module == modules[-1]:
                shutil.rmtree(tree)
        total = killed + survived + timeout
        share = 100 * (killed + timeout) / total if total else 100.0
        rows.append((module, killed, survived, timeout, share))
        print(f"\n{module}: {killed} killed, {survived} survived, {timeout} timeout ({share:.0f}%)")
        for survivor in survivors:
            print(f"  survived  {survivor}")
    only = f" Only in: {', '.join(sorted(_wanted_functions()))}." if _wanted_functions() else ""
    print(f"\nCommit {commit}.{only} Module | killed | survived | timeout | killed %")
    for module, killed, survived, timeout, share in rows:
        print(f"| `{module}` | {killed} | {survived} | {timeout} | {share:.0f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
