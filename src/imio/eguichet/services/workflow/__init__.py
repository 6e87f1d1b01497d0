"""``GET {case}/@workflow``: a case's history for its applicant and its agents."""
