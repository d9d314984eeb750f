"""The one scope rule stays one (issue 20 item 3), read from the code itself (nothing is executed):

- the staff behind a user or request is found by ``cases.selectors.scope.staff_of`` only: no other
  code reads ``getattr(user, "staff", …)``;
- which units a person supervises (an auditor's scope region, a region and the regions below it)
  is decided in ``cases/selectors/scope.py`` only: no other code reads ``.scope_region`` or asks
  a region for ``descendant_codes_prefix()``;
- whether a person may act on a task is decided by ``workflow.services.act_refusal`` only: no other
  code asks ``has_perm`` or reads whether a step is ``leader_only``.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cases", "workflow", "letters", "notifications", "deadlines", "config")
SCOPE = "cases/selectors/scope.py"
TASK_RULE = "workflow/services.py"


def _trees():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _found(where, allowed) -> list[str]:
    offending = []
    for path, tree in _trees():
        if path in allowed:
            continue
        offending += [f"{path}:{node.lineno}" for node in ast.walk(tree) if where(node)]
    return offending


def _attribute_read(name):
    return lambda node: isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.ctx, ast.Load)


def test_the_staff_behind_a_user_is_found_in_one_place():
    def getattr_staff(node):
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and node.args[1].value == "staff")

    offending = _found(getattr_staff, {SCOPE})
    assert not offending, "ask cases.selectors.scope.staff_of(user) instead:\n" + "\n".join(offending)


def test_which_units_a_person_supervises_is_decided_in_one_module():
    # The model defines the region's prefix; the demo loader prints each demo account's region.
    allowed = {SCOPE, "cases/models/registry.py", "cases/management/commands/load_demo.py"}
    offending = _found(lambda node: _attribute_read("scope_region")(node)
                       or _attribute_read("descendant_codes_prefix")(node), allowed)
    assert not offending, f"ask {SCOPE} (units_supervised_by, region_units, …) instead:\n" + "\n".join(offending)


def test_who_may_act_on_a_task_is_decided_in_one_place():
    # The node declares the step leader-only; the API serializes the flag by its source string.
    allowed = {TASK_RULE, "workflow/nodes.py"}
    offending = _found(lambda node: _attribute_read("has_perm")(node) or _attribute_read("leader_only")(node),
                       allowed)
    assert not offending, "ask workflow.services.act_refusal / may_act instead:\n" + "\n".join(offending)
