"""The package's shape: no import cycles, lower stages never import higher ones, package
``__init__`` files only re-export, no module over 400 lines, light imports, documented APIs.

The import graph is read from the source with ``ast`` (imports inside functions included,
``if TYPE_CHECKING:`` blocks excluded), so it holds for code paths the tests never run.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "greendc"
MAX_LINES = 400

# The flow, lowest first: a module may import modules of its own stage or of lower ranks only.
# Stages of the same rank (criteria and savings; batch and authoring) do not import each other.
LAYERS = {
    "greendc": 0.5,  # the package's face: the version and lazy re-exports, above both
    "greendc.errors": 0,
    "greendc.version": 0,
    "greendc.reference": 1,
    "greendc.findings": 2,
    "greendc.reading": 3,
    "greendc.validation": 4,
    "greendc.metrics": 5,
    "greendc.criteria": 6,
    "greendc.savings": 6,
    "greendc.assessment": 7,
    "greendc.report": 8,
    "greendc.batch": 9,
    "greendc.authoring": 9,
    "greendc.web": 9.5,
    "greendc.cli": 10,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def stage(module: str) -> str:
    """The stage a module belongs to: the longest key of LAYERS that is a prefix of it."""
    candidates = [k for k in LAYERS if module == k or module.startswith(k + ".")]
    assert candidates, f"{module} belongs to no stage: add it to LAYERS"
    return max(candidates, key=len)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(module: str) -> set[str]:
    """greendc modules that ``module`` imports at run time (anywhere in the file)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "greendc")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] == "greendc":
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    found.add(sub if sub in MODULES else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(module)
    return {m for m in found if m in MODULES}


GRAPH = {m: imports(m) for m in MODULES}


def test_every_module_belongs_to_a_stage():
    for module in MODULES:
        stage(module)


def test_no_import_cycles():
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                walk(nxt)
        path.pop()
        state[node] = 2

    for module in sorted(GRAPH):
        if module not in state:
            walk(module)


def test_lower_stages_never_import_higher_ones():
    wrong = []
    for module, targets in GRAPH.items():
        own = stage(module)
        for target in targets:
            other = stage(target)
            if other != own and LAYERS[other] >= LAYERS[own]:
                wrong.append(f"{module} ({own}) imports {target} ({other})")
    assert not wrong, "\n".join(sorted(wrong))


LAZY_FACES = ("greendc", "greendc.report")  # packages that re-export lazily (PEP 562)
ALLOWED_IN_FACE = {"_LAZY", "__getattr__", "__dir__"}  # greendc/__init__.py


def test_package_init_files_only_re_export():
    for module, path in MODULES.items():
        if path.name != "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue  # the docstring
            if isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if isinstance(node, ast.If) and _type_checking(node):
                continue
            names = ({t.id for t in node.targets if isinstance(t, ast.Name)}
                     if isinstance(node, ast.Assign) else
                     {node.name} if isinstance(node, ast.FunctionDef) else set())
            if names == {"__all__"} or (module in LAZY_FACES and names
                                        and names <= ALLOWED_IN_FACE):
                continue
            pytest.fail(f"{path.relative_to(ROOT)} line {node.lineno}: a package __init__ holds "
                        "only its docstring, imports and __all__")


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in MODULES.values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def _imported_modules(code: list[str]) -> set[str]:
    run = subprocess.run([sys.executable, "-X", "importtime", *code], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    return {line.split("|")[-1].strip() for line in run.stderr.splitlines()
            if line.startswith("import time:")}


@pytest.mark.parametrize("code", [["-c", "import greendc.errors"], ["-c", "import greendc"],
                                  ["-m", "greendc.cli", "--help"],
                                  ["-m", "greendc.cli", "--version"]])
def test_light_imports_do_not_load_pandas(code):
    loaded = _imported_modules(code)
    assert "greendc" in loaded or "greendc.errors" in loaded
    heavy = {m for m in loaded if m.split(".")[0] in ("pandas", "numpy", "pint", "pyarrow")}
    assert not heavy, sorted(heavy)[:5]


DOCUMENTED = ("greendc.reading", "greendc.metrics", "greendc.criteria", "greendc.savings")


def _public_functions():
    for module, path in sorted(MODULES.items()):
        if not module.startswith(DOCUMENTED) or path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                yield module, node


def test_public_functions_have_numpydoc_parameters_and_returns():
    missing = []
    for module, node in _public_functions():
        doc = ast.get_docstring(node) or ""
        params = [a.arg for a in node.args.args + node.args.kwonlyargs if a.arg != "self"]
        returns = not ((isinstance(node.returns, ast.Constant) and node.returns.value is None)
                       or getattr(node.returns, "id", None) == "None")
        needs = (["Parameters"] if params else []) + (["Returns"] if returns else [])
        lacking = [section for section in needs if f"{section}\n----" not in doc]
        if lacking:
            missing.append(f"{module}.{node.name}: {', '.join(lacking)}")
    assert not missing, f"{len(missing)} public functions lack sections:\n" + "\n".join(missing)


def test_every_package_opens_with_a_paragraph_on_its_job():
    for module, path in MODULES.items():
        if path.name == "__init__.py" and module.count(".") == 1 and not module.endswith(
                (".data", ".packs")):
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            assert len(doc.split()) >= 25, f"{module}: say what the package does and holds"
