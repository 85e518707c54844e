"""Document engine: a 20-page K01 plan rendered to DOCX (target < 1 s), against the PDF path as baseline.

Also times PAdES signing (signer + agency seal) and verification of the PDF, which the issue flow runs
once per issued document. Run: .venv/bin/python benchmarks/documents.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from canhve.engines.documents import Appearance, make_demo_ca, render_docx, render_pdf, sign_pdf, verify_pdf
from canhve.engines.documents.samples import sample_plan

RUNS = 7
AGENCY = "BỘ TƯ LỆNH CẢNH VỆ"
SIGNER = "Trần Văn Minh"


def median_seconds(fn: Callable[[], object]) -> float:
    fn()  # warm-up: font registration, imports, python-docx template parsing
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    plan = sample_plan(sections=25)
    rendered = render_pdf(plan)
    ca = make_demo_ca([AGENCY], [(AGENCY, SIGNER, "Phó Tư lệnh")])
    person, seal = ca.signer(SIGNER), ca.seal(AGENCY)

    def sign_both() -> bytes:
        once = sign_pdf(
            rendered.data, person.pkcs12, person.passphrase, field_name="A", box=rendered.signature_box
        )
        box = rendered.signature_box.seal_box()
        return sign_pdf(
            once, seal.pkcs12, seal.passphrase, field_name="B", box=box, appearance=Appearance.SEAL
        )

    signed = sign_both()
    docx_s = median_seconds(lambda: render_docx(plan))
    pdf_s = median_seconds(lambda: render_pdf(plan))
    sign_s = median_seconds(sign_both)
    verify_s = median_seconds(lambda: verify_pdf(signed, [ca.root_pem]))

    print(f"plan: {rendered.pages} pages, {len(plan.blocks)} blocks; median of {RUNS} runs")
    print(f"render_docx            {docx_s * 1000:7.0f} ms   ({len(render_docx(plan)) // 1024} KiB)")
    print(f"render_pdf (baseline)  {pdf_s * 1000:7.0f} ms   ({len(rendered.data) // 1024} KiB)")
    print(f"DOCX / PDF             {docx_s / pdf_s:7.2f} x")
    print(f"sign signer + seal     {sign_s * 1000:7.0f} ms")
    print(f"verify 2 signatures    {verify_s * 1000:7.0f} ms")
    if docx_s >= 1.0:
        raise SystemExit("render_docx took 1 s or more for a 20-page plan")


if __name__ == "__main__":
    main()
