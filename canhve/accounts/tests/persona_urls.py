from canhve.core.testing import UrlCase, everyone

CASES = [
    UrlCase("login", everyone(200, anonymous=200)),
    UrlCase("profile", everyone(200)),
    # Every persona here is already verified (or needs no second factor): both steps send them on.
    UrlCase("otp-verify", everyone(302)),
    UrlCase("otp-enrol", everyone(302)),
    UrlCase(
        "token-create",
        everyone(302),
        method="post",
        data=lambda w: {"name": "ci", "scope": "read", "days": 30},
    ),
    # A token belongs to its owner: anyone else's revoke is a 404, not a 403 that would confirm it exists.
    UrlCase(
        "token-revoke", everyone(404, k01_officer=302), method="post", kwargs=lambda w: {"pk": w.token.pk}
    ),
    UrlCase("logout", everyone(302), method="post"),
]
