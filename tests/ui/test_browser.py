"""The web interface in a real browser (headless Chromium through Selenium).

Each test saves screenshots of the pages it visits under ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.ui.conftest import EXAMPLES, PASSWORD

pytestmark = pytest.mark.browser


def wait(driver: Any, seconds: float = 30) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def html_lang(driver: Any) -> str:
    return str(driver.find_element(By.TAG_NAME, "html").get_attribute("lang"))


def shot(driver: Any, folder: Path, name: str) -> None:
    """Save a full-page screenshot (the window grows to the page height, up to 4000 px)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(max(int(height), 600), 4000))
    driver.save_screenshot(str(folder / f"{name}.png"))
    driver.set_window_size(width, 900)


def switch_language(driver: Any, code: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f'nav.lang a[data-lang="{code}"]').click()
    wait(driver).until(lambda d: html_lang(d) == code)


def test_home_in_spanish_and_english(browser: Any, live_url: str, screenshot_dir: Path) -> None:
    browser.delete_all_cookies()
    browser.get(live_url + "/")
    assert html_lang(browser) == "en"  # negotiated from the browser's Accept-Language (en-US)
    assert "Dataflows" in browser.find_element(By.ID, "flows-h").text
    shot(browser, screenshot_dir, "home-en")
    switch_language(browser, "es")
    assert browser.find_element(By.ID, "flows-h").text == "Flujos de datos"
    assert (
        "Estadísticas sobre la niñez en movimiento" in browser.find_element(By.TAG_NAME, "h1").text
    )
    # Structure labels come from the artefacts' Spanish names; the API examples are there.
    cards = browser.find_elements(By.CSS_SELECTOR, ".card h3")
    assert cards
    snippet = browser.find_element(By.ID, "code-DF_IDAC_CORE-sdmx1").get_attribute("textContent")
    assert 'idac.data("DF_IDAC_CORE")' in snippet
    shot(browser, screenshot_dir, "home-es")
    browser.get(live_url + "/structures")  # the choice is remembered (cookie)
    assert html_lang(browser) == "es"
    switch_language(browser, "en")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Structures"


def test_keyboard_skip_link_reaches_main(browser: Any, live_url: str) -> None:
    browser.get(live_url + "/")
    body = browser.find_element(By.TAG_NAME, "body")
    from selenium.webdriver.common.keys import Keys

    body.send_keys(Keys.TAB)
    active = browser.switch_to.active_element
    assert active.get_attribute("class") == "skip"
    active.send_keys(Keys.ENTER)
    assert browser.current_url.endswith("#main")


def test_browse_to_a_dsd_page(browser: Any, live_url: str, screenshot_dir: Path) -> None:
    for lang in ("es", "en"):
        browser.get(f"{live_url}/lang/{lang}?next=/structures")
        browser.find_element(By.CSS_SELECTOR, 'a[href="/structures/datastructure"]').click()
        browser.find_element(By.CSS_SELECTOR, 'a[href$="/DSD_IDAC_CORE/1.0"]').click()
        wait(browser).until(ec.presence_of_element_located((By.ID, "dimensions")))
        table = browser.find_element(By.CSS_SELECTOR, "table.components")
        text = table.text
        assert "REF_AREA" in text
        assert "CL_AREA" in text
        assert ("Dimensiones" if lang == "es" else "Dimensions") == browser.find_element(
            By.ID, "dimensions"
        ).text
        downloads = [
            a.get_attribute("href")
            for a in browser.find_elements(By.CSS_SELECTOR, ".downloads a.button")
        ]
        assert any("format=sdmx-ml-3.0" in h for h in downloads)
        shot(browser, screenshot_dir, f"dsd-{lang}")
    # The codelist link leads to the codes, with the Spanish and English names.
    browser.find_element(By.CSS_SELECTOR, 'table.components a[href$="/CL_SEX/2.1"]').click()
    rows = browser.find_elements(By.CSS_SELECTOR, "table.items tbody tr")
    assert len(rows) >= 4


def _submit(browser: Any, live_url: str, file: str, provider: str) -> None:
    browser.get(live_url + "/submit?flow=IDAC:DF_IDAC_CORE(1.0)")
    Select(browser.find_element(By.ID, "provider")).select_by_value(provider)
    browser.find_element(By.ID, "file").send_keys(str(EXAMPLES / file))
    browser.find_element(By.ID, "send").click()
    wait(browser, 60).until(ec.url_contains("/submit/"))
    wait(browser, 60).until(ec.presence_of_element_located((By.ID, "report-h")))


def test_submit_a_valid_and_an_invalid_file(
    browser: Any, live_url: str, screenshot_dir: Path
) -> None:
    browser.get(f"{live_url}/lang/es?next=/submit")
    shot(browser, screenshot_dir, "submit-es")
    _submit(browser, live_url, "core-pan-2024.csv", "PAN_SNM")
    assert "El archivo es válido" in browser.find_element(By.CSS_SELECTOR, ".notice.ok").text
    _submit(browser, live_url, "core-pan-2024-invalid.csv", "PAN_SNM")
    rules = [
        h.get_attribute("id") for h in browser.find_elements(By.CSS_SELECTOR, "section.rule h3")
    ]
    assert "rule-VAL-301" in rules  # the code not in the codelist (VNZ)
    first = browser.find_element(By.CSS_SELECTOR, "#rule-VAL-301").find_element(By.XPATH, "..")
    assert "no está en la lista de códigos" in first.text  # the message in the interface language
    assert "VNZ" in first.text
    link = browser.find_element(By.CSS_SELECTOR, 'a[href$="/rejected.csv"]')
    csv = requests.get(link.get_attribute("href"), timeout=30)
    assert csv.status_code == 200
    assert "VNZ" in csv.text
    shot(browser, screenshot_dir, "report-es")
    switch_language(browser, "en")
    assert (
        "is not in codelist"
        in browser.find_element(By.CSS_SELECTOR, "#rule-VAL-301").find_element(By.XPATH, "..").text
    )
    shot(browser, screenshot_dir, "report-en")
    browser.get(f"{live_url}/lang/en?next=/submit")
    shot(browser, screenshot_dir, "submit-en")


def test_explorer_shows_a_chart_and_suppressed_cells(
    browser: Any, live_url: str, screenshot_dir: Path
) -> None:
    for lang in ("es", "en"):
        browser.get(f"{live_url}/lang/{lang}?next=/explore")
        Select(browser.find_element(By.ID, "dim-REF_AREA")).select_by_value("MEX")
        browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
        wait(browser).until(ec.url_contains("REF_AREA=MEX"))
        wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "svg.chart")))
        svg = browser.find_element(By.CSS_SELECTOR, "svg.chart")
        assert svg.get_attribute("role") == "img"
        assert svg.find_elements(By.CSS_SELECTOR, "rect")  # bars (one period) …
        # Mexico's small count (CONF_STATUS=A) is shown as suppressed, never with its value.
        suppressed = browser.find_elements(By.CSS_SELECTOR, "td.suppressed")
        assert suppressed
        assert (
            "/sdmx/rest/data/IDAC,DF_IDAC_CORE,1.0/.MEX"
            in browser.find_element(By.ID, "api-v1").text
        )
        shot(browser, screenshot_dir, f"explore-{lang}")


def d_path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path


def _login(browser: Any, live_url: str, user: str, next_path: str) -> None:
    browser.get(f"{live_url}/login?next={next_path}")
    browser.find_element(By.ID, "username").send_keys(user)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form.narrow button[type=submit]").click()
    wait(browser).until(lambda d: "/login" not in d.current_url)
    assert d_path(browser.current_url) == next_path


def test_curator_renames_a_code_in_spanish_and_the_api_serves_it(
    browser: Any, live_url: str, screenshot_dir: Path
) -> None:
    browser.delete_all_cookies()
    browser.get(f"{live_url}/lang/es?next=/")
    _login(browser, live_url, "curadora", "/curation")
    assert "/curation" in browser.current_url
    browser.find_element(
        By.CSS_SELECTOR, 'a[href="/curation/codelist/IDAC/CL_ACCOMPANIMENT/1.0"]'
    ).click()
    shot(browser, screenshot_dir, "curation-es")
    browser.find_element(By.CSS_SELECTOR, 'a[data-code="UASC"]').click()
    field = browser.find_element(By.ID, "name-es")
    field.clear()
    field.send_keys("No acompañado o separado <revisado>")
    browser.find_element(By.CSS_SELECTOR, "#code-form button[type=submit]").click()
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".notice.ok")))
    assert "No acompañado o separado <revisado>" in browser.find_element(By.ID, "code-UASC").text
    answer = requests.get(
        f"{live_url}/sdmx/v2/structure/codelist/IDAC/CL_ACCOMPANIMENT/1.0",
        headers={"Accept": "application/vnd.sdmx.structure+json;version=2.0.0"},
        timeout=30,
    )
    codes = json.loads(answer.text)["data"]["codelists"][0]["codes"]
    uasc = next(c for c in codes if c["id"] == "UASC")
    assert uasc["names"]["es"] == "No acompañado o separado <revisado>"
    switch_language(browser, "en")
    shot(browser, screenshot_dir, "curation-en")
    browser.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'a[href^="/login"]'))


def test_admin_pages(browser: Any, live_url: str, screenshot_dir: Path) -> None:
    browser.delete_all_cookies()
    for lang in ("es", "en"):
        browser.get(f"{live_url}/lang/{lang}?next=/")
        _login(browser, live_url, "admin1", "/admin")
        assert browser.find_element(By.ID, "users-h")
        assert "curadora" in browser.find_element(By.ID, "users").text
        shot(browser, screenshot_dir, f"admin-{lang}")
        browser.delete_all_cookies()


def test_phone_layout(browser: Any, live_url: str, screenshot_dir: Path) -> None:
    browser.set_window_size(390, 844)
    try:
        browser.get(f"{live_url}/lang/es?next=/structures/datastructure/IDAC/DSD_IDAC_CORE/1.0")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400  # wide tables scroll inside their own box, not the page
        browser.save_screenshot(str(screenshot_dir / "dsd-es-phone.png"))
    finally:
        browser.set_window_size(1280, 900)
