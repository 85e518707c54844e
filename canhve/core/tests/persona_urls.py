from canhve.core.testing import UrlCase, everyone

CASES = [
    UrlCase("home", everyone(200)),
    UrlCase("audit-log", everyone(403, auditor=200)),
]
