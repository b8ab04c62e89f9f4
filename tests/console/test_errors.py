"""What the domain refuses is said in the reader's language: core errors carry an English template
and params (core.errors), the console's catalogue holds the Spanish (console.catalogue.ERRORS)."""

import ast
import importlib
import string
from pathlib import Path

from console.catalogue import ERRORS
from console.errors import say_error
from core.enums import IncidentStatus
from core.errors import AvisaError, NotFound
from core.phones import InvalidPhone
from core.policy import InvalidTransition
from core.subscribers import SubscriberError
from tests.console.conftest import csrf_of
from tests.console.test_accounts import sign_in

ROOT = Path(__file__).resolve().parents[2]
# Files allowed to build an error from something other than a template (none: keep it so).
NOT_YET_TEMPLATES: dict[str, int] = {}


def raised_templates() -> tuple[dict[str, str], dict[str, int]]:
    """Every AvisaError built in core/ and console/: {template: where}, and per file the count
    of those built from something other than a plain string."""
    templates, others = {}, {}
    for layer in ("core", "console"):
        for path in sorted((ROOT / layer).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            module = importlib.import_module(name)
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                kind = getattr(module, node.func.id, None)
                if not (isinstance(kind, type) and issubclass(kind, AvisaError) and node.args):
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    templates.setdefault(first.value, where)
                else:
                    file = str(path.relative_to(ROOT))
                    others[file] = others.get(file, 0) + 1
    return templates, others


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_template_raised_has_its_spanish_with_the_same_fields():
    templates, others = raised_templates()
    assert len(templates) > 60
    missing = {t: where for t, where in templates.items() if t not in ERRORS}
    assert not missing, missing
    differ = {t: ERRORS[t] for t in templates if fields(ERRORS[t]) - fields(t)}
    assert not differ, differ  # Spanish may leave a field out, never ask for one it is not given
    assert others == NOT_YET_TEMPLATES, "build errors from a template and params, not an f-string"
    assert "text: at most {limit} characters" in ERRORS


def test_say_error_fills_translates_causes_and_vocabulary_and_falls_back_to_english():
    missing = NotFound("no such incident {id}", id=7)
    assert str(missing) == "no such incident 7"  # the API's text is unchanged
    assert say_error("es", missing) == "no existe el incidente 7"
    assert say_error("en", missing) == "no such incident 7"
    phone = SubscriberError(
        "phone: {reason}", reason=InvalidPhone("not a possible phone number (wrong length)")
    )
    assert str(phone) == "phone: not a possible phone number (wrong length)"
    assert say_error("es", phone) == "teléfono: no es un número posible (largo incorrecto)"
    moved = InvalidTransition(
        "an incident that is {old} cannot become {new}",
        old=IncidentStatus.HELD,
        new=IncidentStatus.CONFIRMED,
    )
    assert str(moved) == "an incident that is held cannot become confirmed"
    assert say_error("es", moved) == "un incidente retenido no puede pasar a confirmado"
    assert say_error("es", AvisaError("something new")) == "something new"


def test_refusals_are_flashed_in_the_readers_language(client, make_user, twilio_post, work):
    from tests.conftest import sms_form

    sign_in(client, "ana", make_user("ana", "coordinator", language="es"))
    csrf = csrf_of(client.get("/console/zones").text)
    zone = {"csrf": csrf, "name": "HP", "shape": "zips", "zips": "90255"}
    zones = {"referer": "http://testserver/console/zones"}
    client.post("/console/zones", data=zone, headers=zones)
    again = client.post("/console/zones", data=zone, headers=zones)
    assert "nombre: ya hay una zona con este nombre" in again.text
    bad_radius = client.post(
        "/console/zones",
        data={**zone, "name": "C", "shape": "circle", "lat": "norte", "lon": "-118.2"},
        headers=zones,
    )
    assert "lat: debe ser un número" in bad_radius.text
    assert "no existe el incidente 999" in client.get("/console/incidents/999").text

    rows = "phone,name,language,roles,zones\n12,Bo,es,,\n+13235550101,Ana,xx,,\n"
    preview = client.post(
        "/console/subscribers/import", data={"csrf": csrf, "csv_text": rows, "preview": "1"}
    )
    assert "teléfono: no es un número" in preview.text
    assert "idioma: debe ser uno de es, en" in preview.text

    assert twilio_post("/twilio/sms", sms_form("+13235550171", "ICE en Pacific y Florence"))
    work()
    incident = client.get("/console/").text.split('href="/console/incidents/')[1].split('"')[0]
    page = f"/console/incidents/{incident}"
    client.post(page + "/resolve", data={"csrf": csrf})
    refused = client.post(
        page + "/confirm", data={"csrf": csrf}, headers={"referer": "http://testserver" + page}
    )
    assert "un incidente resuelto no puede pasar a confirmado" in refused.text
