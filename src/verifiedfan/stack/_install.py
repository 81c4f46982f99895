"""First-use installation of the servers into the cache directory, and prerequisite checks."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import subprocess
import tarfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from verifiedfan.stack._errors import StackInstallError, StackPrerequisiteError
from verifiedfan.stack._proc import tail
from verifiedfan.stack._settings import StackSettings
from verifiedfan.stack._templates import FERRETDB_MAIN, KAFKA_LOG4J, KAFKA_POM
from verifiedfan.stack._versions import VERSIONS

__all__ = [
    "Reporter",
    "apicurio_dir",
    "ferretdb_binary",
    "install_apicurio",
    "install_ferretdb",
    "install_kafka",
    "install_redis",
    "install_rie",
    "kafka_dir",
    "kafka_installed",
    "log_reporter",
    "redis_binary",
    "require_java",
    "rie_binary",
]

_log = logging.getLogger(__name__)

#: Progress callback: ``(server, message)``. The CLI shows it with rich; the default logs it.
Reporter = Callable[[str, str], None]

_POLICY_RC = Path("/usr/sbin/policy-rc.d")
_JVM_DIR = Path("/usr/lib/jvm")


def log_reporter(server: str, message: str) -> None:
    """The default reporter: a log line per step."""
    _log.info("%s: %s", server, message)


def _kafka_fingerprint() -> str:
    return f"kafka {VERSIONS['kafka']} log4j {VERSIONS['log4j']} slf4j {VERSIONS['slf4j']}"


def kafka_installed(settings: StackSettings) -> bool:
    marker = kafka_dir(settings) / ".complete"
    return marker.exists() and marker.read_text() == _kafka_fingerprint()


def kafka_dir(settings: StackSettings) -> Path:
    return settings.home / f"kafka-{VERSIONS['kafka']}"


def apicurio_dir(settings: StackSettings) -> Path:
    return settings.home / f"apicurio-{VERSIONS['apicurio']}"


def ferretdb_binary(settings: StackSettings) -> Path:
    return settings.home / f"ferretdb-{VERSIONS['ferretdb']}" / "bin" / "ferretdb"


def _which(tool: str) -> str | None:
    return shutil.which(tool)


def _java_major(java: str) -> int:
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, check=False, timeout=30
        ).stderr
    except (OSError, subprocess.SubprocessError):
        return 0
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if match is None:
        return 0
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def require_java(settings: StackSettings, minimum: int | None = None, *, jvm_dir: Path = _JVM_DIR) -> str:
    """A java binary of at least ``minimum``: ``settings.java`` first, then the JDKs in /usr/lib/jvm."""
    want = minimum if minimum is not None else int(VERSIONS["java-min"])
    candidates = [j for j in [_which(settings.java)] if j]
    candidates += [str(p) for p in sorted(jvm_dir.glob("*/bin/java"))]
    for java in dict.fromkeys(candidates):
        if _java_major(java) >= want:
            return java
    raise StackPrerequisiteError(
        f"Java {want} or newer is needed and was not found (tried {', '.join(candidates) or settings.java}): "
        f"install a JDK {want}+ (Debian 12: `apt-get install -y openjdk-17-jre-headless` gives 17; "
        "for 21+ use Temurin from packages.adoptium.net) or point VF_STACK_JAVA at a java binary"
    )


def _require_mvn(settings: StackSettings) -> str:
    mvn = _which(settings.mvn)
    if mvn is None:
        raise StackPrerequisiteError(
            "Maven is needed to fetch Kafka and Apicurio from Maven Central and was not found: "
            "install it with `apt-get install -y maven` or point VF_STACK_MVN at an mvn binary"
        )
    return mvn


def _require_go(settings: StackSettings, minimum: str | None = None, *, purpose: str = "FerretDB") -> str:
    go = _which(settings.go)
    want_text = minimum or VERSIONS["go-min"]
    hint = (
        f"install Go {want_text}+ (https://go.dev/doc/install, or Debian's golang backports) "
        "or point VF_STACK_GO at a go binary"
    )
    if go is None:
        raise StackPrerequisiteError(f"Go is needed to build {purpose} and was not found: {hint}")
    out = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True, check=False).stdout
    match = re.match(r"go(\d+)\.(\d+)(?:\.(\d+))?", out.strip())
    have = (int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)) if match else (0, 0, 0)
    want = tuple(int(p) for p in want_text.split("."))
    if have < want:
        raise StackPrerequisiteError(
            f"Go {want_text}+ is needed for {purpose}, {go} is {out.strip()}: {hint}"
        )
    return go


@contextlib.contextmanager
def _install_lock(settings: StackSettings, name: str) -> Iterator[None]:
    settings.home.mkdir(parents=True, exist_ok=True)
    with (settings.home / f".install-{name}.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _run(
    name: str,
    argv: Sequence[str],
    *,
    settings: StackSettings,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> None:
    log = settings.home / "logs" / f"install-{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(argv)}\n".encode())
        out.flush()
        try:
            code = subprocess.run(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                env=None if env is None else {**os.environ, **env},
                check=False,
            ).returncode
        except OSError as exc:
            raise StackInstallError(f"cannot run {argv[0]}: {exc}", server=name) from exc
    if code != 0:
        raise StackInstallError(
            f"installing {name} failed: `{' '.join(argv)}` exited with {code} (full log: {log})",
            server=name,
            log_tail=tail(log, 30),
        )


def install_kafka(settings: StackSettings, report: Reporter) -> bool:
    """Kafka jars (and the log4j2 binding) from Maven Central into ``<home>/kafka-<version>/libs``."""
    home = kafka_dir(settings)
    if kafka_installed(settings):
        return False
    with _install_lock(settings, "kafka"):
        if kafka_installed(settings):
            return False
        mvn = _require_mvn(settings)
        require_java(settings)
        home.mkdir(parents=True, exist_ok=True)
        (home / "pom.xml").write_text(
            KAFKA_POM.format(kafka=VERSIONS["kafka"], log4j=VERSIONS["log4j"], slf4j=VERSIONS["slf4j"])
        )
        (home / "log4j2.properties").write_text(KAFKA_LOG4J)
        shutil.rmtree(home / "libs", ignore_errors=True)
        report("kafka", f"fetching Kafka {VERSIONS['kafka']} jars from Maven Central")
        plugin = f"org.apache.maven.plugins:maven-dependency-plugin:{VERSIONS['maven-dependency-plugin']}"
        _run(
            "kafka",
            [
                mvn,
                "-B",
                "-q",
                "-f",
                str(home / "pom.xml"),
                f"{plugin}:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={home / 'libs'}",
            ],
            settings=settings,
        )
        (home / ".complete").write_text(_kafka_fingerprint())
        report("kafka", "installed")
        return True


def install_apicurio(settings: StackSettings, report: Reporter) -> bool:
    """Apicurio Registry's runnable ``all`` archive from Maven Central, unpacked into the cache."""
    home = apicurio_dir(settings)
    if (home / ".complete").exists():
        return False
    with _install_lock(settings, "schema-registry"):
        if (home / ".complete").exists():
            return False
        mvn = _require_mvn(settings)
        require_java(settings, int(VERSIONS["java-min-registry"]))
        version = VERSIONS["apicurio"]
        shutil.rmtree(home, ignore_errors=True)
        download = home / "download"
        report("schema-registry", f"fetching Apicurio Registry {version} (about 160 MB) from Maven Central")
        plugin = f"org.apache.maven.plugins:maven-dependency-plugin:{VERSIONS['maven-dependency-plugin']}"
        _run(
            "schema-registry",
            [
                mvn,
                "-B",
                "-q",
                f"{plugin}:copy",
                f"-Dartifact=io.apicurio:apicurio-registry-app:{version}:tar.gz:all",
                f"-DoutputDirectory={download}",
            ],
            settings=settings,
        )
        archives = sorted(download.glob("*.tar.gz"))
        if not archives:
            raise StackInstallError(f"no archive was downloaded into {download}", server="schema-registry")
        report("schema-registry", "unpacking")
        app = home / "app"
        with tarfile.open(archives[0]) as tar:
            tar.extractall(app, filter="data")
        shutil.rmtree(download)
        if next(app.rglob("quarkus-run.jar"), None) is None:
            raise StackInstallError(
                f"quarkus-run.jar not found in {archives[0].name}", server="schema-registry"
            )
        (home / ".complete").write_text(version)
        report("schema-registry", "installed")
        return True


def install_ferretdb(settings: StackSettings, report: Reporter) -> bool:
    """FerretDB built with Go in its own module (pure-Go SQLite, no cgo).

    The module holds a small ``main.go`` that runs FerretDB's embeddable package: a plain
    ``go install .../cmd/ferretdb@v1.24.2`` builds a binary that panics at start ("Invalid
    build/version/version.txt"), because that file is generated by FerretDB's own build and is
    empty in the module zip.
    """
    binary = ferretdb_binary(settings)
    module = binary.parent.parent
    if (module / ".complete").exists() and binary.exists():
        return False
    with _install_lock(settings, "mongo"):
        if (module / ".complete").exists() and binary.exists():
            return False
        go = _require_go(settings)
        version = VERSIONS["ferretdb"]
        shutil.rmtree(module, ignore_errors=True)
        module.mkdir(parents=True)
        (module / "main.go").write_text(FERRETDB_MAIN)
        env = {"GOTOOLCHAIN": "local", "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod"}
        report("mongo", f"fetching FerretDB {version} from the Go module proxy")
        _run(
            "mongo", [go, "mod", "init", "local/verifiedfan-ferretdb"], settings=settings, cwd=module, env=env
        )
        _run(
            "mongo",
            [go, "get", f"github.com/FerretDB/FerretDB/ferretdb@{version}"],
            settings=settings,
            cwd=module,
            env=env,
        )
        report("mongo", "building FerretDB (a few minutes the first time)")
        _run(
            "mongo",
            [go, "build", "-trimpath", "-o", str(binary), "."],
            settings=settings,
            cwd=module,
            env=env,
        )
        (module / ".complete").write_text(version)
        report("mongo", "installed")
        return True


def rie_binary(settings: StackSettings) -> Path:
    return settings.home / f"lambda-rie-{VERSIONS['rie']}" / "bin" / "aws-lambda-rie"


def install_rie(settings: StackSettings, report: Reporter) -> bool:
    """AWS's Lambda Runtime Interface Emulator, built with Go from its module (static, no cgo)."""
    binary = rie_binary(settings)
    module = binary.parent.parent
    if (module / ".complete").exists() and binary.exists():
        return False
    with _install_lock(settings, "lambda"):
        if (module / ".complete").exists() and binary.exists():
            return False
        go = _require_go(settings, VERSIONS["go-min-rie"], purpose="the Lambda Runtime Interface Emulator")
        version = VERSIONS["rie"]
        shutil.rmtree(module, ignore_errors=True)
        module.mkdir(parents=True)
        env = {"GOTOOLCHAIN": "local", "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod"}
        path = "github.com/aws/aws-lambda-runtime-interface-emulator"
        report("lambda", f"fetching the Lambda Runtime Interface Emulator {version} from the Go module proxy")
        _run(
            "lambda",
            [go, "mod", "init", "local/verifiedfan-lambda-rie"],
            settings=settings,
            cwd=module,
            env=env,
        )
        _run("lambda", [go, "get", f"{path}@{version}"], settings=settings, cwd=module, env=env)
        report("lambda", "building aws-lambda-rie")
        _run(
            "lambda",
            [go, "build", "-trimpath", "-o", str(binary), f"{path}/cmd/aws-lambda-rie"],
            settings=settings,
            cwd=module,
            env=env,
        )
        (module / ".complete").write_text(version)
        report("lambda", "installed")
        return True


def redis_binary(settings: StackSettings) -> str | None:
    return _which(settings.redis_server)


def install_redis(settings: StackSettings, report: Reporter) -> bool:
    """Debian's redis-server from apt when absent and running as root; otherwise say what to do."""
    if redis_binary(settings) is not None:
        return False
    apt = _which("apt-get")
    if os.geteuid() != 0 or apt is None:
        raise StackPrerequisiteError(
            "redis-server was not found: install it with `sudo apt-get install -y redis-server` "
            "(Debian/Ubuntu; or your system's package) "
            "or point VF_STACK_REDIS_SERVER at a redis-server binary"
        )
    with _install_lock(settings, "redis"):
        if redis_binary(settings) is not None:
            return False
        report("redis", "installing redis-server with apt-get")
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        cmd = [apt, "install", "-y", "-q", "--no-install-recommends", "redis-server"]
        with _no_service_start():
            try:
                _run("redis", cmd, settings=settings, env=env)
            except StackInstallError:
                report("redis", "apt-get update")
                _run("redis", [apt, "update", "-q"], settings=settings, env=env)
                _run("redis", cmd, settings=settings, env=env)
        if redis_binary(settings) is None:
            raise StackInstallError("apt-get installed redis-server but it is not on PATH", server="redis")
        report("redis", "installed")
        return True


@contextlib.contextmanager
def _no_service_start(path: Path = _POLICY_RC) -> Iterator[None]:
    """A policy-rc.d that exits 101 (Debian: "do not start services") for the install's duration."""
    if path.exists():
        yield
        return
    path.write_text("#!/bin/sh\n# written by verifiedfan.stack during apt-get install\nexit 101\n")
    path.chmod(0o755)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
