"""scripts/unasync.py: the naming rules, the fenced blocks, and --check failing on drift or an unused rule."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "unasync.py"


@pytest.fixture
def unasync() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync_under_test", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("source", "twin"),
    [
        ("class HttpClient:", "class SyncHttpClient:"),
        ("    async def aclose(self) -> None:", "    def close(self) -> None:"),
        ("        await self._client.aclose()", "        self._client.close()"),
        ("    async def __aenter__(self) -> Redis:", "    def __enter__(self) -> SyncRedis:"),
        ("client: httpx.AsyncClient | None", "client: httpx.Client | None"),
        ("auth: AsyncTokenSource | None", "auth: SyncTokenSource | None"),
        ("op: Callable[[], Awaitable[list[str]]]", "op: Callable[[], list[str]]"),
        ("    async for page in self.aiter_pages():", "    for page in self.iter_pages():"),
        ("flights = AsyncFlights()", "flights = Flights()"),
        ("await async_sleep(1)", "sleep(1)"),
        ("x = api.Redis.from_url(url)", "x = api.Redis.from_url(url)"),  # redis-py's own class stays
        ("class Mongo:  # MongoDB", "class SyncMongo:  # MongoDB"),
    ],
)
def test_naming_convention(unasync: ModuleType, source: str, twin: str) -> None:
    assert unasync.unasync_line(source + "\n", set()) == twin + "\n"


def test_fenced_blocks(unasync: ModuleType) -> None:
    source = (
        "a = 1\n"
        "# unasync: async-only\n"
        "loop = asyncio.get_running_loop()\n"
        "# unasync: end\n"
        "    # unasync: sync-only\n"
        "    # lock = threading.Lock()\n"
        "    # unasync: end\n"
    )
    assert unasync.translate("m.py", source, set()) == "a = 1\n    lock = threading.Lock()\n"


@pytest.mark.parametrize(
    "source",
    ["# unasync: async-only\nx = 1\n", "# unasync: end\n", "# unasync: sync-only\nx = 1\n# unasync: end\n"],
)
def test_bad_fences_are_refused(unasync: ModuleType, source: str) -> None:
    with pytest.raises(unasync.UnasyncError, match=r"m\.py"):
        unasync.translate("m.py", source, set())


def test_the_committed_twins_match(unasync: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    assert unasync.main(["--check"]) == 0
    assert "match their async sources" in capsys.readouterr().out


def _one_pair(unasync: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's configuration with the http pair only; returns the twin's path."""
    root = tmp_path / "repo"
    for name in ("pyproject.toml", "src/verifiedfan/http/_async.py", "src/verifiedfan/http/_sync.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(unasync.ROOT / name, root / name)
    for package in ("src/verifiedfan", "src/verifiedfan/http"):  # first-party, for the import order
        (root / package / "__init__.py").touch()
    monkeypatch.setattr(unasync, "ROOT", root)
    monkeypatch.setattr(
        unasync, "PAIRS", [("src/verifiedfan/http/_async.py", "src/verifiedfan/http/_sync.py")]
    )
    used: set[int] = set()
    unasync.generate(*unasync.PAIRS[0], used)
    keep = [(r, s) for i, (r, s) in enumerate(unasync.SUBS) if i in used]
    monkeypatch.setattr(unasync, "SUBS", keep)
    monkeypatch.setattr(unasync, "COMPILED", [(unasync._bounded(r), s) for r, s in keep])
    return root / "src/verifiedfan/http/_sync.py"


def test_check_fails_on_a_hand_edit_and_names_the_line(
    unasync: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    twin = _one_pair(unasync, tmp_path, monkeypatch)
    assert unasync.main(["--check"]) == 0
    lines = twin.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if "def close(self)" in line)
    lines[number] = lines[number].replace("def close", "def shut")
    twin.write_text("".join(lines))
    capsys.readouterr()
    assert unasync.main(["--check"]) == 1
    out = capsys.readouterr().out
    assert f"_sync.py drifted from its async source (line {number + 1})" in out
    assert "def close(self)" in out
    assert "def shut(self)" in out
    assert unasync.main([]) == 0  # regenerating repairs it
    assert "def close(self)" in twin.read_text()


def test_check_fails_on_an_unused_substitution(
    unasync: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _one_pair(unasync, tmp_path, monkeypatch)
    subs = [*unasync.SUBS, ("NeverWritten", "SyncNeverWritten")]
    monkeypatch.setattr(unasync, "SUBS", subs)
    monkeypatch.setattr(unasync, "COMPILED", [(unasync._bounded(r), s) for r, s in subs])
    assert unasync.main(["--check"]) == 1
    assert "'NeverWritten' -> 'SyncNeverWritten'" in capsys.readouterr().out
