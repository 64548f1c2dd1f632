# ruff: noqa: E501  (tables of names and descriptions read better unwrapped)
"""One-off generator of ``data/areas.csv`` (kept so reviewers can see where the table came from).

Run ``python -m tools.idac_content.bootstrap_areas`` only when the source data change; the builder
itself reads the committed CSV and nothing else, so its output never depends on installed packages.

Sources:
* codes (alpha-3, alpha-2, numeric = M49 country code): Debian ``iso-codes`` ``iso_3166-1.json``
  (249 ISO 3166-1 entries);
* names en/es/fr/pt: Unicode CLDR through Babel (``Locale(lang).territories``);
* the 52 Latin America and Caribbean areas: M49 sub-region, UNICEF_LAC / UNICEF_LACRO membership and
  the official UN English/Spanish names, from the table in ``shared/idac/DOMAIN.md`` section 5
  (itself from UNSD's M49 mapping kept by UNICEF, source [S27]); these override CLDR's en/es names;
* Northern America (M49 021): BMU, CAN, GRL, SPM, USA (UNSD M49 standard).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

from babel import Locale

HERE = Path(__file__).resolve().parent
DOMAIN = HERE.parents[2] / "shared" / "idac" / "DOMAIN.md"
ISO = Path("/usr/share/iso-codes/json/iso_3166-1.json")

SUBREGION = {"Central America": "013", "South America": "005", "Caribbean": "029"}
NORTHERN_AMERICA = {"BMU", "CAN", "GRL", "SPM", "USA"}

#: CLDR uses colloquial English/Spanish names ("Congo - Kinshasa", "St. Pierre & Miquelon").  For a
#: statistical codelist the UN M49 (UNTERM) names are used instead where they differ materially;
#: Taiwan is not in M49 and gets its ISO 3166-1 short name.
UN_NAMES = {
    "BIH": ("Bosnia and Herzegovina", "Bosnia y Herzegovina"),
    "COD": ("Democratic Republic of the Congo", "República Democrática del Congo"),
    "COG": ("Congo", "Congo"),
    "CPV": ("Cabo Verde", "Cabo Verde"),
    "FSM": ("Micronesia (Federated States of)", "Micronesia (Estados Federados de)"),
    "GBR": ("United Kingdom of Great Britain and Northern Ireland", "Reino Unido de Gran Bretaña e Irlanda del Norte"),
    "HKG": ("China, Hong Kong Special Administrative Region", "China, región administrativa especial de Hong Kong"),
    "HMD": ("Heard Island and McDonald Islands", "Islas Heard y McDonald"),
    "IRN": ("Iran (Islamic Republic of)", "Irán (República Islámica del)"),
    "KOR": ("Republic of Korea", "República de Corea"),
    "LAO": ("Lao People's Democratic Republic", "República Democrática Popular Lao"),
    "MAC": ("China, Macao Special Administrative Region", "China, región administrativa especial de Macao"),
    "MDA": ("Republic of Moldova", "República de Moldova"),
    "MMR": ("Myanmar", "Myanmar"),
    "PRK": ("Democratic People's Republic of Korea", "República Popular Democrática de Corea"),
    "PSE": ("State of Palestine", "Estado de Palestina"),
    "RUS": ("Russian Federation", "Federación de Rusia"),
    "SHN": ("Saint Helena", "Santa Elena"),
    "SJM": ("Svalbard and Jan Mayen Islands", "Islas Svalbard y Jan Mayen"),
    "SPM": ("Saint Pierre and Miquelon", "San Pedro y Miquelón"),
    "STP": ("Sao Tome and Principe", "Santo Tomé y Príncipe"),
    "SYR": ("Syrian Arab Republic", "República Árabe Siria"),
    "TWN": ("Taiwan, Province of China", "Taiwán, Provincia de China"),
    "TZA": ("United Republic of Tanzania", "República Unida de Tanzanía"),
    "UMI": ("United States Minor Outlying Islands", "Islas Ultramarinas Menores de los Estados Unidos"),
    "USA": ("United States of America", "Estados Unidos de América"),
    "VAT": ("Holy See", "Santa Sede"),
    "VNM": ("Viet Nam", "Viet Nam"),
    "WLF": ("Wallis and Futuna Islands", "Islas Wallis y Futuna"),
}


def lac_rows() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    pat = re.compile(r"^\| (Central America|South America|Caribbean) \(\d{3}, UNSDG_\w+\) \| (.+)$")
    for line in DOMAIN.read_text(encoding="utf-8").splitlines():
        m = pat.match(line)
        if not m:
            continue
        cells = [c.strip() for c in m[2].rstrip("|").split("|")]
        iso3, iso2, m49, en, es, _sids, lac, lacro = cells
        rows[iso3] = {
            "iso2": iso2, "m49": m49, "m49_region": SUBREGION[m[1]], "name_en": en, "name_es": es,
            "unicef_lac": "Y" if lac == "Y" else "", "unicef_lacro": "Y" if lacro == "Y" else "",
        }
    return rows


def main() -> int:
    iso = json.loads(ISO.read_text(encoding="utf-8"))["3166-1"]
    lac = lac_rows()
    assert len(lac) == 52, len(lac)
    locs = {lang: Locale(lang).territories for lang in ("en", "es", "fr", "pt")}
    out = []
    for e in sorted(iso, key=lambda e: e["alpha_3"]):
        a3, a2 = e["alpha_3"], e["alpha_2"]
        row = {
            "iso3": a3, "iso2": a2, "m49": e["numeric"], "m49_region": "",
            "unicef_lac": "", "unicef_lacro": "",
            **{f"name_{lang}": locs[lang][a2] for lang in locs},
            "name_source": "CLDR",
        }
        if a3 in UN_NAMES:
            row["name_en"], row["name_es"] = UN_NAMES[a3]
            row["name_source"] = "ISO 3166-1" if a3 == "TWN" else "UN M49 (en/es); CLDR (fr/pt)"
        if a3 in NORTHERN_AMERICA:
            row["m49_region"] = "021"
        if a3 in lac:
            src = lac[a3]
            assert src["iso2"] == a2 and src["m49"] == e["numeric"], (a3, src, e)
            row.update(src)
            row["name_source"] = "UN M49 (en/es); CLDR (fr/pt)"
        out.append(row)
    assert len(out) == 249
    path = HERE / "data" / "areas.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(out[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    print(f"wrote {path} ({len(out)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
