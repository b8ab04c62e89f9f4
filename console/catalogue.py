"""Every text the console shows, in Spanish and English, in one place.

Templates call ``t("key", **params)``; a key missing in one language falls back to the other,
and a missing key shows itself (so a gap is visible, never a crash).
"""

TEXTS: dict[str, dict[str, str]] = {
    # frame
    "app.title": {"es": "Avisa · consola", "en": "Avisa · console"},
    "nav.board": {"es": "Tablero", "en": "Board"},
    "nav.map": {"es": "Mapa", "en": "Map"},
    "nav.inbox": {"es": "Bandeja", "en": "Inbox"},
    "nav.subscribers": {"es": "Red", "en": "Network"},
    "nav.zones": {"es": "Zonas", "en": "Zones"},
    "nav.audit": {"es": "Registro", "en": "Audit log"},
    "nav.broadcasts": {"es": "Difusiones", "en": "Broadcasts"},
    "nav.apikeys": {"es": "Claves API", "en": "API keys"},
    "nav.sign_out": {"es": "Salir", "en": "Sign out"},
    "nav.language": {"es": "English", "en": "Español"},
    "nav.signed_in_as": {"es": "{user} ({role})", "en": "{user} ({role})"},
    # sign-in
    "login.title": {"es": "Entrar", "en": "Sign in"},
    "login.username": {"es": "Usuario", "en": "Username"},
    "login.password": {"es": "Contraseña", "en": "Password"},
    "login.submit": {"es": "Entrar", "en": "Sign in"},
    "login.wrong": {
        "es": "Usuario o contraseña incorrectos.",
        "en": "Wrong username or password.",
    },
    "login.locked": {
        "es": "Demasiados intentos fallidos. Espere 15 minutos.",
        "en": "Too many failed attempts. Wait 15 minutes.",
    },
    "login.expired": {
        "es": "El formulario caducó. Inténtelo otra vez.",
        "en": "The form expired. Please try again.",
    },
    # errors
    "error.forbidden": {
        "es": "Su cuenta no puede hacer esto.",
        "en": "Your account cannot do this.",
    },
    "error.csrf": {
        "es": "Formulario no válido (falta el código de seguridad). Recargue la página.",
        "en": "Invalid form (security token missing). Reload the page.",
    },
    "error.not_found": {"es": "No encontrado.", "en": "Not found."},
    "error.unavailable": {
        "es": "Un servicio no responde; se guardó y se enviará cuando vuelva.",
        "en": "A service is not answering; it was stored and will go out when it is back.",
    },
    "error.redis": {
        "es": "La cola (Redis) no responde. Inténtelo en un momento.",
        "en": "The queue (Redis) is not answering. Try again in a moment.",
    },
    # statuses
    "status.reported": {"es": "sin verificar", "en": "unverified"},
    "status.confirmed": {"es": "confirmado", "en": "confirmed"},
    "status.resolved": {"es": "resuelto", "en": "resolved"},
    "status.dismissed": {"es": "falsa alarma", "en": "false alarm"},
    "status.expired": {"es": "expirado", "en": "expired"},
    "status.merged": {"es": "fusionado", "en": "merged"},
    "status.held": {"es": "retenido", "en": "held"},
    "report.located": {"es": "ubicado", "en": "located"},
    "report.awaiting_location": {"es": "esperando lugar", "en": "awaiting place"},
    "report.unlocated": {"es": "sin lugar", "en": "no place"},
    # board
    "board.title": {"es": "Incidentes abiertos", "en": "Open incidents"},
    "board.place": {"es": "Lugar", "en": "Place"},
    "board.status": {"es": "Estado", "en": "Status"},
    "board.reporters": {"es": "Reportantes", "en": "Reporters"},
    "board.on_the_way": {"es": "En camino", "en": "On the way"},
    "board.quiet": {"es": "Último reporte", "en": "Last report"},
    "board.minutes": {"es": "hace {n} min", "en": "{n} min ago"},
    "board.empty": {"es": "No hay incidentes abiertos.", "en": "No open incidents."},
    "board.live": {"es": "Se actualiza solo.", "en": "Updates by itself."},
    "board.unnamed": {"es": "(sin nombre)", "en": "(unnamed)"},
    # incident
    "incident.title": {"es": "Incidente #{id}", "en": "Incident #{id}"},
    "incident.reports": {"es": "Reportes", "en": "Reports"},
    "incident.answers": {"es": "Respuestas de voluntarios", "en": "Responders' answers"},
    "incident.notes": {"es": "Notas", "en": "Notes"},
    "incident.texts": {"es": "Textos enviados", "en": "Texts sent"},
    "incident.audit": {"es": "Historial", "en": "Audit trail"},
    "incident.none": {"es": "Nada todavía.", "en": "Nothing yet."},
    "incident.confirm": {"es": "Confirmar", "en": "Confirm"},
    "incident.dismiss": {"es": "Falsa alarma", "en": "Dismiss"},
    "incident.resolve": {"es": "Resolver", "en": "Resolve"},
    "incident.release": {"es": "Liberar y alertar", "en": "Release and alert"},
    "incident.held_hint": {
        "es": "Retenido (una avalancha de reportes, o un número pasado de su límite): nadie recibió alerta. Liberar lo deja sin verificar y alerta a los voluntarios de la zona.",
        "en": "Held (a flood of reports, or a number past its limit): nobody was alerted. Releasing makes it unverified and alerts the zone's responders.",
    },
    "incident.reason": {"es": "Motivo (opcional)", "en": "Reason (optional)"},
    "incident.merge": {"es": "Fusionar en", "en": "Merge into"},
    "incident.split": {"es": "Separar los reportes marcados", "en": "Split checked reports out"},
    "incident.add_note": {"es": "Añadir nota", "en": "Add note"},
    "incident.recording": {"es": "grabación", "en": "recording"},
    "incident.precision": {"es": "±{m} m", "en": "±{m} m"},
    "incident.done": {"es": "Hecho.", "en": "Done."},
    "incident.first_seen": {"es": "Primer reporte", "en": "First report"},
    "incident.merged_into": {"es": "Fusionado en #{id}", "en": "Merged into #{id}"},
    "answer.confirm": {"es": "confirmó", "en": "confirmed"},
    "answer.false": {"es": "falsa alarma", "en": "false alarm"},
    "answer.on_my_way": {"es": "va en camino", "en": "on the way"},
    "answer.clear": {"es": "todo despejado", "en": "all clear"},
    # inbox
    "inbox.title": {"es": "Reportes por ubicar", "en": "Reports to place"},
    "inbox.empty": {"es": "Nada por ubicar.", "en": "Nothing to place."},
    "inbox.place_text": {
        "es": "Lugar (esquina, dirección, ZIP)",
        "en": "Place (corner, address, ZIP)",
    },
    "inbox.place": {"es": "Ubicar", "en": "Place"},
    "inbox.pick": {"es": "Elegir en el mapa", "en": "Pick on the map"},
    "inbox.attach": {"es": "Unir al incidente", "en": "Attach to incident"},
    "inbox.reply": {"es": "Responder al reportante", "en": "Reply to the reporter"},
    "inbox.send": {"es": "Enviar", "en": "Send"},
    "inbox.not_found": {
        "es": "No se encontró ese lugar. Pruebe otra forma o elíjalo en el mapa.",
        "en": "That place was not found. Try another wording or pick it on the map.",
    },
    "inbox.placed": {
        "es": "Reporte ubicado en el incidente #{id}.",
        "en": "Report placed in incident #{id}.",
    },
    "inbox.attached": {
        "es": "Reporte unido al incidente #{id}.",
        "en": "Report attached to incident #{id}.",
    },
    "inbox.replied": {"es": "Respuesta en la cola de envío.", "en": "Reply queued to send."},
    "inbox.uncertain": {"es": "lugar aproximado", "en": "rough place"},
    "inbox.pick_hint": {
        "es": "Toque el mapa donde ocurre; luego pulse Ubicar.",
        "en": "Tap the map where it is happening, then press Place.",
    },
    # map
    "map.title": {"es": "Mapa", "en": "Map"},
    "map.no_basemap": {
        "es": "Sin mapa base configurado: se muestran incidentes y zonas.",
        "en": "No basemap configured: showing incidents and zones.",
    },
    "map.legend": {
        "es": "Rojo: sin verificar · Morado: confirmado · Azul: zonas",
        "en": "Red: unverified · Purple: confirmed · Blue: zones",
    },
    # network
    "subs.title": {"es": "Suscriptores", "en": "Subscribers"},
    "subs.filter": {"es": "Filtrar", "en": "Filter"},
    "subs.name": {"es": "Nombre", "en": "Name"},
    "subs.phone": {"es": "Teléfono", "en": "Phone"},
    "subs.language": {"es": "Idioma", "en": "Language"},
    "subs.roles": {"es": "Funciones", "en": "Roles"},
    "subs.zones": {"es": "Zonas", "en": "Zones"},
    "subs.status": {"es": "Estado", "en": "Status"},
    "subs.any": {"es": "(cualquiera)", "en": "(any)"},
    "subs.add": {"es": "Añadir suscriptor", "en": "Add subscriber"},
    "subs.confirmed": {
        "es": "Consentimiento tomado en persona (solo admin)",
        "en": "Consent taken in person (admin only)",
    },
    "subs.import": {"es": "Importar CSV", "en": "Import CSV"},
    "subs.import_help": {
        "es": "Columnas: phone,name,language,roles,zones[,confirmed]; funciones y zonas separadas por ;",
        "en": "Columns: phone,name,language,roles,zones[,confirmed]; roles and zones separated by ;",
    },
    "subs.preview": {"es": "Vista previa", "en": "Preview"},
    "subs.do_import": {"es": "Importar", "en": "Import"},
    "subs.preview_result": {
        "es": "Vista previa: {created} nuevos, {updated} actualizados, {errors} filas con errores (no se guardó nada).",
        "en": "Preview: {created} new, {updated} updated, {errors} rows with errors (nothing saved).",
    },
    "subs.import_result": {
        "es": "Importado: {created} nuevos, {updated} actualizados, {errors} filas omitidas.",
        "en": "Imported: {created} new, {updated} updated, {errors} rows skipped.",
    },
    "subs.row": {"es": "Fila", "en": "Row"},
    "subs.error": {"es": "Error", "en": "Error"},
    "subs.edit": {"es": "Editar", "en": "Edit"},
    "subs.save": {"es": "Guardar", "en": "Save"},
    "subs.opt_out": {"es": "Dar de baja", "en": "Opt out"},
    "subs.created": {"es": "Suscriptor añadido.", "en": "Subscriber added."},
    "subs.saved": {"es": "Guardado.", "en": "Saved."},
    "subs.empty": {"es": "Nadie con esos filtros.", "en": "Nobody matches."},
    "role.responder": {"es": "respuesta", "en": "responder"},
    "role.legal_aid": {"es": "ayuda legal", "en": "legal aid"},
    "role.coordinator": {"es": "coordinación", "en": "coordinator"},
    "role.community": {"es": "comunidad", "en": "community"},
    "substatus.pending": {"es": "pendiente", "en": "pending"},
    "substatus.active": {"es": "activo", "en": "active"},
    "substatus.opted_out": {"es": "de baja", "en": "opted out"},
    # zones
    "zones.title": {"es": "Zonas", "en": "Zones"},
    "zones.name": {"es": "Nombre", "en": "Name"},
    "zones.shape": {"es": "Forma", "en": "Shape"},
    "zones.zips": {"es": "ZIPs (separados por comas)", "en": "ZIPs (comma-separated)"},
    "zones.circle": {"es": "Círculo", "en": "Circle"},
    "zones.polygon": {"es": "Polígono", "en": "Polygon"},
    "zones.radius": {"es": "Radio (m)", "en": "Radius (m)"},
    "zones.create": {"es": "Crear zona", "en": "Create zone"},
    "zones.draw_hint": {
        "es": "Círculo: toque el centro. Polígono: toque cada esquina; «Cerrar» termina.",
        "en": "Circle: tap the centre. Polygon: tap each corner; 'Close' finishes.",
    },
    "zones.close": {"es": "Cerrar polígono", "en": "Close polygon"},
    "zones.clear": {"es": "Borrar dibujo", "en": "Clear drawing"},
    "zones.created": {"es": "Zona creada.", "en": "Zone created."},
    "zones.empty": {"es": "Todavía no hay zonas.", "en": "No zones yet."},
    # audit
    "audit.title": {"es": "Registro de acciones", "en": "Audit log"},
    "audit.when": {"es": "Cuándo", "en": "When"},
    "audit.who": {"es": "Quién", "en": "Who"},
    "audit.what": {"es": "Qué", "en": "What"},
    "audit.target": {"es": "Sobre", "en": "On"},
    "audit.detail": {"es": "Detalle", "en": "Detail"},
    # messages
    "msg.kind": {"es": "Tipo", "en": "Kind"},
    "msg.to": {"es": "Para", "en": "To"},
    "msg.body": {"es": "Texto", "en": "Text"},
    "msg.status": {"es": "Entrega", "en": "Delivery"},
    "msg.reporter": {"es": "reportante", "en": "reporter"},
    "msgkind.opt_in": {"es": "confirmación", "en": "opt-in"},
    "msgkind.alert": {"es": "alerta", "en": "alert"},
    "msgkind.update": {"es": "actualización", "en": "update"},
    "msgkind.reply": {"es": "respuesta", "en": "reply"},
    "msgkind.broadcast": {"es": "difusión", "en": "broadcast"},
    "msgstatus.pending": {"es": "en cola", "en": "queued here"},
    "msgstatus.sending": {"es": "enviando", "en": "sending"},
    "msgstatus.accepted": {"es": "aceptado", "en": "accepted"},
    "msgstatus.queued": {"es": "en cola del proveedor", "en": "at the provider"},
    "msgstatus.sent": {"es": "enviado", "en": "sent"},
    "msgstatus.delivered": {"es": "entregado", "en": "delivered"},
    "msgstatus.undelivered": {"es": "no entregado", "en": "undelivered"},
    "msgstatus.failed": {"es": "falló", "en": "failed"},
    "msgstatus.skipped": {"es": "omitido", "en": "skipped"},
    # broadcasts
    "bc.title": {"es": "Difusiones", "en": "Broadcasts"},
    "bc.compose": {"es": "Nueva difusión", "en": "New broadcast"},
    "bc.help": {
        "es": "Un texto a cada suscriptor activo de esas zonas con alguna de esas funciones, en su idioma (o en el otro si escribe solo uno). Empieza con «Avisa:».",
        "en": "One text to every active subscriber of those zones with any of those roles, in their language (or the other one when you write only one). It starts with 'Avisa:'.",
    },
    "bc.body_es": {"es": "Texto en español", "en": "Text in Spanish"},
    "bc.body_en": {"es": "Texto en inglés", "en": "Text in English"},
    "bc.preview": {"es": "Vista previa", "en": "Preview"},
    "bc.preview_first": {
        "es": "Primero la vista previa: dice a cuántas personas llega y cuánto cuesta; luego puede enviar.",
        "en": "Preview first: it says how many people it reaches and what it costs; then you can send.",
    },
    "bc.preview_result": {
        "es": "Destinatarios: {recipients} · segmentos SMS en total: {segments}. No se envió nada.",
        "en": "Recipients: {recipients} · SMS segments in all: {segments}. Nothing was sent.",
    },
    "bc.send": {"es": "Enviar ({n} destinatarios)", "en": "Send ({n} recipients)"},
    "bc.sent": {
        "es": "Difusión en la cola de envío: {n} destinatarios.",
        "en": "Broadcast queued to send: {n} recipients.",
    },
    "bc.past": {"es": "Difusiones enviadas", "en": "Past broadcasts"},
    "bc.recipients": {"es": "Destinatarios", "en": "Recipients"},
    "bc.figures": {
        "es": "{recipients} ({segments} segm.)",
        "en": "{recipients} ({segments} segm.)",
    },
    "bc.empty": {"es": "Todavía no hay difusiones.", "en": "No broadcasts yet."},
    # API keys
    "keys.title": {"es": "Claves API", "en": "API keys"},
    "keys.help": {
        "es": "Para scripts y otros sistemas que usan la API (/api/v1). Solo se guarda un resumen de cada clave: se muestra una vez, al crearla.",
        "en": "For scripts and other systems that use the API (/api/v1). Only a digest of each key is stored: it is shown once, when made.",
    },
    "keys.new": {"es": "Nueva clave", "en": "New key"},
    "keys.name": {"es": "Nombre", "en": "Name"},
    "keys.role": {"es": "Permiso", "en": "Role"},
    "keys.create": {"es": "Crear clave", "en": "Create key"},
    "keys.created": {
        "es": "Clave «{name}» creada ({role})",
        "en": "Key '{name}' created ({role})",
    },
    "keys.once": {
        "es": "Cópiela ahora: no se volverá a mostrar.",
        "en": "Copy it now: it will not be shown again.",
    },
    "keys.created_at": {"es": "Creada", "en": "Created"},
    "keys.last_used": {"es": "Último uso", "en": "Last used"},
    "keys.never": {"es": "nunca", "en": "never"},
    "keys.live": {"es": "vigente", "en": "live"},
    "keys.revoked_at": {"es": "revocada {when}", "en": "revoked {when}"},
    "keys.revoke": {"es": "Revocar", "en": "Revoke"},
    "keys.revoked": {
        "es": "Clave «{name}» revocada: deja de funcionar ya.",
        "en": "Key '{name}' revoked: it stops working now.",
    },
    "keys.empty": {"es": "No hay claves.", "en": "No keys."},
    "access.viewer": {"es": "lectura", "en": "viewer"},
    "access.coordinator": {"es": "coordinación", "en": "coordinator"},
    "access.admin": {"es": "administración", "en": "admin"},
}

LANGUAGES = ("es", "en")


def translate(language: str, key: str, **params: object) -> str:
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry.get(language) or entry.get("es") or key
    return text.format(**params) if params else text


# What the domain refuses, in Spanish, by the English template it was raised with (the message
# id: ``core.errors``). English needs no entry: the template is the English text. Field names
# before a colon (``zone_ids:``, ``phone:``) are the form's or the API's own and stay as they are.
# tests/console/test_errors.py finds every template raised in core/ and console/ and checks it
# is here with the same {fields}.
ERRORS: dict[str, str] = {
    # not found
    "no such {thing}": "no existe ese registro ({thing})",
    "no such incident": "no existe ese incidente",
    "no such incident {id}": "no existe el incidente {id}",
    "no such report": "no existe ese reporte",
    "no such subscriber": "no existe ese suscriptor",
    "no such zone {id}": "no existe la zona {id}",
    "no such place {id}": "no existe el lugar {id}",
    "no such API key {id}": "no existe la clave API {id}",
    "no such drill {id}": "no existe el simulacro {id}",
    "no such alert call {id}": "no existe la llamada de alerta {id}",
    # incidents
    "an incident that is {old} cannot become {new}": "un incidente {old} no puede pasar a {new}",
    "incident {id} changed meanwhile": "el incidente {id} cambió mientras tanto; recargue la página",
    "an incident cannot be merged into itself": "un incidente no se puede fusionar consigo mismo",
    "only open incidents can be merged": "solo se pueden fusionar incidentes abiertos",
    "every report to split out must belong to this incident": "todos los reportes a separar deben ser de este incidente",
    "at least one report must stay in the incident": "al menos un reporte debe quedarse en el incidente",
    "only located reports can make an incident": "solo los reportes con lugar pueden formar un incidente",
    "reports: check the reports to split out": "reportes: marque los reportes a separar",
    "note: must not be empty": "nota: no puede estar vacía",
    # the inbox
    "lat/lon: out of range": "lat/lon: fuera de rango",
    "the report is already part of this incident": "el reporte ya es parte de este incidente",
    "the report belongs to another incident: split it out there first": "el reporte es de otro incidente: sepárelo allí primero",
    "the reporter's number is no longer kept (erased after the retention time)": "ya no se guarda el número del reportante (se borró al vencer el plazo de retención)",
    "text: must not be empty": "texto: no puede estar vacío",
    "text: at most 480 characters": "texto: como máximo 480 caracteres",  # core.inbox.MAX_REPLY_CHARS
    "place: type a place or pick it on the map": "lugar: escriba un lugar o elíjalo en el mapa",
    "the database is busy; try again": "la base de datos está ocupada; inténtelo otra vez",
    # subscribers and imports
    "phone: {reason}": "teléfono: {reason}",
    "not a phone number: {reason}": "no es un número de teléfono",
    "not a possible phone number (wrong length)": "no es un número posible (largo incorrecto)",
    "not a valid phone number for its country": "no es un número válido para su país",
    "phone: a subscriber with this number already exists": "teléfono: ya hay un suscriptor con este número",
    "phone: repeats an earlier row": "teléfono: repite una fila anterior",
    "language: must be one of {choices}": "idioma: debe ser uno de {choices}",
    "roles: must be some of {choices}": "funciones: deben ser algunas de {choices}",
    "role: must be one of {choices}": "permiso: debe ser uno de {choices}",
    "channel: must be one of {choices}": "canal: debe ser uno de {choices}",
    "zones: unknown zone ids {ids}": "zonas: no existen las zonas {ids}",
    "zones: unknown zone {ref!r}": "zonas: no existe la zona {ref!r}",
    "name: must not be empty": "nombre: no puede estar vacío",
    "name: at most {most} characters": "nombre: como máximo {most} caracteres",
    "name: 1 to {most} characters": "nombre: de 1 a {most} caracteres",
    "name: at least 2 characters": "nombre: al menos 2 caracteres",
    "name: must not contain control characters": "nombre: no puede tener caracteres de control",
    "name: must not start with = + - @ (a spreadsheet formula)": "nombre: no puede empezar con = + - @ (una fórmula de hoja de cálculo)",
    "{column}: at most {most} characters": "{column}: como máximo {most} caracteres",
    "confirmed: only an admin may import subscribers as confirmed": "confirmed: solo un admin puede importar suscriptores ya confirmados",
    "confirmed: only an admin may add a subscriber as already confirmed": "confirmed: solo un admin puede añadir un suscriptor ya confirmado",
    "status: a coordinator can opt someone out, never in": "estado: coordinación puede dar de baja, nunca de alta",
    "header: missing columns {columns} (phone,name,language,roles,zones)": "encabezado: faltan las columnas {columns} (phone,name,language,roles,zones)",
    "not UTF-8 text (bad byte at offset {offset}); save the file as UTF-8 CSV": "no es texto UTF-8 (byte inválido en la posición {offset}); guarde el archivo como CSV UTF-8",
    "unreadable CSV: {reason}": "CSV ilegible: {reason}",
    "csv: paste the rows or choose a file": "csv: pegue las filas o elija un archivo",
    "a message needs a subscriber or a number": "un mensaje necesita un suscriptor o un número",
    # zones and places
    "name: a zone with this name exists": "nombre: ya hay una zona con este nombre",
    "name: a place with this name exists": "nombre: ya hay un lugar con este nombre",
    "give exactly one of: zips, center + radius_m, geometry": "indique solo una forma: ZIPs, centro + radio, o polígono",
    "zips must not be empty": "los ZIPs no pueden estar vacíos",
    "center and radius_m go together": "el centro y el radio van juntos",
    "geometry must be a GeoJSON Polygon or MultiPolygon with coordinates": "la geometría debe ser un Polygon o MultiPolygon GeoJSON con coordenadas",
    "each ring needs at least 4 [lon, lat] positions": "cada anillo necesita al menos 4 posiciones [lon, lat]",
    "positions must be [lon, lat] within range": "las posiciones deben ser [lon, lat] dentro de rango",
    "zips: five-digit ZIP codes, separated by commas": "zips: códigos ZIP de cinco dígitos, separados por comas",
    "center: tap the map for the circle's centre": "centro: toque el mapa para el centro del círculo",
    "radius_m: between 1 and 100000 metres": "radio: entre 1 y 100000 metros",
    "shape: zips, circle or polygon": "forma: ZIPs, círculo o polígono",
    "geometry: draw the polygon on the map": "geometría: dibuje el polígono en el mapa",
    # broadcasts, drills
    "body: give the text in es, en or both": "texto: escríbalo en español, en inglés o en ambos",
    "body: must not contain control characters (NUL, ESC …)": "texto: no puede tener caracteres de control (NUL, ESC …)",
    "zone_ids: at least one zone": "zonas: al menos una zona",
    "zone_ids: unknown zone ids {ids}": "zonas: no existen las zonas {ids}",
    "zone {id}: no centre known for its ZIPs; name a place in the zone": "zona {id}: no se conoce el centro de sus ZIPs; nombre un lugar de la zona",
    "zone {id} has no point to hold a drill": "la zona {id} no tiene un punto para el simulacro",
    "zone {id}: no point inside it found; name a place in the zone": "zona {id}: no se encontró un punto dentro; nombre un lugar de la zona",
    # accounts and keys
    "username: 2–40 of a-z, 0-9, '.', '_', '-', starting with a letter or digit": "usuario: de 2 a 40 de a-z, 0-9, '.', '_', '-', empezando con letra o dígito",
    "username: a user with this name exists": "usuario: ya existe un usuario con este nombre",
}

# A form field the framework refused (pydantic's error type → the reader's words).
FIELD_ERRORS: dict[str, dict[str, str]] = {
    "missing": {"es": "falta", "en": "missing"},
    "float_parsing": {"es": "debe ser un número", "en": "must be a number"},
    "int_parsing": {"es": "debe ser un número entero", "en": "must be a whole number"},
    "bool_parsing": {"es": "debe ser sí o no", "en": "must be yes or no"},
    "string_too_long": {
        "es": "demasiado largo (máximo {max_length})",
        "en": "too long (at most {max_length})",
    },
    "greater_than_equal": {"es": "debe ser al menos {ge}", "en": "must be at least {ge}"},
    "less_than_equal": {"es": "debe ser como máximo {le}", "en": "must be at most {le}"},
}
