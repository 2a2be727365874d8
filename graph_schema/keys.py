"""One key scheme everywhere (CLI, API, exports).

`person:<18-char id>`, `person:<name>@<doc key>`, `vehicle:<plate>`,
`vessel:<id>`, `company:<uscc>` or `company:<name>`, `site:<name>`,
`phone:<digits>`, `doc:<source>:<record id>`.
"""

from __future__ import annotations

from graph_schema import identifiers as ids


def doc_key(source: str, record_id: str) -> str:
    return f"doc:{source}:{record_id}"


def doc_key_parts(key: str) -> tuple[str | None, str | None]:
    """`doc:<source>:<record id>` → (source, record id); (None, None) for any other key."""
    prefix, _, rest = key.partition(":")
    source, sep, record_id = rest.partition(":")
    if prefix != "doc" or not sep:
        return None, None
    return source, record_id


def is_record_scoped(key: str) -> bool:
    """A record's own Document, or a person known only by a name in that one record.

    Such a node is written once, with its record, and never shared with another:
    writers need not remember it (`store.upsert.WriteCache`).
    """
    return key.startswith("doc:") or "@doc:" in key


def person_key(*, id_card: str | None = None, name: str | None = None, doc: str | None = None) -> str:
    """A valid resident ID identifies a person everywhere; a name only within one document."""
    valid = ids.normalize_resident_id(id_card)
    if valid:
        return f"person:{valid}"
    if not name or not doc:
        raise ValueError("a person without a resident ID needs a name and a document key")
    return f"person:{name.strip()}@{doc}"


def company_key(*, uscc: str | None = None, name: str | None = None) -> str:
    code = ids.normalize_uscc(uscc)
    if code:
        return f"company:{code}"
    norm = ids.normalize_company_name(name)
    if not norm:
        raise ValueError("a company needs a valid USCC or a name")
    return f"company:{norm}"


def vehicle_key(plate: str) -> str:
    norm = ids.normalize_plate(plate)
    if not norm:
        raise ValueError(f"not a plate: {plate!r}")
    return f"vehicle:{norm}"


def vessel_key(number: str) -> str:
    norm = ids.normalize_vessel(number)
    if not norm:
        raise ValueError(f"not a vessel number: {number!r}")
    return f"vessel:{norm}"


def phone_key(phone: str) -> str:
    p = ids.parse_phone(phone)
    if not p or p.masked:
        raise ValueError(f"not an identifying phone: {phone!r}")
    return f"phone:{p.digits}"


def site_key(name: str) -> str:
    norm = ids.normalize_site_name(name)
    if not norm:
        raise ValueError("a site needs a name or code")
    return f"site:{norm}"


def waste_key(code_or_name: str) -> str:
    return f"waste:{ids.to_halfwidth(code_or_name).strip().upper() if code_or_name[:2].upper() == 'HW' else code_or_name.strip()}"


def species_key(name: str) -> str:
    return f"species:{name.strip()}"
