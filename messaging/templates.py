"""Every text a person reads, in Spanish and English. Logic refers to texts by key only.

Alerts must fit in two SMS segments with the longest street names (tests/messaging check it), so
wording is terse and avoids á/í/ó/ú where a plain letter reads as well (those force UCS-2).
"""

Language = str  # "es" | "en"

CATALOGUE: dict[str, dict[Language, str]] = {
    "report_ack": {
        "es": "Avisa: recibimos su reporte, gracias. Enviamos a alguien a verificar. No abra la puerta sin una orden judicial firmada.",
        "en": "Avisa: we got your report, thank you. We are sending someone to verify. Do not open the door without a judge-signed warrant.",
    },
    "report_more": {
        "es": "Avisa: agregamos su mensaje al reporte. Gracias.",
        "en": "Avisa: we added your message to the report. Thank you.",
    },
    "ask_location": {
        "es": "Avisa: ¿donde esta pasando? Responda con la esquina (ej. Pacific y Florence), la direccion o el codigo postal.",
        "en": "Avisa: where is this happening? Reply with the corner (e.g. Pacific and Florence), the address or the ZIP code.",
    },
    "opt_in_request": {
        "es": "Avisa: {name}, lo agregaron a la red de respuesta rapida. Responda SI para recibir alertas o STOP para no recibir mensajes.",
        "en": "Avisa: {name}, you were added to the rapid response network. Reply YES to get alerts or STOP to get no messages.",
    },
    "opt_in_done": {
        "es": "Avisa: listo, recibira alertas de su zona. Responda AYUDA para ayuda, STOP para salir.",
        "en": "Avisa: done, you will get alerts for your zone. Reply HELP for help, STOP to leave.",
    },
    "opted_out": {
        "es": "Avisa: no recibira mas mensajes. Responda ALTA para volver.",
        "en": "Avisa: you will get no more messages. Reply START to come back.",
    },
    "opted_in_again": {
        "es": "Avisa: bienvenido de vuelta, recibira alertas de su zona. STOP para salir.",
        "en": "Avisa: welcome back, you will get alerts for your zone. STOP to leave.",
    },
    "help": {
        "es": "Avisa: linea de alerta rapida de la comunidad. Para reportar, escriba que ve y donde (esquina o codigo postal). STOP para salir.",
        "en": "Avisa: community rapid-response alert line. To report, text what you see and where (corner or ZIP). STOP to leave.",
    },
    "alert_new": {
        "es": "AVISA #{incident} SIN VERIFICAR: reportan agentes en {place} ({time}). ¿Puede verificar? Responda {incident} SI confirmo, {incident} NO falso, {incident} VOY",
        "en": "AVISA #{incident} UNVERIFIED: agents reported at {place} ({time}). Can you verify? Reply {incident} YES confirm, {incident} NO false, {incident} OMW",
    },
    "alert_confirmed": {
        "es": "AVISA #{incident} CONFIRMADO: agentes en {place} ({time}). Se necesita apoyo legal. Responda {incident} VOY si va.",
        "en": "AVISA #{incident} CONFIRMED: agents at {place} ({time}). Legal support needed. Reply {incident} OMW if you go.",
    },
    "update_confirmed": {
        "es": "AVISA #{incident} CONFIRMADO en {place}. Apoyo legal avisado. Responda {incident} VOY o {incident} LISTO al terminar.",
        "en": "AVISA #{incident} CONFIRMED at {place}. Legal aid alerted. Reply {incident} OMW, or {incident} CLEAR when it ends.",
    },
    # The same, when no legal aid volunteer was texted (none active in the zone): it says nothing
    # of legal aid rather than something untrue.
    "update_confirmed_no_legal": {
        "es": "AVISA #{incident} CONFIRMADO en {place}. Responda {incident} VOY o {incident} LISTO al terminar.",
        "en": "AVISA #{incident} CONFIRMED at {place}. Reply {incident} OMW, or {incident} CLEAR when it ends.",
    },
    "update_dismissed": {
        "es": "AVISA #{incident} en {place}: FALSA ALARMA. No es necesario ir.",
        "en": "AVISA #{incident} at {place}: FALSE ALARM. No need to go.",
    },
    "update_held": {
        "es": "AVISA #{incident} en {place}: NO CONFIRMADO, probablemente falso: parece una ola de mensajes coordinados. Espere, no vaya todavia.",
        "en": "AVISA #{incident} at {place}: UNCONFIRMED, likely false: it looks like a coordinated flood of texts. Stand by, do not go yet.",
    },
    "update_resolved": {
        "es": "AVISA #{incident} en {place}: TERMINADO. Gracias por responder.",
        "en": "AVISA #{incident} at {place}: ALL CLEAR. Thank you for responding.",
    },
    "alert_escalated": {
        "es": "AVISA #{incident} SIN RESPUESTA: reportan agentes en {place} ({time}) y nadie ha verificado. Responda {incident} VOY si puede ir.",
        "en": "AVISA #{incident} NO RESPONSE: agents reported at {place} ({time}), nobody has verified. Reply {incident} OMW if you can go.",
    },
    # Drills (core.drills): the same chain, marked at the start so nobody mistakes one for a raid.
    "alert_drill": {
        "es": "SIMULACRO AVISA #{incident}: practica, no es real. Reportan agentes en {place} ({time}). Responda {incident} SI confirmo, {incident} NO falso, {incident} VOY",
        "en": "DRILL AVISA #{incident}: practice, not real. Agents reported at {place} ({time}). Reply {incident} YES confirm, {incident} NO false, {incident} OMW",
    },
    "alert_drill_confirmed": {
        "es": "SIMULACRO AVISA #{incident}: practica, no es real. Agentes en {place} ({time}). Se necesita apoyo legal. Responda {incident} VOY si va.",
        "en": "DRILL AVISA #{incident}: practice, not real. Agents at {place} ({time}). Legal support needed. Reply {incident} OMW if you go.",
    },
    "update_drill_confirmed": {
        "es": "SIMULACRO AVISA #{incident} CONFIRMADO en {place}. Practica, no es real. Responda {incident} VOY o {incident} LISTO al terminar.",
        "en": "DRILL AVISA #{incident} CONFIRMED at {place}. Practice, not real. Reply {incident} OMW, or {incident} CLEAR when it ends.",
    },
    "update_drill_dismissed": {
        "es": "SIMULACRO AVISA #{incident} en {place}: FALSA ALARMA. Fin de la practica.",
        "en": "DRILL AVISA #{incident} at {place}: FALSE ALARM. End of the practice.",
    },
    "update_drill_held": {
        "es": "SIMULACRO AVISA #{incident} en {place}: NO CONFIRMADO, en espera. Es una practica.",
        "en": "DRILL AVISA #{incident} at {place}: UNCONFIRMED, on hold. This is a practice.",
    },
    "update_drill_resolved": {
        "es": "SIMULACRO AVISA #{incident} en {place}: TERMINADO. Fin de la practica, gracias.",
        "en": "DRILL AVISA #{incident} at {place}: ALL CLEAR. End of the practice, thank you.",
    },
    "alert_drill_escalated": {
        "es": "SIMULACRO AVISA #{incident} SIN RESPUESTA: practica, no es real. Agentes en {place} ({time}), nadie ha verificado. Responda {incident} VOY",
        "en": "DRILL AVISA #{incident} NO RESPONSE: practice, not real. Agents at {place} ({time}), nobody has verified. Reply {incident} OMW",
    },
    "ack_recorded": {
        "es": "Avisa: registrado ({action}) para #{incident}. Gracias.",
        "en": "Avisa: recorded ({action}) for #{incident}. Thank you.",
    },
    # The one reply to a responder whose answer confirmed the incident (they get no update).
    "ack_confirmed": {
        "es": "Avisa: registrado, #{incident} CONFIRMADO. Gracias. Responda {incident} VOY o {incident} LISTO al terminar.",
        "en": "Avisa: recorded, #{incident} CONFIRMED. Thank you. Reply {incident} OMW, or {incident} CLEAR when it ends.",
    },
    "ack_confirmed_legal": {
        "es": "Avisa: registrado, #{incident} CONFIRMADO. Apoyo legal avisado. Responda {incident} VOY o {incident} LISTO al terminar.",
        "en": "Avisa: recorded, #{incident} CONFIRMED. Legal aid alerted. Reply {incident} OMW, or {incident} CLEAR when it ends.",
    },
    # Replies about a drill (core.drills): marked like its alerts.
    "ack_drill_recorded": {
        "es": "SIMULACRO Avisa: registrado ({action}) para #{incident}. Practica, no es real. Gracias.",
        "en": "DRILL Avisa: recorded ({action}) for #{incident}. Practice, not real. Thank you.",
    },
    "ack_drill_confirmed": {
        "es": "SIMULACRO Avisa: registrado, #{incident} CONFIRMADO. Practica, no es real. Responda {incident} VOY o {incident} LISTO al terminar.",
        "en": "DRILL Avisa: recorded, #{incident} CONFIRMED. Practice, not real. Reply {incident} OMW, or {incident} CLEAR when it ends.",
    },
    "note_drill_added": {
        "es": "SIMULACRO Avisa: nota agregada a #{incident}. Practica, no es real. Gracias.",
        "en": "DRILL Avisa: note added to #{incident}. Practice, not real. Thank you.",
    },
    "note_drill_negative": {
        "es": "SIMULACRO Avisa: registramos en #{incident} que no ve a nadie. Practica, no es real. Gracias.",
        "en": "DRILL Avisa: noted on #{incident} that you see nobody. Practice, not real. Thank you.",
    },
    "ack_which_incident": {
        "es": "Avisa: hay varios incidentes abiertos. Responda con el numero, ej. {example}",
        "en": "Avisa: several incidents are open. Reply with the number, e.g. {example}",
    },
    "broadcast": {  # a coordinator's own words (core.broadcasts), after the hotline's name
        "es": "Avisa: {body}",
        "en": "Avisa: {body}",
    },
    "ack_no_incident": {
        "es": "Avisa: no hay un incidente abierto con ese numero para usted.",
        "en": "Avisa: there is no open incident with that number for you.",
    },
}

# Trust: answers that promise only what happens next.
CATALOGUE.update(
    {
        "report_received": {
            "es": "Avisa: recibimos su mensaje, gracias. No abra la puerta sin una orden judicial firmada.",
            "en": "Avisa: we got your message, thank you. Do not open the door without a judge-signed warrant.",
        },
        "report_alerted": {
            "es": "Avisa: recibido. Avisamos a la red de respuesta para verificar. No abra la puerta sin una orden judicial firmada.",
            "en": "Avisa: received. We alerted the response network to verify. Do not open the door without a judge-signed warrant.",
        },
        "not_report": {
            "es": "Avisa: para reportar a la migra, escriba que ve y donde (esquina o codigo postal). Para alertas confirmadas: UNIRSE y su codigo postal. STOP para salir.",
            "en": "Avisa: to report immigration agents, text what you see and where (corner or ZIP). For confirmed alerts: JOIN and your ZIP. STOP to leave.",
        },
        "not_report_legal": {
            "es": "Avisa: para reportar a la migra, escriba que ve y donde (esquina o codigo postal). Ayuda legal: {line}. Para alertas: UNIRSE y su codigo postal.",
            "en": "Avisa: to report immigration agents, text what you see and where (corner or ZIP). Legal help: {line}. For alerts: JOIN and your ZIP.",
        },
        "reporter_limited": {
            "es": "Avisa: recibimos muchos reportes de este numero en poco tiempo. Los guardamos y un coordinador los revisara. Gracias.",
            "en": "Avisa: we got many reports from this number in a short time. We kept them and a coordinator will review them. Thank you.",
        },
        "join_ask_zip": {
            "es": "Avisa: para recibir alertas de redadas confirmadas, responda con su codigo postal (ej. 90255).",
            "en": "Avisa: to get alerts of confirmed raids, reply with your ZIP code (e.g. 90255).",
        },
        "join_request": {
            "es": "Avisa: para recibir alertas de redadas confirmadas cerca de {zip}, responda SI. STOP para no recibir mensajes.",
            "en": "Avisa: to get alerts of confirmed raids near {zip}, reply YES. STOP to get no messages.",
        },
        "join_no_zone": {
            "es": "Avisa: todavia no hay red de respuesta en {zip}. Gracias por su interes. Para reportar, escriba que ve y donde.",
            "en": "Avisa: there is no response network in {zip} yet. Thank you for your interest. To report, text what you see and where.",
        },
        "join_already": {
            "es": "Avisa: este numero ya esta en la red. AYUDA para ayuda, STOP para salir.",
            "en": "Avisa: this number is already in the network. HELP for help, STOP to leave.",
        },
        "join_done": {
            "es": "Avisa: listo, le avisaremos de redadas confirmadas en su zona. STOP para salir.",
            "en": "Avisa: done, we will tell you about confirmed raids in your area. STOP to leave.",
        },
        "note_added": {
            "es": "Avisa: nota agregada a #{incident}. Gracias.",
            "en": "Avisa: note added to #{incident}. Thank you.",
        },
        "note_negative": {
            "es": "Avisa: registramos en #{incident} que no ve a nadie. Los coordinadores lo veran. Gracias.",
            "en": "Avisa: noted on #{incident} that you see nobody. Coordinators will see it. Thank you.",
        },
        "alert_community": {
            "es": "AVISA #{incident} CONFIRMADO: agentes en {place} ({time}). Cuidado en la zona. No abra la puerta sin orden judicial firmada.",
            "en": "AVISA #{incident} CONFIRMED: agents at {place} ({time}). Take care in the area. Do not open the door without a judge-signed warrant.",
        },
    }
)

# Words that are no sighting (core.intent): the right answer, and no alarm.
CATALOGUE.update(
    {
        "question_help": {
            "es": "Avisa: no confirmamos redadas por mensaje. Si usted ve agentes ahora, escriba que ve y donde (esquina). Alertas confirmadas: UNIRSE y su codigo postal.",
            "en": "Avisa: we do not confirm raids by text. If you see agents now, text what you see and where (corner). Confirmed alerts: JOIN and your ZIP.",
        },
        "rumour_now_where": {
            "es": "Avisa: ¿esta pasando ahora? ¿donde? Si ve agentes, responda con la esquina. No reenvie avisos sin confirmar.",
            "en": "Avisa: is it happening now? Where? If you see agents, reply with the corner. Do not forward unconfirmed alerts.",
        },
        "past_recorded": {
            "es": "Avisa: gracias, guardamos lo que paso para documentarlo y un coordinador lo vera. Si esta pasando ahora, escriba que ve y donde.",
            "en": "Avisa: thank you, we kept what happened to document it and a coordinator will see it. If it is happening now, text what you see and where.",
        },
    }
)

ACTION_NAMES: dict[str, dict[Language, str]] = {
    "confirm": {"es": "confirmado", "en": "confirmed"},
    "false": {"es": "falsa alarma", "en": "false alarm"},
    "on_my_way": {"es": "en camino", "en": "on my way"},
    "clear": {"es": "terminado", "en": "all clear"},
}


def render(key: str, language: Language, **params: object) -> str:
    """The text ``key`` in ``language`` (Spanish when unknown), with ``params`` filled in.

    An ``action`` parameter is a responder action's key ("on_my_way"), named here in the
    reader's language: logic passes keys, never words.
    """
    texts = CATALOGUE[key]
    if "action" in params:
        names = ACTION_NAMES[str(params["action"])]
        params["action"] = names.get(language, names["es"])
    return texts.get(language, texts["es"]).format(**params)


def render_bilingual(key: str, language: Language, **params: object) -> str:
    """Both languages, the subscriber's first: for texts sent before we know they read it."""
    other = "en" if language == "es" else "es"
    return f"{render(key, language, **params)}\n\n{render(key, other, **params)}"


# Detention cases (core.cases, core.detention): the family's conversation, legal aid's offers and
# answers, and each change of a case told to the family. No name, birth date or place in a text
# to anyone but the case's owner.
_CASE_COMMANDS = {
    "es": "CASO {case} CONTACTO, CASO {case} UBICADO <lugar>, LIBERADO, DEPORTADO, CERRADO o NOTA <texto>",
    "en": "CASE {case} CONTACT, CASE {case} LOCATED <place>, RELEASED, DEPORTED, CLOSED or NOTE <text>",
}
_RIGHTS = {
    "es": "Sus derechos: la persona puede guardar silencio, pedir un abogado y no firmar nada que no entienda.",
    "en": "Their rights: they may stay silent, ask for a lawyer and sign nothing they do not understand.",
}
CATALOGUE.update(
    {
        "case_opened": {
            "es": "Avisa caso #{case}: lo sentimos mucho. "
            + _RIGHTS["es"]
            + " Apoyo legal: {line}. Le haremos unas preguntas; responda SALTAR si no sabe.",
            "en": "Avisa case #{case}: we are so sorry. "
            + _RIGHTS["en"]
            + " Legal aid line: {line}. We will ask a few questions; reply SKIP if you do not know.",
        },
        "case_opened_no_line": {
            "es": "Avisa caso #{case}: lo sentimos mucho. "
            + _RIGHTS["es"]
            + " Apoyo legal recibira su caso. Le haremos unas preguntas; responda SALTAR si no sabe.",
            "en": "Avisa case #{case}: we are so sorry. "
            + _RIGHTS["en"]
            + " Legal aid will get your case. We will ask a few questions; reply SKIP if you do not know.",
        },
        "case_opened_call": {
            "es": "Avisa caso #{case}: recibimos su llamada; apoyo legal tiene su caso. "
            + _RIGHTS["es"]
            + " Apoyo legal: {line}. Le avisaremos cada cambio.",
            "en": "Avisa case #{case}: we got your call; legal aid has your case. "
            + _RIGHTS["en"]
            + " Legal aid line: {line}. We will text you each change.",
        },
        "case_opened_call_no_line": {
            "es": "Avisa caso #{case}: recibimos su llamada; apoyo legal tiene su caso. "
            + _RIGHTS["es"]
            + " Le avisaremos cada cambio.",
            "en": "Avisa case #{case}: we got your call; legal aid has your case. "
            + _RIGHTS["en"]
            + " We will text you each change.",
        },
        "case_ask_name": {
            "es": "1/5 ¿Como se llama la persona detenida? (SALTAR si no quiere decir)",
            "en": "1/5 What is the detained person's name? (SKIP if you prefer not to say)",
        },
        "case_ask_birth": {
            "es": "2/5 ¿Su fecha de nacimiento o su numero A (A-number), si lo sabe? (SALTAR)",
            "en": "2/5 Their date of birth or A-number, if you know it? (SKIP)",
        },
        "case_ask_place": {
            "es": "3/5 ¿Donde se la llevaron? Esquina, direccion o lugar. (SALTAR)",
            "en": "3/5 Where were they taken? Corner, address or place. (SKIP)",
        },
        "case_ask_when": {
            "es": "4/5 ¿Cuando? Por ejemplo: hoy a las 7am. (SALTAR)",
            "en": "4/5 When? For example: today at 7am. (SKIP)",
        },
        "case_ask_contact": {
            "es": "5/5 ¿A que numero llamamos a la familia? SALTAR: a este numero.",
            "en": "5/5 What number should legal aid call the family at? SKIP: this number.",
        },
        "case_recorded": {
            "es": "Avisa caso #{case}: gracias. Apoyo legal ya tiene su caso y le avisaremos cada cambio. Puede escribir aqui para agregar algo.",
            "en": "Avisa case #{case}: thank you. Legal aid has your case and we will text you each change. Text here to add anything.",
        },
        "case_offer": {
            "es": "AVISA CASO #{case}: una familia reporta a una persona detenida. Responda TOMO {case} para tomarlo.",
            "en": "AVISA CASE #{case}: a family reports a person detained. Reply TAKE {case} to take it.",
        },
        "case_offer_incident": {
            "es": "AVISA CASO #{case}: una familia reporta a una persona detenida en la redada #{incident}. Responda TOMO {case} para tomarlo.",
            "en": "AVISA CASE #{case}: a family reports a person detained in raid #{incident}. Reply TAKE {case} to take it.",
        },
        "case_offer_wide": {
            "es": "AVISA CASO #{case} SIN TOMAR hace {minutes} min: una familia reporta a una persona detenida. Responda TOMO {case} para tomarlo.",
            "en": "AVISA CASE #{case} UNTAKEN for {minutes} min: a family reports a person detained. Reply TAKE {case} to take it.",
        },
        "case_unclaimed": {
            "es": "AVISA CASO #{case}: ningun apoyo legal lo tomo en {minutes} min. Lo ofrecimos a todas las zonas; revise la consola.",
            "en": "AVISA CASE #{case}: no legal aid took it in {minutes} min. We offered it to every zone; see the console.",
        },
        "case_yours": {
            "es": "Avisa caso #{case} es suyo. Persona: {name}. Nac./A#: {birth}. Lugar: {place}. Cuando: {when}. Familia: {contact}. Responda "
            + _CASE_COMMANDS["es"]
            + ".",
            "en": "Avisa case #{case} is yours. Person: {name}. DOB/A#: {birth}. Place: {place}. When: {when}. Family: {contact}. Reply "
            + _CASE_COMMANDS["en"]
            + ".",
        },
        "case_taken_other": {
            "es": "Avisa: el caso #{case} ya lo tomo otra persona de apoyo legal. Gracias.",
            "en": "Avisa: case #{case} was already taken by another legal aid volunteer. Thank you.",
        },
        "case_already_yours": {
            "es": "Avisa: el caso #{case} ya es suyo.",
            "en": "Avisa: case #{case} is already yours.",
        },
        "case_unknown": {
            "es": "Avisa: no hay un caso #{case}.",
            "en": "Avisa: there is no case #{case}.",
        },
        "case_not_yours": {
            "es": "Avisa: el caso #{case} no es suyo. Responda TOMO {case} si nadie lo tomo.",
            "en": "Avisa: case #{case} is not yours. Reply TAKE {case} if nobody took it.",
        },
        "case_moved": {
            "es": "Avisa caso #{case}: registrado, y avisamos a la familia.",
            "en": "Avisa case #{case}: recorded, and the family was told.",
        },
        "case_noted": {
            "es": "Avisa caso #{case}: nota guardada.",
            "en": "Avisa case #{case}: note saved.",
        },
        "case_cannot": {
            "es": "Avisa caso #{case}: ese cambio no es posible ahora. Responda "
            + _CASE_COMMANDS["es"]
            + ".",
            "en": "Avisa case #{case}: that change is not possible now. Reply "
            + _CASE_COMMANDS["en"]
            + ".",
        },
        "case_family_wrote": {
            "es": "Avisa caso #{case}, la familia escribe: {text}",
            "en": "Avisa case #{case}, the family writes: {text}",
        },
        "case_reply": {
            "es": "Avisa caso #{case}, apoyo legal: {text}",
            "en": "Avisa case #{case}, legal aid: {text}",
        },
        "case_family_taken": {
            "es": "Avisa caso #{case}: una persona de apoyo legal tomo su caso y le contactara pronto.",
            "en": "Avisa case #{case}: a legal aid volunteer took your case and will contact you soon.",
        },
        "case_family_in_contact": {
            "es": "Avisa caso #{case}: apoyo legal esta en contacto con su familia.",
            "en": "Avisa case #{case}: legal aid is in contact with your family.",
        },
        "case_family_located": {
            "es": "Avisa caso #{case}: encontramos a la persona en: {facility}.",
            "en": "Avisa case #{case}: we found the person at: {facility}.",
        },
        "case_family_located_unnamed": {
            "es": "Avisa caso #{case}: encontramos donde esta la persona. Apoyo legal le dara los detalles.",
            "en": "Avisa case #{case}: we found where the person is held. Legal aid will give you the details.",
        },
        "case_family_released": {
            "es": "Avisa caso #{case}: la persona fue liberada.",
            "en": "Avisa case #{case}: the person was released.",
        },
        "case_family_deported": {
            "es": "Avisa caso #{case}: la persona fue deportada. Apoyo legal le dira los siguientes pasos.",
            "en": "Avisa case #{case}: the person was deported. Legal aid will tell you the next steps.",
        },
        "case_family_closed": {
            "es": "Avisa caso #{case}: su caso se cerro. Si necesita ayuda otra vez, escriba DETENIDO.",
            "en": "Avisa case #{case}: your case was closed. If you need help again, text DETAINED.",
        },
    }
)
