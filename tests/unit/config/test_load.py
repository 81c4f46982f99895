"""load_config: files per environment, deep merge, placeholders, cycles, the settings model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from verifiedfan.config import (
    ConfigCycleError,
    ConfigValidationError,
    DuplicateKeyError,
    UnresolvedPlaceholderError,
    deep_merge,
    load_config,
    resolve_placeholders,
    settings_from_config,
)
from verifiedfan.errors import ConfigurationError, ValidationError
from verifiedfan.settings import VFSettings


def write(folder: Path, **files: str) -> Path:
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


DEFAULT = """\
service: verification
server:
  host: 0.0.0.0
  port: 8080
spotify:
  base_url: https://api.spotify.com
  client_id: ${SPOTIFY_CLIENT_ID:-dev-client}
  scopes: [user-top-read, user-follow-read]
redis:
  url: redis://${REDIS_HOST:-localhost}:6379/0
features:
  presale: false
"""
PROD = """\
server:
  port: 80
spotify:
  scopes: [user-top-read]
redis:
  url: redis://${REDIS_HOST}:6379/0
features:
  presale: true
public_url: https://${server.host}:${server.port}/v1
"""


def test_environment_file_merges_over_default(tmp_path: Path) -> None:
    write(tmp_path, default=DEFAULT, prod=PROD)
    config = load_config("prod", tmp_path, environ={"REDIS_HOST": "cache.internal"})
    assert config["server"] == {"host": "0.0.0.0", "port": 80}
    assert config["spotify"]["base_url"] == "https://api.spotify.com"  # kept from default
    assert config["spotify"]["scopes"] == ["user-top-read"]  # lists replace, never concatenate
    assert config["spotify"]["client_id"] == "dev-client"
    assert config["redis"]["url"] == "redis://cache.internal:6379/0"
    assert config["features"]["presale"] is True
    assert config["public_url"] == "https://0.0.0.0:80/v1"  # a reference sees the merged value


def test_local_file_wins_and_is_optional(tmp_path: Path) -> None:
    write(tmp_path, default=DEFAULT, dev="server: {port: 3000}\n")
    assert load_config("dev", tmp_path, environ={})["server"]["port"] == 3000
    write(tmp_path, local="server: {port: 4000}\n")
    assert load_config("dev", tmp_path, environ={})["server"]["port"] == 4000
    assert load_config("dev", tmp_path, environ={}, local=None)["server"]["port"] == 3000


def test_an_unset_variable_without_default_names_itself_and_where(tmp_path: Path) -> None:
    write(tmp_path, default=DEFAULT, prod=PROD)
    with pytest.raises(UnresolvedPlaceholderError, match=r"\$\{REDIS_HOST\} at redis\.url") as info:
        load_config("prod", tmp_path, environ={})
    assert (info.value.placeholder, info.value.at) == ("REDIS_HOST", "redis.url")


def test_missing_environment_file_is_an_error_not_the_defaults(tmp_path: Path) -> None:
    write(tmp_path, default=DEFAULT)
    with pytest.raises(ConfigurationError, match=r"no config for environment 'prdo'"):
        load_config("prdo", tmp_path, environ={})


def test_missing_default_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"no default\.yaml"):
        load_config("prod", tmp_path, environ={})


@pytest.mark.parametrize("env", ["../etc", "a/b", "", "..", "-x"])
def test_bad_environment_name_before_any_read(tmp_path: Path, env: str) -> None:
    with pytest.raises(ValidationError, match="bad environment name"):
        load_config(env, tmp_path, environ={})


def test_duplicate_key_in_an_environment_file_names_the_file(tmp_path: Path) -> None:
    write(tmp_path, default=DEFAULT, prod="a: 1\na: 2\n")
    with pytest.raises(DuplicateKeyError, match=r"prod\.yaml:2: duplicate key 'a'"):
        load_config("prod", tmp_path, environ={})


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    write(tmp_path, default="- a\n- b\n", prod="")
    with pytest.raises(ConfigurationError, match="top level must be a mapping, not list"):
        load_config("prod", tmp_path, environ={})


def test_empty_environment_file_is_allowed(tmp_path: Path) -> None:
    write(tmp_path, default="a: 1\n", prod="")
    assert load_config("prod", tmp_path, environ={}) == {"a": 1}


class Server(BaseModel):
    host: str
    port: int


class AppConfig(BaseModel):
    service: str
    server: Server
    features: dict[str, bool]


def test_validated_into_a_model(tmp_path: Path) -> None:
    write(tmp_path, default=DEFAULT, dev="server: {port: '${PORT}'}\n")
    config = load_config("dev", tmp_path, model=AppConfig, environ={"PORT": "9000"})
    assert config.server == Server(host="0.0.0.0", port=9000)
    assert config.features == {"presale": False}


def test_model_failure_names_fields_not_values(tmp_path: Path) -> None:
    write(tmp_path, default=DEFAULT, dev="server: {port: hunter2-secret}\n")
    with pytest.raises(ConfigValidationError, match=r"server\.port: Input should be a valid integer") as info:
        load_config("dev", tmp_path, model=AppConfig, environ={})
    assert "hunter2" not in str(info.value)
    assert info.value.fields == ("server.port",)


# placeholder resolution on its own


def resolve(config: dict[str, Any], **environ: str) -> dict[str, Any]:
    return resolve_placeholders(config, environ=environ)


def test_whole_placeholder_keeps_the_type() -> None:
    config = {"a": {"port": 80, "tls": True, "hosts": ["x", "y"]}, "b": "${a.port}", "c": "${a.tls}"}
    out = resolve({**config, "d": "${a.hosts}", "e": "${x.a}", "x": {"a": {"k": 1}}})
    assert (out["b"], out["c"], out["d"]) == (80, True, ["x", "y"])
    assert out["e"] == {"k": 1}
    out["d"].append("z")
    assert out["a"]["hosts"] == ["x", "y"]  # a copy, not a shared list


def test_embedded_placeholders_become_text() -> None:
    assert resolve({"a": {"tls": True, "n": None}, "b": "tls=${a.tls} n=${a.n} v=${V}"}, V="1")["b"] == (
        "tls=true n= v=1"
    )


def test_list_index_paths() -> None:
    assert resolve({"servers": [{"host": "a"}, {"host": "b"}], "x": "${servers.1.host}"})["x"] == "b"


def test_chained_references_resolve_in_any_order() -> None:
    out = resolve({"c": "${b.v}/c", "b": {"v": "${a.v}/b"}, "a": {"v": "${ROOT}"}}, ROOT="r")
    assert out["c"] == "r/b/c"


def test_default_applies_to_unset_and_empty_variables() -> None:
    assert resolve({"a": "${X:-d}", "b": "${Y:-d}", "c": "${Y}"}, Y="") == {"a": "d", "b": "d", "c": ""}


def test_default_for_a_missing_path() -> None:
    assert resolve({"a": "${no.such:-fallback}"}) == {"a": "fallback"}


def test_default_with_colons_and_slashes() -> None:
    assert resolve({"u": "${URL:-http://localhost:8080/x}"}) == {"u": "http://localhost:8080/x"}


def test_escaped_placeholder_is_literal() -> None:
    assert resolve({"a": "cost $${PRICE} ${X}"}, X="1") == {"a": "cost ${PRICE} 1"}


def test_unresolved_path_names_it() -> None:
    with pytest.raises(UnresolvedPlaceholderError, match=r"\$\{db\.hots\} at url"):
        resolve({"db": {"host": "h"}, "url": "mongo://${db.hots}"})


def test_cycle_is_named() -> None:
    with pytest.raises(ConfigCycleError, match=r"a\.x -> b\.y -> c\.z -> a\.x") as info:
        resolve({"a": {"x": "${b.y}"}, "b": {"y": "${c.z}"}, "c": {"z": "${a.x}"}})
    assert info.value.cycle == ("a.x", "b.y", "c.z", "a.x")


def test_self_reference_is_a_cycle() -> None:
    with pytest.raises(ConfigCycleError, match=r"a\.b -> a\.b"):
        resolve({"a": {"b": "x${a.b}"}})


def test_reference_to_an_enclosing_mapping_is_a_cycle() -> None:
    with pytest.raises(ConfigCycleError, match=r"x\.a -> x\.a\.self -> x\.a"):
        resolve({"x": {"a": {"self": "${x.a}"}}, "n": 1})


def test_a_name_without_a_dot_is_an_environment_variable() -> None:
    with pytest.raises(UnresolvedPlaceholderError, match=r"\$\{a\} at b"):
        resolve({"a": 1, "b": "${a}"})


def test_mapping_inside_a_string_is_an_error() -> None:
    with pytest.raises(ConfigurationError, match=r"\$\{a\.b\} at c is a mapping or list inside a string"):
        resolve({"a": {"b": {"x": 1}}, "c": "v=${a.b}"})


@pytest.mark.parametrize("bad", ["${}", "${a..b}", "${BAD NAME}"])
def test_malformed_placeholders(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="bad placeholder"):
        resolve({"a": {"b": 1}, "v": bad})


def test_resolver_hook() -> None:
    secrets = {"prod/spotify": "s3cr3t"}
    out = resolve_placeholders(
        {"spotify": {"client_secret": "${secret:prod/spotify}"}},
        environ={},
        resolvers={"secret": secrets.get},
    )
    assert out == {"spotify": {"client_secret": "s3cr3t"}}


def test_failing_resolver_is_typed_and_does_not_leak() -> None:
    def boom(name: str) -> str:
        raise RuntimeError("token=abc123")

    with pytest.raises(ConfigurationError, match=r"resolver 'secret' failed .* RuntimeError$") as info:
        resolve_placeholders({"a": "${secret:x}"}, environ={}, resolvers={"secret": boom})
    assert "abc123" not in str(info.value)


def test_deep_merge_does_not_touch_inputs() -> None:
    base = {"a": {"b": 1, "c": [1]}, "d": 1}
    over = {"a": {"b": 2}, "d": None}
    assert deep_merge(base, over) == {"a": {"b": 2, "c": [1]}, "d": None}
    assert base == {"a": {"b": 1, "c": [1]}, "d": 1}


def test_mapping_replaced_by_scalar_and_back() -> None:
    assert deep_merge({"a": {"b": 1}}, {"a": 5}) == {"a": 5}
    assert deep_merge({"a": 5}, {"a": {"b": 1}}) == {"a": {"b": 1}}


# the VF_* settings classes


class DemoSettings(VFSettings):
    model_config = VFSettings.model_config | {"env_prefix": "VF_DEMO_"}

    base_url: str = "http://default"
    timeout: float = 5.0
    client_id: str = ""


def test_yaml_section_is_a_settings_source_below_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    config = {"demo": {"base_url": "https://from-yaml", "timeout": 2}}
    assert settings_from_config(DemoSettings, config, section="demo").base_url == "https://from-yaml"
    monkeypatch.setenv("VF_DEMO_BASE_URL", "https://from-env")
    built = settings_from_config(DemoSettings, config, section="demo", client_id="kw")
    assert (built.base_url, built.timeout, built.client_id) == ("https://from-env", 2.0, "kw")
    assert isinstance(built, DemoSettings)


def test_settings_section_errors() -> None:
    with pytest.raises(ConfigurationError, match="no section 'nope'"):
        settings_from_config(DemoSettings, {"demo": {}}, section="nope")
    with pytest.raises(ConfigValidationError, match=r"timeout: Input should be a valid number"):
        settings_from_config(DemoSettings, {"demo": {"timeout": "soon"}}, section="demo")


def test_a_settings_class_as_model_keeps_env_precedence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, default="base_url: https://from-yaml\ntimeout: 3\n", prod="")
    monkeypatch.setenv("VF_DEMO_TIMEOUT", "9")
    built = load_config("prod", tmp_path, model=DemoSettings, environ={})
    assert isinstance(built, DemoSettings)
    assert (built.base_url, built.timeout) == ("https://from-yaml", 9.0)


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_an_alias_bomb_is_refused_not_expanded(tmp_path: Path) -> None:
    write(tmp_path, default=BILLION_LAUGHS, prod="")
    with pytest.raises(ConfigurationError, match="more than 100000 values once aliases are expanded"):
        load_config("prod", tmp_path, environ={})
