"""The rerun digests' map (reviewflow.stages.STAGE_MODULES) is the rules' real imports: for every rule
that runs a script, the library modules the script imports, directly or through other modules and
including imports inside functions (modulefinder reads them from the byte code), are exactly the
modules listed for the stage the rule's `code=library_digest(...)` param names."""

from __future__ import annotations

import modulefinder
import re
from pathlib import Path

import pytest

from reviewflow import stages

REPO = Path(__file__).resolve().parents[1]
RULE_RE = re.compile(r"^rule (\w+):\n(.*?)(?=^\S|\Z)", re.DOTALL | re.MULTILINE)


JOB_MODULE_RE = re.compile(r"^\s+run:\s*\n\s+from reviewflow\.(\w+) import (\w+)(?: as \w+)?\n", re.MULTILINE)


def _rules() -> dict[str, tuple[Path, list[str]]]:
    """rule name -> (its script, or the job module its run: block hands to reviewflow.jobpool, and the
    stages its library_digest calls name)."""
    rules = {}
    for rule_file in sorted((REPO / "workflow" / "rules").glob("*.smk")):
        for match in RULE_RE.finditer(rule_file.read_text(encoding="utf-8")):
            script = re.search(r'^\s+script:\s*\n\s+"([^"]+)"', match.group(2), re.MULTILINE)
            job = JOB_MODULE_RE.search(match.group(2))
            path = (rule_file.parent / script.group(1)) if script else None
            if job:
                path = REPO / "scripts" / "reviewflow" / job.group(1) / f"{job.group(2)}.py"
            if path:
                rules[match.group(1)] = (path.resolve(), re.findall(r'library_digest\("(\w+)"\)', match.group(2)))
    return rules


def _library_imports(script: Path) -> set[str]:
    """The reviewflow modules a script (or a job module, itself included) can run, named as in
    STAGE_MODULES. The pool that runs a job module (reviewflow.jobpool) is not among them: it does not
    change what a job writes."""
    finder = modulefinder.ModuleFinder(path=[str(REPO / "scripts")])  # third-party imports are not followed
    finder.run_script(str(script))
    package_dir = REPO / "scripts" / "reviewflow"
    own = (
        {".".join(script.relative_to(package_dir).with_suffix("").parts)}
        if script.is_relative_to(package_dir)
        else set()
    )
    return own | {
        "__init__" if name == "reviewflow" else name.removeprefix("reviewflow.")
        for name in finder.modules
        if name == "reviewflow" or name.startswith("reviewflow.")
    }


RULES = _rules()


def test_every_rule_that_runs_library_code_has_one_digest_of_a_known_stage() -> None:
    assert len(RULES) >= 13, sorted(RULES)
    for rule, (script, digests) in RULES.items():
        assert script.is_file(), f"rule {rule}: {script} is missing"
        assert len(digests) == 1, f'rule {rule}: give it one param code=library_digest("{rule}")'
        assert digests[0] in stages.STAGE_MODULES, f"rule {rule}: stage {digests[0]!r} is not in STAGE_MODULES"
    assert set(stages.STAGE_MODULES) == {digests[0] for _, digests in RULES.values()}, "a stage no rule uses"


@pytest.mark.parametrize("rule", sorted(RULES))
def test_a_stages_modules_are_what_its_script_imports(rule: str) -> None:
    script, (stage,) = RULES[rule]
    imported = _library_imports(script)
    listed = set(stages.stage_modules(stage))
    assert not imported - listed, (
        f"{stage}: add {sorted(imported - listed)} to STAGE_MODULES (imported by {script.name})"
    )
    assert not listed - imported, f"{stage}: {sorted(listed - imported)} listed but never imported by {script.name}"


def test_listed_modules_exist_and_the_digest_follows_their_contents(tmp_path: Path) -> None:
    for names in stages.STAGE_MODULES.values():
        for name in names:
            assert stages.module_path(name).is_file(), name
    package = tmp_path / "reviewflow"
    package.mkdir()
    for name in stages.stage_modules("prisma"):
        copy = package / stages.module_path(name).relative_to(stages.PACKAGE_DIR)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(stages.module_path(name).read_bytes())
    before = stages.stage_digest("prisma", package)
    assert before == stages.stage_digest("prisma")
    (package / "tables.py").write_text("# a module prisma does not run\n")
    assert stages.stage_digest("prisma", package) == before
    (package / "errors.py").write_text((package / "errors.py").read_text() + "\n# edited\n")
    assert stages.stage_digest("prisma", package) != before
    with pytest.raises(KeyError, match="no such stage"):
        stages.stage_digest("ingestion")
