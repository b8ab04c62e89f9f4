"""A family's report of a detention, by text, and legal aid's words about cases.

``DETENIDO`` / ``DETAINED`` — or plain words, "se llevaron a mi esposo", "they took my son" —
open a case (``core.cases``) and a short conversation: the family gets at once the
know-your-rights text and the legal aid line, then one question at a time, each skippable
(``SALTAR`` / ``SKIP``): the person's name, birth date or A-number, where they were taken (the
raid's incident is linked when the place matches one), when, and the best number to reach the
family. The case is offered to legal aid when the questions end, or when the family stops
answering (``core.case_offers.due_offers``). Later texts from the family, while the case is open,
are kept on it and passed to its owner.

Legal aid volunteers answer ``TOMO 12`` / ``TAKE 12``, and move a case they own with
``CASO 12 CONTACTO | UBICADO <lugar> | LIBERADO | DEPORTADO | CERRADO | NOTA <texto>`` (English:
``CASE 12 CONTACT | LOCATED <place> | RELEASED | DEPORTED | CLOSED | NOTE <text>``).

The family's words are sealed on the case the moment they are read; the inbound message keeps
no copy of them (its body is emptied), so nothing of it reaches logs, lists or replay output.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from sqlmodel import Session

from core import case_offers, cases, channels
from core.clock import now
from core.decisions import Decisions
from core.enums import CaseStatus, Language, SubscriberRole, SubscriberStatus
from core.errors import AvisaError
from core.geo import GeoResult
from core.keywords import fold, has_sighting_words, parse_keyword
from core.models import CaseEntry, DetentionCase, InboundMessage, Subscriber
from core.phones import InvalidPhone, PhoneVault, normalize
from core.settings import Settings

STEPS = ("name", "birth", "place", "when", "contact")
FIELDS = {
    "name": "name_enc",
    "birth": "birth_enc",
    "place": "place_enc",
    "when": "taken_enc",
    "contact": "contact_enc",
}
# A conversation the family left unfinished this long is offered to legal aid as it stands.
STALL_MINUTES = 10.0

START_WORDS = {"DETENIDO": Language.ES, "DETENIDA": Language.ES, "DETAINED": Language.EN}
SKIP = {"SALTAR", "SALTO", "SKIP", "PASO", "NOSE", "NO SE", "NO SE SABE", "DONT KNOW", "UNKNOWN"}
_FAMILY = (
    r"(?:ESPOSO|ESPOSA|MARIDO|MUJER|HIJO|HIJA|HIJOS|PAPA|MAMA|PADRE|MADRE|HERMANO|HERMANA|"
    r"TIO|TIA|PRIMO|PRIMA|ABUELO|ABUELA|SOBRINO|SOBRINA|NOVIO|NOVIA|PAREJA|FAMILIAR|SUEGRO|"
    r"SUEGRA|CUNADO|CUNADA|VECINO|VECINA)"
)
_FAMILY_EN = (
    r"(?:HUSBAND|WIFE|SON|DAUGHTER|KIDS|CHILD|FATHER|MOTHER|DAD|MOM|BROTHER|SISTER|UNCLE|AUNT|"
    r"COUSIN|GRANDFATHER|GRANDMOTHER|GRANDMA|GRANDPA|NEPHEW|NIECE|BOYFRIEND|GIRLFRIEND|PARTNER|"
    r"FAMILY|RELATIVE|NEIGHBOR)"
)
_PLAIN_ES = re.compile(
    r"\b(?:SE (?:LO |LA |LOS |LAS )?LLEVARON|SE (?:LO |LA )?LLEVO|DETUVIERON|DETUVO|ARRESTARON|"
    r"ARRESTO|AGARRARON|AGARRO|LEVANTARON|DEPORTARON)(?: A)? (?:MI|MIS|NUESTRO|NUESTRA) "
    + _FAMILY
    + r"|\b(?:MI|NUESTRO|NUESTRA) "
    + _FAMILY
    + r" (?:ESTA |FUE |SE LO )?(?:DETENID|ARRESTAD|LLEVAD)"
)
_PLAIN_EN = re.compile(
    r"\b(?:TOOK|DETAINED|ARRESTED|PICKED UP|GRABBED) (?:MY|OUR) "
    + _FAMILY_EN
    + r"|\b(?:MY|OUR) "
    + _FAMILY_EN
    + r" (?:WAS|IS|GOT|HAS BEEN|WERE) (?:TAKEN|DETAINED|ARRESTED|PICKED UP)"
)
_TAKE = re.compile(r"^(?:TOMO|TOMAR|TOMAMOS|TAKE|TAKING)\s*#?\s*(\d{1,7})$")
_CASE = re.compile(r"^(?:CASO|CASE)\s*#?\s*(\d{1,7})\s+([A-Z]+)\b")
CASE_WORDS: dict[str, str] = {
    "CONTACTO": CaseStatus.IN_CONTACT,
    "CONTACT": CaseStatus.IN_CONTACT,
    "UBICADO": CaseStatus.LOCATED,
    "UBICADA": CaseStatus.LOCATED,
    "LOCATED": CaseStatus.LOCATED,
    "FOUND": CaseStatus.LOCATED,
    "LIBERADO": CaseStatus.RELEASED,
    "LIBERADA": CaseStatus.RELEASED,
    "RELEASED": CaseStatus.RELEASED,
    "DEPORTADO": CaseStatus.DEPORTED,
    "DEPORTADA": CaseStatus.DEPORTED,
    "DEPORTED": CaseStatus.DEPORTED,
    "CERRADO": CaseStatus.CLOSED,
    "CERRAR": CaseStatus.CLOSED,
    "CLOSED": CaseStatus.CLOSED,
    "CLOSE": CaseStatus.CLOSED,
    "NOTA": "note",
    "NOTE": "note",
}


@dataclass(frozen=True)
class CaseCommand:
    case_id: int
    action: str  # "take", a CaseStatus, or "note"
    rest: str = ""  # the facility of "located", a note's words (as typed)


def starts(body: str) -> Language | None:
    """The language of a text that reports a detention ("DETENIDO", "se llevaron a mi hijo"),
    or None for any other text."""
    text = fold(body)
    if text.replace(" ", "") in START_WORDS:
        return START_WORDS[text.replace(" ", "")]
    if _PLAIN_ES.search(text):
        return Language.ES
    if _PLAIN_EN.search(text):
        return Language.EN
    return None


def reports_a_raid(session: Session, inbound: InboundMessage, geo: GeoResult | None) -> bool:
    """A family's first words that also tell of agents at a place now ("se llevaron a mi esposo,
    la migra sigue en Pacific y Florence"): a raid report as well as a case. Words of the
    detention alone ("se llevaron a mi hijo en Pacific y Florence") are the case's place only."""
    if geo is None or inbound.channel not in channels.MESSAGING or starts(inbound.body) is None:
        return False
    rest = _PLAIN_EN.sub(" ", _PLAIN_ES.sub(" ", fold(inbound.body)))
    if not has_sighting_words(rest):
        return False
    case = cases.open_for(session, inbound.from_hash)
    return case is None or not _asking(case)


def parse_command(body: str) -> CaseCommand | None:
    """``TOMO 12`` / ``TAKE 12``, or ``CASO 12 <word> [rest]`` / ``CASE 12 <word> [rest]``."""
    text = fold(body)
    taken = _TAKE.match(text)
    if taken:
        return CaseCommand(int(taken[1]), "take")
    moved = _CASE.match(text)
    if not moved or moved[2] not in CASE_WORDS:
        return None
    # The words after the status word, as typed: "CASO 12 UBICADO Adelanto ICE Center".
    words = body.split()
    at = next(i for i, word in enumerate(words) if fold(word) == moved[2])
    return CaseCommand(int(moved[1]), CASE_WORDS[moved[2]], " ".join(words[at + 1 :]))


def is_skip(body: str) -> bool:
    return fold(body) in SKIP


def is_legal_aid(subscriber: Subscriber | None) -> bool:
    return (
        subscriber is not None
        and subscriber.status == SubscriberStatus.ACTIVE
        and SubscriberRole.LEGAL_AID in subscriber.roles
    )


def in_conversation(session: Session, family_hash: str) -> bool:
    """The number owes us an answer: its texts are the family's, not a sighting (the webhook
    says nothing at once to them)."""
    case = cases.open_for(session, family_hash)
    return case is not None and _asking(case)


def route(
    session: Session,
    inbound: InboundMessage,
    geo: GeoResult | None,
    *,
    subscriber: Subscriber | None,
    sender: str,
    settings: Settings,
    vault: PhoneVault,
    report: Callable[[], tuple[str, Decisions]] | None = None,
) -> tuple[str, Decisions] | None:
    """Act on a text that belongs to a case — legal aid's command, the family's first words, an
    answer, a later word — and return (outcome, decisions); None for any other text.

    ``report`` makes the text a raid report (``core.routing``): called first when the family's
    first words also tell of agents there now, so the case links to the incident it opens."""
    if inbound.channel not in channels.MESSAGING:
        return None
    if report is not None and reports_a_raid(session, inbound, geo):
        outcome, decisions = report()
        decisions.texts = [t for t in decisions.texts if t.to_e164 != sender]  # the case answers
        opened = _open(
            session, vault, inbound, geo, sender, cast(Language, starts(inbound.body)), settings
        )
        return outcome, opened[1].extend(decisions)
    body = inbound.body
    command = parse_command(body)
    if command is not None and is_legal_aid(subscriber):
        return _command(session, vault, cast(Subscriber, subscriber), command, inbound)
    if parse_keyword(body) is not None:  # STOP, HELP … are obeyed as always
        return None
    case = cases.open_for(session, inbound.from_hash)
    if case is not None and _asking(case):
        return _answer(session, vault, case, inbound, geo, settings)
    language = starts(body)
    if language is not None:
        return _open(session, vault, inbound, geo, sender, language, settings)
    if case is not None and not has_sighting_words(body) and not is_legal_aid(subscriber):
        decisions = cases.family_wrote(session, vault, case, body, inbound_id=cast(int, inbound.id))
        _forget(inbound)
        return f"case:{case.id}:family", decisions
    return None


def _asking(case: DetentionCase) -> bool:
    return (
        case.step != "done"
        and case.step_until is not None
        and case.step_until > now()
        and case.offered_at is None
    )


def _forget(inbound: InboundMessage) -> None:
    """The words now live sealed on the case: the inbound row keeps none."""
    inbound.body = ""


def _open(
    session: Session,
    vault: PhoneVault,
    inbound: InboundMessage,
    geo: GeoResult | None,
    sender: str,
    language: Language,
    settings: Settings,
) -> tuple[str, Decisions]:
    case, _ = cases.open_case(
        session,
        vault,
        source_sid=inbound.provider_sid,
        family=sender,
        language=language,
        channel=inbound.channel,
        step="name",
        step_until=now() + timedelta(minutes=settings.case_answer_minutes),
    )
    session.add(
        CaseEntry(
            case_id=cast(int, case.id),
            kind="family",
            author="family",
            text_enc=cases.seal(vault, inbound.body),
        )
    )
    if geo is not None:  # "se llevaron a mi esposo en Pacific y Florence": the place is said
        case.place_enc = cases.seal(vault, inbound.body)
        cases.locate(
            session,
            case,
            geo.lat,
            geo.lon,
            geo.precision_m,
            radius_m=settings.dedup_radius_m,
            zip_code=geo.zip,
        )
    _forget(inbound)
    decisions = Decisions()
    line = settings.legal_aid_line.strip()
    decisions.text(
        "case_opened" if line else "case_opened_no_line",
        language,
        dedupe_key=cases.key(case, "opened"),
        to_e164=sender,
        case=case.id,
        line=line,
    )
    decisions.text(
        "case_ask_name", language, dedupe_key=cases.key(case, "ask:name"), to_e164=sender
    )
    return f"case:{case.id}:opened", decisions


def _answer(
    session: Session,
    vault: PhoneVault,
    case: DetentionCase,
    inbound: InboundMessage,
    geo: GeoResult | None,
    settings: Settings,
) -> tuple[str, Decisions]:
    step, text = case.step, inbound.body.strip()
    if not is_skip(text) and text:
        if step == "contact":
            text = _number(text)
        setattr(case, FIELDS[step], cases.seal(vault, text))
        if step == "place" and geo is not None:
            cases.locate(
                session,
                case,
                geo.lat,
                geo.lon,
                geo.precision_m,
                radius_m=settings.dedup_radius_m,
                zip_code=geo.zip,
            )
    _forget(inbound)
    following = STEPS[STEPS.index(step) + 1 :]
    if case.place_enc is not None and "place" in following:
        following = tuple(s for s in following if s != "place")  # said in their first words
    case.updated_at = now()
    sender = cases.family_address(vault, case)
    decisions = Decisions()
    if following:
        case.step = following[0]
        case.step_until = now() + timedelta(minutes=settings.case_answer_minutes)
        session.add(case)
        decisions.text(
            f"case_ask_{case.step}",
            case.language,
            dedupe_key=cases.key(case, f"ask:{case.step}"),
            to_e164=sender,
        )
        return f"case:{case.id}:{step}", decisions
    case.step, case.step_until = "done", None
    session.add(case)
    session.flush()
    decisions.text(
        "case_recorded",
        case.language,
        dedupe_key=cases.key(case, "recorded"),
        to_e164=sender,
        case=case.id,
    )
    decisions.extend(case_offers.offer(session, case))
    return f"case:{case.id}:recorded", decisions


def _number(text: str) -> str:
    """A phone number as E.164 when it is one; otherwise the words as written."""
    try:
        return normalize(text)
    except InvalidPhone:
        return text


def _command(
    session: Session,
    vault: PhoneVault,
    volunteer: Subscriber,
    command: CaseCommand,
    inbound: InboundMessage,
) -> tuple[str, Decisions]:
    """A legal aid volunteer's TOMO / CASO: each gets exactly one reply."""
    decisions = Decisions()
    reply_key = f"reply:{inbound.id}"
    lang, case_id = volunteer.language, command.case_id

    def reply(template: str) -> None:
        decisions.text(template, lang, dedupe_key=reply_key, subscriber=volunteer, case=case_id)

    case = session.get(DetentionCase, case_id)
    if case is None:
        reply("case_unknown")
        return "case:unknown", decisions
    actor = f"subscriber:{volunteer.id}"
    if command.action == "take":
        try:
            decisions.extend(
                case_offers.take(session, vault, case_id, owner=actor, subscriber=volunteer)
            )
        except AvisaError:
            session.refresh(case)
            mine = case.owner_subscriber_id == volunteer.id
            reply("case_already_yours" if mine else "case_taken_other")
            return f"case:{case_id}:take_late", decisions
        return f"case:{case_id}:taken", decisions
    if case.owner_subscriber_id != volunteer.id:
        reply("case_not_yours")
        return f"case:{case_id}:not_owner", decisions
    _forget(inbound)  # a facility or a note: the case's words, sealed there
    if command.action == "note":
        if command.rest:
            cases.add_note(session, vault, case_id, author=actor, text=command.rest)
        reply("case_noted")
        return f"case:{case_id}:note", decisions
    try:
        decisions.extend(
            cases.set_status(
                session,
                vault,
                case_id,
                CaseStatus(command.action),
                actor=actor,
                facility=command.rest,
            )
        )
    except AvisaError:
        reply("case_cannot")
        return f"case:{case_id}:refused", decisions
    reply("case_moved")
    return f"case:{case_id}:{command.action}", decisions
