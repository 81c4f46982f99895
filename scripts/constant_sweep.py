"""Constant sweep (issue 22: "no test can pass when its subject is replaced by a constant"), on demand.

    bash scripts/constant_sweep.sh [--list] [--json FILE] [GROUP...]

For every public function and method of the core modules below, the sweep replaces its body by a
constant of its return type and runs the unit tests that execute it; a replacement that no test
notices is a *finding*. The constants, from the return annotation:

- ``-> None``: an empty body (``pass``); ``-> bool``: ``False``, then ``True``; ``-> str``: ``""``;
  ``int``/``float``: ``0``; ``bytes``: ``b""``; a container: an empty one of its kind; an optional
  (``X | None``): ``None``; a generator: an empty one; any other type: ``None``;
- and for a function whose first argument is a ``str`` (or ``object``) and whose answer is a ``str``
  (or ``None``): that argument, unchanged (a normalizer that normalizes nothing).

How: one pytest session per group (a subprocess) runs the group's unit tests once under coverage,
with each test's node id as coverage context, to learn which tests execute each function; a function
that no test executes is a finding without running anything. Then, for each replacement, the
function's ``__code__`` is swapped for the constant body (same signature; compiled from an AST
rewrite of its source, so every alias and bound method sees it) and the tests that execute it run,
the most focused first, until one fails; none failing is a finding. The code is swapped back after
each replacement. One import of the library and of the tests serves the whole group (a subprocess per
replacement spent most of its time importing). Run it under ``nice -n 19`` (the .sh does).

Not part of scripts/test.sh: a group takes minutes. Accepted findings are listed in ACCEPTED with why
(``docs/guide/testing.md``, "Constant sweep"); they are reported apart and do not fail the run.
Exit status: 0 when every finding is accepted, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any, cast

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".sweep"
TIMEOUT = 120  # seconds for one test under a replacement; a hang counts as noticed


@dataclass(frozen=True)
class Group:
    modules: tuple[str, ...]  # globs under src/verifiedfan
    tests: str


GROUPS: dict[str, Group] = {
    "normalizers": Group(("normalizers/_*.py",), "tests/unit/normalizers"),
    "utils": Group(("utils/_*.py",), "tests/unit/utils"),
    "log-redact": Group(("log/_redact.py",), "tests/unit/log"),
    "http": Group(("http/_config.py", "http/_core.py", "http/_api/_errormap.py"), "tests/unit/http"),
    "jwt": Group(
        (
            "jwt/_durations.py",
            "jwt/_keys.py",
            "jwt/_permissions.py",
            "jwt/_signer.py",
            "jwt/_unverified.py",
            "jwt/_verifier.py",
        ),
        "tests/unit/jwt",
    ),
    "kafka": Group(
        (
            "kafka/_avro_compat.py",
            "kafka/_avro_issues.py",
            "kafka/_formatters.py",
            "kafka/_headers.py",
            "kafka/_logical.py",
            "kafka/_partition.py",
            "kafka/_validate.py",
        ),
        "tests/unit/kafka",
    ),
}

# "module:qualname variant" -> why no test can (or needs to) tell it from the real body
ACCEPTED: dict[str, str] = {}

_CONTAINERS = {
    "list": "[]",
    "Sequence": "[]",
    "MutableSequence": "[]",
    "Iterable": "[]",
    "Collection": "[]",
    "tuple": "()",
    "dict": "{}",
    "Mapping": "{}",
    "MutableMapping": "{}",
    "set": "set()",
    "AbstractSet": "set()",
    "MutableSet": "set()",
    "frozenset": "frozenset()",
}
_SCALARS = {"bool": ["False", "True"], "str": ['""'], "int": ["0"], "float": ["0.0"], "bytes": ['b""']}
_SKIP_DECORATORS = {"overload", "abstractmethod", "override_for_sync"}


@dataclass(frozen=True)
class Variant:
    module: str  # path under src/verifiedfan
    qualname: str  # "func" or "Class.method"
    label: str  # what the body became
    body: str  # Python source of the new body

    @property
    def key(self) -> str:
        return f"{self.module}:{self.qualname} {self.label}"


@dataclass
class Function:
    module: str
    qualname: str
    lines: range
    variants: list[Variant] = field(default_factory=list)


def _decorators(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = set()
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        names.add(ast.unparse(target).rpartition(".")[2])
    return names


def _own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function body, not those of the functions and classes nested in it."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        yield child
        yield from _own_nodes(child)


def _body(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return body


def _is_stub(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    body = _body(node)
    if not body:
        return True
    if len(body) != 1:
        return False
    only = body[0]
    if isinstance(only, ast.Pass) or (isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant)):
        return True
    return isinstance(only, ast.Raise) and "NotImplementedError" in ast.unparse(only)


def _split_union(annotation: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in annotation:
        depth += char == "["
        depth -= char == "]"
        if char == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _bodies(
    node: ast.FunctionDef | ast.AsyncFunctionDef, is_method: bool, static: bool
) -> list[tuple[str, str]]:
    """(label, body source) of each constant replacement of ``node``."""
    if any(isinstance(n, ast.Yield | ast.YieldFrom) for n in _own_nodes(node)):
        return [("-> empty generator", "return\nyield")]
    returns = ast.unparse(node.returns).strip("'\"") if node.returns else "None"
    parts = _split_union(returns)
    found: list[tuple[str, str]] = []
    if returns == "None":
        found.append(("-> no-op", "pass"))
    elif "None" in parts or returns.startswith("Optional["):
        found.append(("-> None", "return None"))
    else:
        head = parts[0].partition("[")[0].rpartition(".")[2]
        if head in _SCALARS and len(parts) == 1:
            found += [(f"-> {value}", f"return {value}") for value in _SCALARS[head]]
        elif head in {"Iterator", "Generator"} and len(parts) == 1:
            found.append(("-> iter(())", "return iter(())"))
        elif head in _CONTAINERS and len(parts) == 1:
            found.append((f"-> {_CONTAINERS[head]}", f"return {_CONTAINERS[head]}"))
        else:
            found.append(("-> None", "return None"))
    args = node.args.posonlyargs + node.args.args
    if is_method and not static:
        args = args[1:]
    first = ast.unparse(args[0].annotation) if args and args[0].annotation is not None else ""
    if first in {"str", "object", "Any"} and "str" in parts:
        found.append((f"-> {args[0].arg} unchanged", f"return {args[0].arg}"))
    return found


def discover(module: str) -> list[Function]:
    """The public functions and methods of ``module`` (a path under src/verifiedfan) and their variants."""
    tree = ast.parse((ROOT / "src/verifiedfan" / module).read_text("utf-8"))
    found: list[Function] = []

    def add(node: ast.AST, prefix: str, is_method: bool) -> None:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name.startswith("_"):
            return
        decorators = _decorators(node)
        if decorators & _SKIP_DECORATORS or _is_stub(node):
            return
        body = _body(node)
        qualname = f"{prefix}{node.name}"
        function = Function(module, qualname, range(body[0].lineno, (node.end_lineno or body[0].lineno) + 1))
        for label, source in _bodies(node, is_method, "staticmethod" in decorators):
            function.variants.append(Variant(module, qualname, label, source))
        found.append(function)

    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            bases = {ast.unparse(b).rpartition(".")[2] for b in node.bases}
            if "Protocol" in bases:
                continue
            for item in node.body:
                add(item, f"{node.name}.", True)
        else:
            add(node, "", False)
    return found


def replacement_code(variant: Variant, namespace: dict[str, Any]) -> CodeType:
    """The code object of ``variant``: the function's signature (without annotations and defaults,
    which live on the function object) and the new body."""
    tree = ast.parse((ROOT / "src/verifiedfan" / variant.module).read_text("utf-8"))
    scope: list[ast.stmt] = tree.body
    *outer, name = variant.qualname.split(".")
    for part in outer:
        scope = next(n for n in scope if isinstance(n, ast.ClassDef) and n.name == part).body
    node = next(n for n in scope if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name)
    node.decorator_list, node.returns = [], None
    node.body = ast.parse(variant.body).body
    args = node.args
    args.defaults, args.kw_defaults = [], [None] * len(args.kwonlyargs)
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is not None:
            arg.annotation = None
    module = ast.fix_missing_locations(ast.Module(body=[node], type_ignores=[]))
    scratch = dict(namespace)
    exec(compile(module, f"<sweep {variant.key}>", "exec"), scratch)  # noqa: S102 - our own source
    return cast(CodeType, scratch[name].__code__)


def target_function(variant: Variant) -> Any:
    """The function object whose ``__code__`` the variant replaces (below decorators and descriptors)."""
    module = importlib.import_module("verifiedfan." + variant.module.removesuffix(".py").replace("/", "."))
    *outer, name = variant.qualname.split(".")
    owner: Any = module
    for part in outer:
        owner = getattr(owner, part)
    found = owner.__dict__[name] if outer else getattr(owner, name)
    for attribute in ("fget", "__func__", "func"):  # property, staticmethod/classmethod, cached_property
        found = getattr(found, attribute, found)
    while hasattr(found, "__wrapped__"):
        found = found.__wrapped__
    return found


# -- running: one pytest session per group --------------------------------------------------------


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout("the test ran past the sweep's time limit")


class SweepPlugin:
    """Runs the group's tests once under coverage (which test runs which function), then, for each
    replacement, swaps the function's code and runs the tests that execute it until one fails."""

    def __init__(self, functions: list[Function], out: Path) -> None:
        self.functions, self.out = functions, out

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        import coverage
        from _pytest.runner import runtestprotocol

        files = sorted({str(ROOT / "src/verifiedfan" / f.module) for f in self.functions})
        cov = coverage.Coverage(data_file=None, include=files)
        items = {item.nodeid: item for item in session.items}
        failed = []
        cov.start()
        for index, item in enumerate(session.items):
            cov.switch_context(item.nodeid)
            following = session.items[index + 1] if index + 1 < len(session.items) else None
            reports = runtestprotocol(item, log=False, nextitem=following)
            if any(r.failed for r in reports):
                failed.append(item.nodeid)
        cov.stop()
        results: dict[str, str] = {}
        if failed:
            results["(baseline)"] = f"error: {len(failed)} tests fail without any replacement: {failed[:5]}"
            self.out.write_text(json.dumps(results), "utf-8")
            return True
        data = cov.get_data()
        runs: dict[str, set[str]] = {}
        for function in self.functions:
            by_line = data.contexts_by_lineno(str(ROOT / "src/verifiedfan" / function.module))
            runs[function.qualname + function.module] = {
                c for line in function.lines for c in by_line.get(line, []) if c in items
            }
        # focused tests first: those that run the fewest of the swept functions
        breadth = {nodeid: sum(nodeid in tests for tests in runs.values()) for nodeid in items}
        signal.signal(signal.SIGALRM, _alarm)
        for function in self.functions:
            tests = sorted(runs[function.qualname + function.module], key=lambda n: (breadth[n], n))
            for variant in function.variants:
                results[variant.key] = self._check(variant, [items[n] for n in tests], runtestprotocol)
                print(f"   {results[variant.key]:8.8} {variant.key}", flush=True)
                self.out.write_text(json.dumps(results, indent=1), "utf-8")
        return True

    @staticmethod
    def _check(variant: Variant, tests: list[pytest.Item], runtestprotocol: Any) -> str:
        if not tests:
            return "survived (no test runs it)"
        try:
            function = target_function(variant)
            original = function.__code__
            function.__code__ = replacement_code(variant, function.__globals__)
        except Exception as exc:  # noqa: BLE001 - reported, the sweep goes on
            return f"error: cannot replace it ({type(exc).__name__}: {exc})"
        try:
            for item in tests:
                signal.alarm(TIMEOUT)
                try:
                    reports = runtestprotocol(item, log=False, nextitem=None)
                finally:
                    signal.alarm(0)
                if any(r.failed for r in reports):
                    return "caught"
            return "survived"
        finally:
            function.__code__ = original


@dataclass
class Outcome:
    group: str
    functions: int = 0
    variants: int = 0
    caught: int = 0
    findings: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _functions(group: Group) -> list[Function]:
    modules = sorted(
        str(p.relative_to(ROOT / "src/verifiedfan"))
        for pattern in group.modules
        for p in (ROOT / "src/verifiedfan").glob(pattern)
    )
    return [f for m in modules for f in discover(m)]


def sweep(name: str) -> Outcome:
    """Sweep one group in a pytest session of its own (a subprocess), and read its results."""
    group = GROUPS[name]
    functions = _functions(group)
    SCRATCH.mkdir(exist_ok=True)
    out = SCRATCH / f"{name}.json"
    out.unlink(missing_ok=True)
    count = sum(len(f.variants) for f in functions)
    print(f"== {name}: {len(functions)} functions, {count} replacements, tests {group.tests}", flush=True)
    subprocess.run([sys.executable, __file__, "--session", name, str(out)], cwd=ROOT, check=False)
    results = json.loads(out.read_text("utf-8")) if out.exists() else {}
    outcome = Outcome(name, functions=len(functions))
    if "(baseline)" in results:
        outcome.errors.append(results["(baseline)"])
        return outcome
    for function in functions:
        for variant in function.variants:
            outcome.variants += 1
            _record(outcome, variant, results.get(variant.key, "error: not run (the session stopped)"))
    return outcome


def _session(name: str, out: Path) -> int:
    group = GROUPS[name]
    args = [
        group.tests,
        "-q",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-W",
        "ignore::pytest.PytestWarning",
    ]
    return int(pytest.main(args, plugins=[SweepPlugin(_functions(group), out)]))


def _record(outcome: Outcome, variant: Variant, status: str) -> None:
    if status == "caught":
        outcome.caught += 1
    elif status.startswith("survived"):
        line = f"{variant.key}{status.removeprefix('survived')}"
        if variant.key in ACCEPTED:
            outcome.accepted.append(f"{line}: {ACCEPTED[variant.key]}")
        else:
            outcome.findings.append(line)
    else:
        outcome.errors.append(f"{variant.key}: {status}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("groups", nargs="*", help="groups to sweep (default: all)")
    parser.add_argument(
        "--list", action="store_true", help="print the groups and their replacements, run nothing"
    )
    parser.add_argument("--session", nargs=2, help=argparse.SUPPRESS)  # internal: NAME OUT
    parser.add_argument("--json", type=Path, help="also write the outcome to this file")
    args = parser.parse_args()
    if args.session:
        return _session(args.session[0], Path(args.session[1]))
    unknown = [g for g in args.groups if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s) {unknown}; known: {sorted(GROUPS)}")
    names = args.groups or list(GROUPS)
    if args.list:
        for name in names:
            group = GROUPS[name]
            print(f"{name}  <- {group.tests}")
            for pattern in group.modules:
                for path in sorted((ROOT / "src/verifiedfan").glob(pattern)):
                    for function in discover(str(path.relative_to(ROOT / "src/verifiedfan"))):
                        print(
                            f"  {function.module}:{function.qualname}  {[v.label for v in function.variants]}"
                        )
        return 0
    started = time.monotonic()
    outcomes = [sweep(name) for name in names]
    print(f"\n{'group':14} {'functions':>9} {'replaced':>8} {'caught':>7} {'findings':>8} {'accepted':>8}")
    for o in outcomes:
        counts = f"{o.functions:>9} {o.variants:>8} {o.caught:>7} {len(o.findings):>8} {len(o.accepted):>8}"
        print(f"{o.group:14} {counts}")
    for o in outcomes:
        for title, lines in (("findings", o.findings), ("accepted", o.accepted), ("errors", o.errors)):
            if lines:
                print(f"\n{title} in {o.group}:")
                for line in lines:
                    print(f"  {line}")
    print(f"\n{time.monotonic() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps([o.__dict__ for o in outcomes], indent=2), "utf-8")
    return 1 if any(o.findings or o.errors for o in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
