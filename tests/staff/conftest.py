"""Fixtures for the dashboard: an app whose Twilio is a local stub, a Spanish catalog, logged-in clients."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from flask import Flask
from flask.testing import FlaskClient

from bot.config import PROJECT_ROOT
from bot.i18n.translate import catalog_bytes
from bot.staff.texts import TEMPLATES
from bot.storage.database import get_db
from bot.twilio.stub import TwilioStub
from tests.conftest import make_app
from tests.staff.helpers import add_staff, login

ACCOUNT_SID = "AC" + "1" * 32
SPANISH = {
    "received": "{org_name}: recibimos su reporte {ref}. Nuestro equipo está trabajando y le contactará.",
    "lawyer_will_call": "{org_name}: un abogado le llamará pronto por el reporte {ref}. Tenga su teléfono encendido.",
    "please_call": "{org_name}: llámenos al {legal_help_phone} por el reporte {ref}.",
    "escalated": "{org_name}: su reporte {ref} pasó a nuestro equipo legal principal. Le contactaremos.",
    "closed": "{org_name}: cerramos su reporte {ref}. Si aún necesita ayuda, llame al {legal_help_phone}.",
}


@pytest.fixture
def twilio() -> Iterator[TwilioStub]:
    """A local stand-in for Twilio's Messages API."""
    stub = TwilioStub().start()
    yield stub
    stub.stop()


@pytest.fixture(scope="session")
def spanish_locales(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A locales/ directory with a Spanish catalog holding the family templates."""
    locales = tmp_path_factory.mktemp("locales")
    catalog = Catalog(locale="es")
    for name, english in TEMPLATES.items():
        catalog.add(english, SPANISH[name], context=f"staff_template.{name}")
    po = locales / "es" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(catalog_bytes(catalog))
    registry = PROJECT_ROOT / "locales" / "languages.yaml"
    if registry.exists():  # the hotline's language registry, when the checkout has one
        shutil.copy(registry, locales / "languages.yaml")
    return locales


def staff_settings(twilio: TwilioStub, locales: Path) -> dict[str, object]:
    return {
        "TWILIO_API_BASE": twilio.url,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_FROM_NUMBER": "+13125550000",
        "TWILIO_WHATSAPP_FROM": "whatsapp:+13125550001",
        "LOCALES_DIR": str(locales),
        "PUBLIC_BASE_URL": "https://hotline.example.org",
    }


@pytest.fixture
def staff_app(database_url: str, twilio: TwilioStub, spanish_locales: Path) -> Iterator[Flask]:
    """The app on SQLite and PostgreSQL, texting through the local Twilio stub."""
    app = make_app(database_url, **staff_settings(twilio, spanish_locales))
    yield app
    get_db(app).dispose()


@pytest.fixture
def admin_id(staff_app: Flask) -> int:
    return add_staff(staff_app, "admin@example.org", "admin", name="Ada Admin")


@pytest.fixture
def worker_id(staff_app: Flask) -> int:
    return add_staff(staff_app, "worker@example.org", "staff", name="Wes Worker")


@pytest.fixture
def admin(staff_app: Flask, admin_id: int) -> FlaskClient:
    client = staff_app.test_client()
    assert login(client, "admin@example.org").status_code == 302
    return client


@pytest.fixture
def worker(staff_app: Flask, worker_id: int) -> FlaskClient:
    client = staff_app.test_client()
    assert login(client, "worker@example.org").status_code == 302
    return client
