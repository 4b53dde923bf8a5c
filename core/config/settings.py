"""The shape of ``shequ.toml``. Unknown keys are errors everywhere, so typos are caught."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlatformSettings(Section):
    name: str = "Shequ"
    # "single": one seller, the platform home is the shop; "multi": an operator hosting shops.
    mode: Literal["single", "multi"] = "single"
    base_url: str = "http://127.0.0.1:8080"
    secret_key: str = Field(default="", description="signs cookies and tokens")
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    language: Literal["zh_CN", "en"] = "zh_CN"
    # Plugin setting keys no shop may override, e.g. {"distribution": ["levels"]}.
    locked: dict[str, list[str]] = Field(default_factory=dict)


class DatabaseSettings(Section):
    url: str = "sqlite://shequ.sqlite3"
    # Apply pending migrations when serving (the embedded default; off for fleets).
    migrate_on_start: bool = True

    @field_validator("url")
    @classmethod
    def known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgres://", "postgresql://", "asyncpg://")):
            raise ValueError("must start with sqlite://, postgres:// or postgresql://")
        return value


class JobSettings(Section):
    backend: Literal["inprocess"] = "inprocess"
    poll_interval: float = Field(default=0.5, gt=0, le=60)
    max_attempts: int = Field(default=5, ge=1, le=100)
    backoff_seconds: float = Field(default=2.0, gt=0)
    backoff_max_seconds: float = Field(default=3600.0, gt=0)
    # Seconds a claimed job may run before another runner may take it again.
    lease_seconds: float = Field(default=300.0, gt=0)


class CacheSettings(Section):
    backend: Literal["memory"] = "memory"


class ServerSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    # JSON request bodies; uploads (multipart forms) may be up to max_upload_bytes.
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_upload_bytes: int = Field(default=8_388_608, ge=1024)


class ThemeSettings(Section):
    name: str = "default"
    path: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)


class MediaSettings(Section):
    # Uploaded images; relative to the config file's folder.
    path: str = "media"
    url_prefix: str = "/media/"


class OrderSettings(Section):
    # Unpaid orders are cancelled (and their stock returned) after this many minutes.
    unpaid_window_minutes: int = Field(default=30, ge=1, le=10080)
    # Shipped orders complete by themselves this many days after shipping.
    auto_complete_days: int = Field(default=10, ge=1, le=90)


class PaymentSettings(Section):
    # The sandbox pay page marks orders paid for free: on by default only when base_url is a
    # loopback address (demo, tests), so a public shop never offers it by accident.
    sandbox: bool | None = None
    default_provider: str | None = None


class LoggingSettings(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Settings(Section):
    """A validated ``shequ.toml``. Plugin tables are validated by each plugin's own model."""

    platform: PlatformSettings = PlatformSettings()
    database: DatabaseSettings = DatabaseSettings()
    jobs: JobSettings = JobSettings()
    cache: CacheSettings = CacheSettings()
    server: ServerSettings = ServerSettings()
    theme: ThemeSettings = ThemeSettings()
    media: MediaSettings = MediaSettings()
    orders: OrderSettings = OrderSettings()
    payments: PaymentSettings = PaymentSettings()
    logging: LoggingSettings = LoggingSettings()
    # Names of enabled plugins: built-ins, entry points, or keys of ``plugin_paths``.
    plugins_enabled: list[str] = Field(default_factory=list)
    # A deployment's own plugins: name -> dotted module path.
    plugin_paths: dict[str, str] = Field(default_factory=dict)
    # Raw ``[plugins.<name>]`` tables, validated later against each plugin's Settings model.
    plugin_tables: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # Where the config file lives; relative paths in the config are resolved against it.
    base_dir: Path = Path(".")
    # Key paths whose values came from ${ENV} or file: references (redacted when shown).
    secret_paths: frozenset[str] = frozenset()
