"""The autograded problem sets (tools/assignments.py): built once, then graded with otter.

Grading is local and without Docker: ``otter run`` grades a notebook with the autograder zip
in this environment. Each problem's reference solution must get full marks, and a known wrong
answer (the reference with one mutation from ``MUTATIONS``) must get less; where the problem's
self-check is an ``xb.check`` call, the grader's report carries xb.check's specific hint.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

import xentbook as xb
from tools._book import cells, chapters, source, tags
from tools.assignments import AUTOGRADER_DIR, build, problems, setup_code

ROOT = Path(__file__).resolve().parents[1]

# One wrong answer per problem: (text in the reference solution, its replacement). Each is a
# mistake a student makes; a problem added later needs a row here (a test says so).
MUTATIONS = {
    "prob-01-2": ("out / math.log(base)", "out / math.log10(base)"),  # log base wrong
    "prob-01-6": ("np.sum(", "np.mean("),  # a mean taken instead of a sum
    "prob-02-4": ("terms.sum(axis=-1)", "terms.mean(axis=-1)"),  # mean instead of sum
    "prob-02-5": ("/ np.arange(1, len(bits) + 1)", "/ len(bits)"),  # every prefix over n
    "prob-03-2": ("kraft_sum(lengths) <= 1", "kraft_sum(lengths) < 1"),  # complete code refused
    "prob-03-5": (", base=2)", ")"),  # nats where bits are asked for
    "prob-04-2": ("np.log(q[keep])", "np.log(q[keep] + 1e-12)"),  # an epsilon inside the log
    "prob-04-5": ("np.mean(", "np.sum("),  # a sum where the average loss is asked for
    "prob-05-4": ("b - lr * g.sum()", "b - lr * g.mean()"),  # bias gradient averaged
    "prob-05-5": ("shifted = z - z.max()", "shifted = z"),  # no max shift: exp overflows
    "prob-06-3": ("np.log(x[positive])", "np.log(x[positive] + 1e-12)"),  # epsilon, not clamp
    "prob-06-4": (  # the second bug left in: softmax applied before a loss that takes logits
        "fixed_2 = xb.softmax_cross_entropy(target, logits)",
        "fixed_2 = xb.softmax_cross_entropy(target, xb.softmax(logits))",
    ),
    "prob-07-3": ("math.log2(", "math.log("),  # nats where bits are asked for
    "prob-07-5": ("other.bits_per_char - own.bits_per_char", "own.bits_per_char"),  # one model
    "prob-08-3": ("np.sum(", "np.mean("),  # a mean taken instead of a sum
    "prob-08-4": ("np.abs(hits - confs).sum() / len(conf)", "np.abs(hits - confs).mean()"),
    "prob-08-5": ("return 2 / (low + high)", "return (low + high) / 2"),  # beta = 1/T, not T
    "prob-08-8": ("0.5 * np.log(2 * np.pi", "0.5 * np.log2(2 * np.pi"),  # bits for nats
    "prob-09-4": ('given="x", base=2))', 'given="y", base=2))'),  # conditioned the wrong way
    "prob-09-5": ("np.log(joint[seen] / product[seen])", "np.log2(joint[seen] / product[seen])"),
    # No add-one smoothing: a pixel value unseen in the first 1000 images has no q at all.
    "prob-09-7": ("shape=(17, 10)) + 1.0", "shape=(17, 10))"),
    "prob-10-2": (" + np.log(width))", ")"),  # the entropy of the bins, without ln(width)
    # Each species weighted equally, not by its share of the training split.
    "prob-10-4": ("log_parts = np.log(weights) - ", "log_parts = np.log(1 / len(groups)) - "),
}
# For a problem checked by xb.check, a word its hint for the mutation above must contain.
HINT_WORDS = {
    "prob-04-2": "eps",
    "prob-05-5": "overflow",
    "prob-08-3": "mean",
    "prob-08-5": "1/T",
    "prob-10-2": "ln(width)",
}


def _problem_sets():
    return [nb for chapter in chapters(ROOT) for nb in chapter.problem_sets]


def _computational(notebook):
    return [c for c in cells(notebook) if "kind-computational" in tags(c)]


def test_every_computational_problem_is_autograded():
    for notebook in _problem_sets():
        found = {p.label for p in problems(notebook)}
        for cell in _computational(notebook):
            label = re.search(r":label:\s*(\S+)", source(cell))[1]
            assert label in found, f"{label} has no self-check in its reference solution"


def test_every_autograded_problem_has_a_wrong_answer():
    labels = {p.label for nb in _problem_sets() for p in problems(nb)}
    assert labels == set(MUTATIONS), "add a row to MUTATIONS for each autograded problem"


def test_answers_define_what_the_checks_use():
    for notebook in _problem_sets():
        for problem in problems(notebook):
            assert problem.names, problem.label
            for name in problem.names:
                assert re.search(rf"\b{name}\b", problem.check), (problem.label, name)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    return out, build(out, ROOT)


def _grade(zip_path: Path, notebook: Path, out: Path) -> dict[str, dict]:
    """otter run, no Docker: the results of each question, by name."""
    out.mkdir()
    cmd = [sys.executable, "-m", "otter", "run", "-a", str(zip_path), "-o", str(out)]
    subprocess.run([*cmd, str(notebook)], check=True, capture_output=True, timeout=600)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {t["name"]: t for t in results["tests"] if "max_score" in t}


def _mutated(notebook: dict, found, tmp: Path) -> Path:
    """The reference notebook with each problem's answer cell mutated."""
    answers = [c for c in notebook["cells"] if "otter_assign_solution_cell" in tags(c)]
    for problem in found:
        old, new = MUTATIONS[problem.label]
        (cell,) = [c for c in answers if old in source(c) and problem.names[0] in source(c)]
        cell["source"] = source(cell).replace(old, new, 1)
    path = tmp / "wrong.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def _hint(problem, setup: str) -> str | None:
    """xb.check's report of the mutated answer, or None if the problem is not an xb.check one."""
    match = re.match(r"xb\.check\.(\w+)\((\w+)\)$", problem.check.strip())
    if not match:
        return None
    old, new = MUTATIONS[problem.label]
    namespace: dict = {}
    exec(f"{setup}\n\n{problem.answer.replace(old, new, 1)}", namespace)
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        assert not getattr(xb.check, match[1])(namespace[match[2]])
    return report.getvalue().split("hint:", 1)[1]


@pytest.mark.build
def test_reference_full_marks_and_wrong_answers_less(built, tmp_path):
    out, sets = built
    rows = []
    for name, found in sets.items():
        autograder = out / name / "autograder"
        zip_path = next(autograder.glob("*-autograder_*.zip"))
        reference = autograder / f"{name}.ipynb"
        right = _grade(zip_path, reference, tmp_path / f"{name}-right")
        nb = json.loads(reference.read_text(encoding="utf-8"))
        wrong = _grade(zip_path, _mutated(nb, found, tmp_path), tmp_path / f"{name}-wrong")
        setup = setup_code(ROOT / "book" / "problems" / f"{name}.ipynb")
        for problem in found:
            full, bad = right[problem.question], wrong[problem.question]
            rows.append(f"{problem.label}: {full['score']}/{full['max_score']} {bad['score']}")
            assert full["score"] == full["max_score"] > 0, (problem.label, full["output"])
            assert bad["score"] < bad["max_score"], (problem.label, bad["output"])
            hint = _hint(problem, setup)
            if hint is not None:
                assert HINT_WORDS[problem.label] in hint, hint
                assert " ".join(hint.split()) in " ".join(bad["output"].split()), bad["output"]
    print("\n" + "\n".join(rows))


@pytest.mark.build
def test_autograder_zip_installs_the_wheel_it_carries(built):
    out, sets = built
    for name in sets:
        zip_path = next((out / name / "autograder").glob("*-autograder_*.zip"))
        with zipfile.ZipFile(zip_path) as zf:
            names = set(zf.namelist())
            assert {"setup.sh", "run_autograder", "otter_config.json"} <= names
            wheels = [n for n in names if re.fullmatch(r"files/xentbook-.+\.whl", n)]
            assert len(wheels) == 1, names
            environment = yaml.safe_load(zf.read("environment.yml"))
            pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
            assert f"{AUTOGRADER_DIR}/{Path(wheels[0]).name}" in pip
            hidden = [n for n in names if n.startswith("tests/")]
            assert len(hidden) == len(sets[name])


@pytest.mark.build
def test_student_notebooks_run_without_otter(built):
    """JupyterLite has no otter: the student notebook must not import it, and its public tests
    are plain cells that call the self-checks."""
    out, sets = built
    for name, found in sets.items():
        student = json.loads((out / name / "student" / f"{name}.ipynb").read_text("utf-8"))
        code = "\n".join(source(c) for c in student["cells"] if c["cell_type"] == "code")
        assert "otter" not in code
        assert "grader." not in code
        imported = re.findall(r"^(?:import|from) (\w+)", code, flags=re.M)
        assert set(imported) <= sys.stdlib_module_names | {"numpy", "xentbook"}, imported
        for problem in found:
            assert problem.check in code, problem.label
            assert problem.answer not in code, problem.label  # no solution handed out
