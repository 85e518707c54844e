from canhve.core.testing import UrlCase, everyone

CASES = [
    UrlCase("protectees-list", everyone(200)),
    UrlCase("protectees-category", everyone(200), kwargs=lambda w: {"code": "top-four"}),
    # Only administrators amend measure sets; no persona is one.
    UrlCase(
        "protectees-category",
        everyone(403, anonymous=302),
        kwargs=lambda w: {"code": "top-four"},
        method="post",
        data=lambda w: {},
    ),
]
