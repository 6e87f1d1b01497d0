"""The sites' mail: a queue per site, retried within minutes, and its page."""

from imio.commune.mail.queue import apply_mail_queue


__all__ = ["apply_mail_queue"]
