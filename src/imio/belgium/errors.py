"""The single error raised on bad input, and every message it can carry."""

# Each code maps to one plain French sentence a citizen can act on. The codes are
# stable: a translation layer looks messages up by code, so a code keeps its
# meaning once published and a new situation gets a new code.
MESSAGES: dict[str, str] = {
    # National register number
    "nrn.required": "Veuillez indiquer le numéro de registre national.",
    "nrn.format": (
        "Le numéro de registre national ne peut contenir que des chiffres, "
        "des espaces, des points et des tirets."
    ),
    "nrn.length": "Le numéro de registre national doit compter 11 chiffres.",
    "nrn.checksum": (
        "Le numéro de registre national n'est pas valide "
        "(chiffres de contrôle incorrects)."
    ),
    "nrn.birth_date": (
        "Le numéro de registre national n'est pas valide "
        "(date de naissance incorrecte)."
    ),
    "nrn.is_bis": (
        "Ce numéro est un numéro BIS et non un numéro de registre national."
    ),
    # BIS number
    "bis.required": "Veuillez indiquer le numéro BIS.",
    "bis.format": (
        "Le numéro BIS ne peut contenir que des chiffres, des espaces, "
        "des points et des tirets."
    ),
    "bis.length": "Le numéro BIS doit compter 11 chiffres.",
    "bis.checksum": (
        "Le numéro BIS n'est pas valide (chiffres de contrôle incorrects)."
    ),
    "bis.birth_date": ("Le numéro BIS n'est pas valide (mois de naissance incorrect)."),
    "bis.is_nrn": (
        "Ce numéro est un numéro de registre national et non un numéro BIS."
    ),
    # IBAN bank account number
    "iban.required": "Veuillez indiquer le numéro de compte IBAN.",
    "iban.format": (
        "Le numéro de compte IBAN contient des caractères non valides : il se "
        "compose de 2 lettres (le pays), 2 chiffres, puis de lettres ou de chiffres."
    ),
    "iban.country": (
        "Le numéro de compte IBAN doit commencer par un code de pays valide "
        "(par exemple BE pour la Belgique)."
    ),
    "iban.length": (
        "Le numéro de compte IBAN n'a pas le bon nombre de caractères pour ce pays "
        "(16 pour un compte belge)."
    ),
    "iban.checksum": (
        "Le numéro de compte IBAN n'est pas valide (chiffres de contrôle incorrects)."
    ),
    "iban.bank": (
        "Le numéro de compte IBAN ne correspond à aucune banque belge connue."
    ),
    "iban.not_belgian": (
        "Le numéro de compte doit être un compte belge (IBAN commençant par BE)."
    ),
    # BIC bank code
    "bic.required": "Veuillez indiquer le code BIC de la banque.",
    "bic.format": (
        "Le code BIC n'est pas valide : il se compose de 4 lettres (la banque), "
        "2 lettres (le pays), puis de 2 ou 5 lettres ou chiffres."
    ),
    "bic.length": "Le code BIC doit compter 8 ou 11 caractères.",
    "bic.country": "Le code BIC contient un code de pays inconnu.",
    # Enterprise number (BCE)
    "bce.required": "Veuillez indiquer le numéro d'entreprise.",
    "bce.format": (
        "Le numéro d'entreprise ne peut contenir que des chiffres, des espaces, "
        "des points et des tirets."
    ),
    "bce.length": "Le numéro d'entreprise doit compter 10 chiffres.",
    "bce.first_digit": "Le numéro d'entreprise doit commencer par 0 ou 1.",
    "bce.checksum": (
        "Le numéro d'entreprise n'est pas valide (chiffres de contrôle incorrects)."
    ),
    # Belgian VAT number
    "vat.required": "Veuillez indiquer le numéro de TVA.",
    "vat.format": (
        "Le numéro de TVA doit se composer de BE suivi de 10 chiffres "
        "(par exemple BE 0123.456.749)."
    ),
    "vat.country": ("Le numéro de TVA doit être un numéro belge (commençant par BE)."),
    "vat.length": "Le numéro de TVA doit compter 10 chiffres après BE.",
    "vat.first_digit": "Le numéro de TVA doit commencer par BE0 ou BE1.",
    "vat.checksum": (
        "Le numéro de TVA n'est pas valide (chiffres de contrôle incorrects)."
    ),
    # Postal code
    "postal_code.required": "Veuillez indiquer le code postal.",
    "postal_code.format": "Le code postal ne peut contenir que des chiffres.",
    "postal_code.length": "Le code postal doit compter 4 chiffres.",
    "postal_code.range": "Un code postal belge est compris entre 1000 et 9999.",
    "postal_code.unknown": "Ce code postal n'existe pas en Belgique.",
    # Commune (REFNIS code, called "code INS" in French)
    "commune.required": "Veuillez indiquer le code INS de la commune.",
    "commune.format": "Le code INS d'une commune ne peut contenir que des chiffres.",
    "commune.length": "Le code INS d'une commune doit compter 5 chiffres.",
    "commune.unknown": "Aucune commune belge ne correspond à ce code INS.",
    # Commune looked up by its name
    "commune.name_required": "Veuillez indiquer le nom de la commune.",
    "commune.name_unknown": "Aucune commune belge ne porte ce nom.",
}


class InvalidInput(ValueError):
    """Input that cannot be accepted, with a French message for the citizen."""

    # The rejected value is deliberately not kept: it may be a national number,
    # and exceptions end up in logs and error reports.
    def __init__(self, code: str) -> None:
        self.code = code
        self.message = MESSAGES[code]
        super().__init__(self.message)

    def __reduce__(self):
        # Rebuild from the code, not the message, which is not a valid code.
        return (self.__class__, (self.code,))
