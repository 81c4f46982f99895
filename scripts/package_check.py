"""Release packaging check (issue 20): the wheel and the sdist build, and every extra works from the wheel.

For each extra of ``pyproject.toml`` (and the bare core), a clean virtual environment gets the wheel with
that extra only (versions pinned to ``uv.lock`` so the check is reproducible and served from uv's
cache), then imports every module of the subpackages the extra is for, runs a smoke call that touches
the extra's dependencies and the data files the code reads at run time, and ``vf --help`` where the
extra brings the CLI. A dependency missing from an extra, a module that imports a package its extra
does not install, or a file left out of the wheel fails the run.

A subpackage that no extra below names is still imported, module by module, in the ``all`` environment,
and the run prints it so the table gets a row.

Usage: ``python scripts/package_check.py [EXTRA ...]`` (default: every extra). Run by ``scripts/test.sh``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UV = str(ROOT / ".tools" / "bin" / "uv")

# extra -> (subpackages whose every module must import with only this extra, smoke code)
CORE = [
    "verifiedfan:flat",
    "verifiedfan.http",
    "verifiedfan.log",
    "verifiedfan.utils",
    "verifiedfan.monitoring",
]
SMOKE_CORE = """
from verifiedfan.http import ApiSettings
from verifiedfan.log import redact_text
assert ApiSettings().timeouts is not None
"""
TABLE: dict[str, tuple[list[str], str]] = {
    "": (CORE, SMOKE_CORE),
    "normalizers": (
        ["verifiedfan.normalizers"],
        """
from verifiedfan import normalizers as n
assert n.phone("+33 6 12 34 56 78") == "+33612345678", n.phone("+33 6 12 34 56 78")
assert n.email(" User@Example.COM ") == "user@example.com"
assert n.user_agent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)") is not None
""",
    ),
    "jwt": (
        ["verifiedfan.jwt", "verifiedfan.internal"],
        """
from verifiedfan.internal import TitanClient
from verifiedfan.jwt import Signer, Verifier
secret = "s" * 32
token = Signer(private_key=secret, algorithm="HS256").make_token({"permissions": ["read"]})
assert Verifier(public_keys=secret, algorithms=["HS256"]).read_token(token)["permissions"] == ["read"]
""",
    ),
    "ticketmaster": (
        ["verifiedfan.ticketmaster"],
        """
from verifiedfan.ticketmaster import generate_passwords
codes = generate_passwords(50)  # reads the censored-word list shipped in the wheel
assert len(set(codes)) == 50
""",
    ),
    "kafka": (
        ["verifiedfan.kafka"],
        """
from verifiedfan.kafka import validate_record
schema = {"type": "record", "name": "E", "fields": [{"name": "id", "type": "long"}]}
assert validate_record(schema, {"id": 1}) == []
assert validate_record(schema, {"id": "x"})
import confluent_kafka
""",
    ),
    "redis": (["verifiedfan.redis"], "import redis.asyncio\nfrom verifiedfan.redis import Redis\n"),
    "mongo": (["verifiedfan.mongo"], "import pymongo\nfrom verifiedfan.mongo import Mongo\n"),
    "aws": (["verifiedfan.aws"], "import aiobotocore, boto3\nfrom verifiedfan.aws import S3\n"),
    "tracing": (
        ["verifiedfan.tracing"],
        "import opentelemetry.sdk.trace, opentelemetry.exporter.otlp.proto.http\n",
    ),
    "metrics": (
        ["verifiedfan.metrics"],
        """
from verifiedfan.metrics import parse_prometheus_text
families = parse_prometheus_text("# TYPE x counter\\nx_total 3\\n")
assert families[0].name == "x", families
""",
    ),
    "config": (
        ["verifiedfan.config"],
        """
from verifiedfan.config import dump_yaml, load_yaml, resolve_placeholders
assert load_yaml("country: NO\\nport: 010\\n") == {"country": "NO", "port": 10}
assert resolve_placeholders({"a": {"b": 1}, "c": "${a.b}"}, environ={})["c"] == 1
assert load_yaml(dump_yaml({"v": "on"})) == {"v": "on"}
""",
    ),
    "bdd": ([], "import pytest_bdd, jsonschema\n"),
    "testing": ([], "import fakeredis, mongomock, pytest_asyncio\n"),
    "cli": ([], "import typer, rich\n"),
    "snowflake": (
        ["verifiedfan.snowflake"],
        "import snowflake.connector\nfrom verifiedfan.snowflake import Snowflake\n",
    ),
    # verifiedfan.web's tracing module needs the tracing extra: only the modules of the web extra here
    "web": (
        [],  # verifiedfan.web._tracing needs the tracing extra too: checked in "all"
        """
import verifiedfan.web.fastapi
from verifiedfan.web import SchemaValidator
v = SchemaValidator({"a": {"properties": {"b": {"$ref": "b.json"}}}, "b": {"type": "integer"}})
assert [i.path for i in v.issues({"b": "x"}, "a")] == ["$.b"]
""",
    ),
    "service": (
        ["verifiedfan.reference_service"],
        """
import uvicorn
from verifiedfan.reference_service import APP_FACTORY, check_password, create_app, hash_password
assert check_password("pw", hash_password("pw", n=2**4)) and not check_password("pv", hash_password("pw"))
""",
    ),
    "all": (
        [
            "verifiedfan.testing",
            "verifiedfan.cli",
            "verifiedfan.demo",
            "verifiedfan.stack",
            "verifiedfan.music",
            "verifiedfan.partners",
        ],
        "",
    ),
}
# Extras whose environment must run the `vf` entry point.
CLI_EXTRAS = {"cli", "service", "all"}

IMPORT_ALL = """
import importlib, pkgutil, sys
failed = []
for name in sys.argv[1:]:
    flat = name.endswith(":flat")  # the top-level package: its own modules, not its subpackages
    name = name.removesuffix(":flat")
    mod = importlib.import_module(name)
    walk = pkgutil.iter_modules if flat else pkgutil.walk_packages
    for info in walk(getattr(mod, "__path__", []), name + "."):
        if flat and info.ispkg:
            continue
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            failed.append(f"{info.name}: {type(exc).__name__}: {exc}")
if failed:
    sys.exit("\\n".join(failed))
"""


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)  # type: ignore[call-overload, no-any-return]


def _subpackages() -> set[str]:
    base = ROOT / "src" / "verifiedfan"
    return {f"verifiedfan.{p.name}" for p in base.iterdir() if (p / "__init__.py").exists()}


def _check_extra(extra: str, wheel: Path, constraints: Path, work: Path) -> tuple[str, float, str]:
    t0 = time.perf_counter()
    venv = work / f"venv-{extra or 'core'}"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "VIRTUAL_ENV": str(venv)}
    env.pop("PYTHONPATH", None)
    out = _run([UV, "venv", "-q", str(venv), "--python", sys.executable], env=env)
    if out.returncode:
        return extra, time.perf_counter() - t0, out.stderr
    python = str(venv / "bin" / "python")
    req = f"{wheel}[{extra}]" if extra else str(wheel)
    out = _run([UV, "pip", "install", "-q", "--python", python, "-c", str(constraints), req], env=env)
    if out.returncode:
        return extra, time.perf_counter() - t0, f"install {req}: {out.stderr}"
    subpackages, smoke = TABLE[extra]
    if extra == "all":
        subpackages = sorted(_subpackages() | {"verifiedfan"})
    problems = []
    # Run from the work dir so the checkout's src/ can never shadow the installed wheel.
    out = _run([python, "-c", IMPORT_ALL, *subpackages], env=env, cwd=work)
    if out.returncode:
        problems.append(f"imports: {out.stderr.strip()}")
    if smoke:
        out = _run([python, "-c", smoke], env=env, cwd=work)
        if out.returncode:
            problems.append(f"smoke: {out.stderr.strip()}")
    if extra in CLI_EXTRAS:
        out = _run([str(venv / "bin" / "vf"), "--help"], env=env, cwd=work)
        if out.returncode or "Usage" not in out.stdout:
            problems.append(f"vf --help: rc={out.returncode} {out.stderr.strip()[-2000:]}")
    return extra, time.perf_counter() - t0, "\n".join(problems)


def main(argv: list[str]) -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras_declared = set(project["optional-dependencies"])
    for extra in sorted(extras_declared - set(TABLE)):
        # Still installed and checked: the wheel with it must install and `import verifiedfan` work.
        print(f"package_check: extra {extra!r} has no row in TABLE: only its install is checked; add one")
        TABLE[extra] = ([], "import verifiedfan\n")
    named = {p.removesuffix(":flat") for subs, _ in TABLE.values() for p in subs}
    for sub in sorted(_subpackages() - named):
        print(f"package_check: {sub} is checked only in the 'all' environment (no extra names it)")
    extras = argv or list(TABLE)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vf-pkg-") as tmp:
        work = Path(tmp)
        dist = work / "dist"
        out = _run([UV, "build", "-q", "--out-dir", str(dist)], cwd=ROOT)  # the sdist, then the wheel from it
        if out.returncode:
            print(f"package_check: build failed:\n{out.stderr}", file=sys.stderr)
            return 1
        wheel = next(dist.glob("*.whl"))
        sdist = next(dist.glob("*.tar.gz"))
        constraints = work / "constraints.txt"
        out = _run(
            [UV, "export", "-q", "--frozen", "--all-extras", "--no-dev", "--no-hashes", "--no-emit-project",
             "-o", str(constraints)],
            cwd=ROOT,
        )  # fmt: skip
        if out.returncode:
            print(f"package_check: uv export failed:\n{out.stderr}", file=sys.stderr)
            return 1
        print(f"package_check: built {wheel.name} and {sdist.name} in {time.perf_counter() - t0:.1f} s")
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda e: _check_extra(e, wheel, constraints, work), extras))
    failed = 0
    for extra, seconds, problem in results:
        status = "ok" if not problem else "FAILED"
        print(f"  {extra or '(core)':<13} {status:<7} {seconds:5.1f} s")
        if problem:
            failed += 1
            print("    " + problem.replace("\n", "\n    "), file=sys.stderr)
    total = time.perf_counter() - t0
    print(f"package_check: {len(results) - failed}/{len(results)} extras ok in {total:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
