from canhve.core.testing import UrlCase, everyone

# The agency directory is shared reference data: every signed-in persona reads it.
CASES = [
    UrlCase("agency-list", everyone(200)),
    UrlCase("agency-detail", everyone(200), kwargs=lambda w: {"code": "CATH"}),
]
