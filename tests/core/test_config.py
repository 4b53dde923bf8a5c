"""Config loading: every mistake is one key-precise line and exit status 2."""

import subprocess
import sys

import pytest

from shequ.core.cli.main import main
from shequ.core.config import ConfigError, load_settings, settings_from_dict
from shequ.core.config.secrets import REDACTED
from shequ.core.runtime import Runtime

FULLPLUGIN = '[plugins]\nenabled = ["fullplugin"]\n[plugins.paths]\nfullplugin = "tests.plugins.fullplugin"\n'


def write(tmp_path, text):
    path = tmp_path / "shequ.toml"
    path.write_text(text, encoding="utf-8")
    return path


def check(tmp_path, text, capsys):
    path = write(tmp_path, text)
    status = main(["check", "--config", str(path)])
    err = capsys.readouterr().err
    return status, err


def assert_one_line_error(status, err, *fragments):
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_valid_config_passes_check(tmp_path, capsys):
    status, _ = check(tmp_path, '[platform]\nname = "小店"\n', capsys)
    assert status == 0


def test_syntax_error_names_line_and_column(tmp_path, capsys):
    status, err = check(tmp_path, '[platform]\nname = "a"\nmode = \n', capsys)
    assert_one_line_error(status, err, "TOML syntax error", "line 3", "column")


def test_unknown_key_is_named(tmp_path, capsys):
    status, err = check(tmp_path, '[database]\nurll = "sqlite://x"\n', capsys)
    assert_one_line_error(status, err, "database.urll: unknown key")


def test_unknown_section_is_named(tmp_path, capsys):
    status, err = check(tmp_path, "[databse]\n", capsys)
    assert_one_line_error(status, err, "databse: unknown key")


def test_wrong_type_names_key_path(tmp_path, capsys):
    status, err = check(tmp_path, '[server]\nport = "eighty"\n', capsys)
    assert_one_line_error(status, err, "server.port:", "integer")


def test_unknown_plugin_lists_available(tmp_path, capsys):
    status, err = check(tmp_path, '[plugins]\nenabled = ["nosuch"]\n', capsys)
    assert_one_line_error(status, err, "plugins.enabled: unknown plugin 'nosuch'", "available:")


def test_plugin_that_fails_to_import(tmp_path, capsys):
    (tmp_path / "broken_plugin.py").write_text("import does_not_exist\n")
    text = '[plugins]\nenabled = ["broken"]\n[plugins.paths]\nbroken = "broken_plugin"\n'
    status, err = check(tmp_path, text, capsys)
    assert_one_line_error(status, err, "plugin 'broken'", "failed to import", "does_not_exist")


def test_invalid_plugin_setting_names_key(tmp_path, capsys):
    status, err = check(tmp_path, FULLPLUGIN + "[plugins.fullplugin]\nmax_notes = 1000\n", capsys)
    assert_one_line_error(status, err, "plugins.fullplugin.max_notes:", "less than or equal to 100")


def test_unknown_plugin_setting_names_key(tmp_path, capsys):
    status, err = check(tmp_path, FULLPLUGIN + "[plugins.fullplugin]\ngreetng = 'x'\n", capsys)
    assert_one_line_error(status, err, "plugins.fullplugin.greetng: unknown key")


def test_settings_for_plugin_not_enabled(tmp_path, capsys):
    status, err = check(tmp_path, "[plugins.fullplugin]\ngreeting = 'x'\n", capsys)
    assert_one_line_error(status, err, "plugins.fullplugin:", "not in plugins.enabled")


def test_missing_config_file(tmp_path, capsys):
    status = main(["check", "--config", str(tmp_path / "nope.toml")])
    assert_one_line_error(status, capsys.readouterr().err, "no such config file")


def test_cli_process_exits_2_without_traceback(tmp_path):
    path = write(tmp_path, "[server]\nport = -1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "shequ.core.cli.main", "check", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("shequ: config error: server.port:")
    assert "Traceback" not in proc.stderr


def test_env_and_file_secrets_are_resolved_and_redacted(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SHEQU_TEST_TOKEN", "tok-123")
    (tmp_path / "greeting.txt").write_text("秘密\n", encoding="utf-8")
    path = write(
        tmp_path,
        FULLPLUGIN
        + '[plugins.fullplugin]\napi_token = "${SHEQU_TEST_TOKEN}"\ngreeting = "file:greeting.txt"\n',
    )
    settings = load_settings(path)
    runtime = Runtime(settings)
    loaded = runtime.plugins.plugins["fullplugin"].settings
    assert loaded.api_token == "tok-123"
    assert loaded.greeting == "秘密"
    assert main(["plugins", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "tok-123" not in out and "秘密" not in out
    assert out.count(REDACTED) == 2


def test_missing_env_var_names_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SHEQU_NOPE", raising=False)
    with pytest.raises(ConfigError, match=r"^platform.secret_key: environment variable SHEQU_NOPE"):
        settings_from_dict({"platform": {"secret_key": "${SHEQU_NOPE}"}})


def test_relative_sqlite_path_is_relative_to_config(tmp_path):
    settings = load_settings(write(tmp_path, '[database]\nurl = "sqlite://data/shop.sqlite3"\n'))
    assert settings.database.url == f"sqlite://{tmp_path.resolve()}/data/shop.sqlite3"


def test_init_writes_a_config_that_checks(tmp_path, capsys):
    assert main(["init", str(tmp_path / "site")]) == 0
    assert main(["check", "--config", str(tmp_path / "site" / "shequ.toml")]) == 0
    assert main(["init", str(tmp_path / "site")]) == 1  # never overwrites
    settings = load_settings(tmp_path / "site" / "shequ.toml")
    assert settings.database.url.startswith("sqlite://")
    assert settings.jobs.backend == "inprocess" and settings.cache.backend == "memory"
    assert len(settings.platform.secret_key) >= 32
