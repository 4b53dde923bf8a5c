"""The hook reference stays true: docs/hooks.md matches the hookspecs, and every spec is a
documented, registered contract."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from shequ.core import hookspecs
from shequ.core.config import settings_from_dict
from shequ.core.pluginsys import reference
from shequ.core.pluginsys.host import PluginHost

DOCS = Path(__file__).resolve().parent.parent / "docs" / "hooks.md"
REGENERATE = "regenerate with `shequ hooks --markdown > docs/hooks.md`"

# Every hook's docstring names each argument (``runtime`` aside) with ``:param name:``.
PARAM_DOC_KINDS = ("setup", "validate", "transform", "decide", "observe")

# Arguments hookspecs.py does not document yet. The test fails when a new gap appears and
# also when one of these is fixed, so this list only ever shrinks. Keep it empty.
KNOWN_UNDOCUMENTED_PARAMS: dict[str, set[str]] = {}


def spec_names_in_source() -> list[str]:
    """Every ``shequ_*`` function defined in hookspecs.py, read from the source itself so a
    function that lost its decorators (or was defined twice) cannot hide."""
    tree = ast.parse(Path(hookspecs.__file__).read_text(encoding="utf-8"))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("shequ_")
    ]


SPEC_NAMES = spec_names_in_source()


def spec(name: str):
    return getattr(hookspecs, name)


def test_hookspecs_module_defines_hooks():
    assert len(SPEC_NAMES) >= 20
    assert [fn.__name__ for fn in reference.hookspec_functions()] == SPEC_NAMES


def test_no_hookspec_is_defined_twice():
    duplicates = sorted({name for name in SPEC_NAMES if SPEC_NAMES.count(name) > 1})
    assert not duplicates, f"defined more than once in core/hookspecs.py: {duplicates}"


def test_docs_hooks_md_is_up_to_date():
    assert DOCS.exists(), f"docs/hooks.md is missing; {REGENERATE}"
    assert DOCS.read_text(encoding="utf-8") == reference.markdown(), (
        f"docs/hooks.md differs from core/hookspecs.py; {REGENERATE}"
    )


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_hookspec_has_docstring_kind_and_area(name):
    fn = spec(name)
    assert inspect.getdoc(fn), f"{name} has no docstring"
    assert getattr(fn, "shequ_kind", None) in hookspecs.KINDS, (
        f"{name} has no kind: decorate it with @kind(<{'|'.join(hookspecs.KINDS)}>, <area>)"
    )
    # reference.markdown() lists areas from AREAS only: an unknown area would drop the hook
    # from docs/hooks.md without anyone noticing.
    assert getattr(fn, "shequ_area", None) in reference.AREAS, (
        f"{name} has area {getattr(fn, 'shequ_area', None)!r}, not one of {list(reference.AREAS)}"
    )


def undocumented_params(name: str) -> set[str]:
    fn = spec(name)
    doc = inspect.getdoc(fn) or ""
    params = [p for p in inspect.signature(fn).parameters if p != "runtime"]
    return {p for p in params if f":param {p}:" not in doc}


@pytest.mark.parametrize(
    "name", [n for n in SPEC_NAMES if getattr(spec(n), "shequ_kind", None) in PARAM_DOC_KINDS]
)
def test_hookspec_documents_each_parameter(name):
    missing = undocumented_params(name)
    known = KNOWN_UNDOCUMENTED_PARAMS.get(name, set())
    assert missing <= known, (
        f"{name}: document {sorted(missing - known)} with ':param NAME:' in its docstring"
    )
    assert known <= missing, (
        f"{name}: {sorted(known - missing)} now documented; remove them from "
        f"KNOWN_UNDOCUMENTED_PARAMS in tests/test_hook_reference.py"
    )


def test_known_gaps_name_existing_hooks():
    assert set(KNOWN_UNDOCUMENTED_PARAMS) <= set(SPEC_NAMES)


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in SPEC_NAMES
        if getattr(spec(n), "shequ_kind", None) in ("validate", "transform", "decide")
    ],
)
def test_result_hooks_document_their_return_value(name):
    # The caller combines these results by kind, so the meaning of a result is the contract.
    assert ":return:" in (inspect.getdoc(spec(name)) or ""), f"{name}: add ':return:'"


def test_every_hookspec_is_registered_in_a_fresh_plugin_host():
    host = PluginHost(settings_from_dict({}))
    registered = {
        name: caller
        for name, caller in vars(host.pm.hook).items()
        if not name.startswith("_") and getattr(caller, "spec", None) is not None
    }
    missing = [name for name in SPEC_NAMES if name not in registered]
    assert not missing, f"not registered as hookspecs (missing @hookspec?): {missing}"
    assert set(registered) == set(SPEC_NAMES)
    for name in SPEC_NAMES:
        assert registered[name].spec.function is spec(name)
