"""1006: agents resume or refuse a case that waits for the applicant's answer."""
