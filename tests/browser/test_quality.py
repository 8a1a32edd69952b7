"""The contract's quality sections in the browser at phone size, on the demo region: the mine's sales clerk
opens the demo contract, reads the worked example's terms as a table, adds a version through the form (a
rule the server refuses shows on its field first), and enters an assay by hand with the report's scan
(a GIF refused in the page first). Screenshots at phone and desktop width."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from backend.demo.chain import DEMO_CONTRACT_NO
from backend.demo.seed import DEMO_PASSWORD, USERS
from tests.browser.conftest import password_login

SALES_PHONE = next(u["phone"] for u in USERS if u["role"] == "sales")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_sales_reads_terms_adds_a_version_and_enters_an_assay(
    page: Page, shots, tmp_path, artifacts_dir
) -> None:
    page.goto("/enterprise/contracts")
    password_login(page, SALES_PHONE, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/enterprise/contracts$"))
    page.get_by_role("link", name=re.compile(DEMO_CONTRACT_NO)).first.click()
    terms = page.locator("#price-terms")
    expect(terms.get_by_role("heading", name="质价条款")).to_be_visible()
    expect(terms.locator("[data-terms-base]")).to_contain_text("300.00 元/吨（4,000 kcal/kg 时）")
    expect(terms.locator("[data-terms-rules] li")).to_have_count(4)
    expect(page.locator("[data-assays] li")).to_have_count(3)
    shots(page, "quality-contract-phone")

    # A new version: the base goes to 310.00 yuan/t; a step of 0 is refused on its field first.
    terms.locator("summary", has_text="新增版本").click()
    form = terms.locator("form[data-terms-api]")
    form.get_by_label("基准价（元/吨）").fill("310")
    form.locator('[name="rules[0].step"]').fill("0")
    form.get_by_role("button", name="保存为新版本").click()
    expect(form.locator('.field-error[data-for="rules[0].step"]')).to_contain_text("步长须大于 0")
    form.locator('[name="rules[0].step"]').fill("100")
    form.get_by_role("button", name="保存为新版本").click()
    expect(page.locator("[data-terms-version]")).to_have_attribute("data-terms-version", "2")
    expect(page.locator("[data-terms-base]")).to_contain_text("310.00 元/吨")

    # An assay by hand for yesterday's batch, with the report's scan (a GIF is refused in the page).
    section = page.locator("#assays")
    section.locator("summary", has_text="手工录入化验单").click()
    form = section.locator("form[data-assay-api]")
    form.get_by_label("范围").select_option("batch")
    form.get_by_label("批次日期（当日全部装车）").fill(page.evaluate("new Date().toISOString().slice(0, 10)"))
    form.get_by_label("化验单位").select_option("mine")
    form.get_by_label("报告编号").fill("KF-HY-BROWSER-1")
    form.get_by_label("收到基低位发热量 Qnet,ar").fill("4150")
    form.get_by_label("全水分 Mt（%）").fill("15.2")
    gif = tmp_path / "scan.gif"
    gif.write_bytes(b"GIF89a" + b"\x00" * 32)
    form.get_by_label("报告扫描件（PDF、JPEG 或 PNG，≤ 10 MB）").set_input_files(str(gif))
    form.get_by_role("button", name="保存化验单").click()
    expect(form.locator(".field-error")).to_contain_text("PDF、JPEG 或 PNG")
    png = tmp_path / "scan.png"
    png.write_bytes(PNG)
    form.get_by_label("报告扫描件（PDF、JPEG 或 PNG，≤ 10 MB）").set_input_files(str(png))
    form.get_by_role("button", name="保存化验单").click()
    row = page.locator('[data-assay="KF-HY-BROWSER-1"]')
    expect(row).to_contain_text("4,150")
    expect(row.get_by_role("link", name="报告扫描件")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at phone width"
    shots(page, "quality-contract-phone-after")
    for section in ("price-terms", "assays"):  # each section alone, legible at phone width
        page.locator(f"#{section}").screenshot(
            path=str(artifacts_dir / "screenshots" / f"quality-{section}-phone.png")
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    desktop = artifacts_dir / "screenshots" / "quality-contract-desktop.png"
    page.screenshot(path=str(desktop), full_page=True)
    assert desktop.exists()
