"""``POST {form}/@submit``: submit an e-guichet form as JSON."""
