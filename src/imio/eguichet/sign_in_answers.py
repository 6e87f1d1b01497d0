"""Answers that come from the citizen's sign-in: prefilled, and vouched for.

A signed-in citizen finds their name, first name and e-mail filled in, and
may change them; their national number is the provider's, never typed. The
case keeps which answers are the sign-in's own.
"""

from imio.belgium.numbers import format_nrn


# A form's field names, and the part of the citizen's identity they hold.
FROM_IDENTITY = {
    "lastname": "family_name",
    "last_name": "family_name",
    "firstname": "given_name",
    "first_name": "given_name",
    "email": "email",
    "national_number": "national_number",
}
# Never asked of a signed-in citizen: the sign-in's, whatever is posted.
FIXED = ("national_number",)


def identity_answers(identity, field_names) -> dict:
    """The answers the citizen's identity gives to the fields ``field_names``."""
    if identity is None:
        return {}
    answers = {}
    for name in field_names:
        attribute = FROM_IDENTITY.get(name)
        value = getattr(identity, attribute, "") if attribute else ""
        if value and attribute == "national_number":
            value = format_nrn(value)
        if value:
            answers[name] = value
    return answers


def fixed_answers(identity, field_names) -> dict:
    """The answers taken from the identity whatever the citizen posts."""
    given = identity_answers(identity, field_names)
    return {name: value for name, value in given.items() if name in FIXED}


def vouched_for(identity, data: dict) -> list[str]:
    """The fields of ``data`` whose answer is the identity's own."""
    given = identity_answers(identity, data)
    return sorted(name for name, value in given.items() if _same(data[name], value))


def _same(answer, value) -> bool:
    return str(answer or "").strip().casefold() == str(value).strip().casefold()
