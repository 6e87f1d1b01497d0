"""``GET {site}/@eguichet-forms``: the forms the current user may submit."""
