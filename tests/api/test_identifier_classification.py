"""An 18-character code is read as the identifier whose standard's checks it passes: a resident ID
number (GB 11643: check character and a real birth date) or a unified social credit code
(GB 32100 with its GB 11714 organisation code). Valid ID numbers from every province of GB/T 2260,
Beijing (11), Tianjin (12), Sichuan (51), Guizhou (52) and Yunnan (53) included, are ID numbers;
a code that passes neither is refused with why for both."""

import datetime as dt

import pytest

from cases.identifiers import RESIDENT_ID, USCC, NeitherIdentifier, classify, make_resident_id, make_uscc
from cases.errors import identifier_error_message

# Provinces, autonomous regions, municipalities and SARs of GB/T 2260 (first two digits).
PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
             "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"]


@pytest.mark.parametrize("province", PROVINCES)
def test_a_valid_id_number_of_every_province_is_an_id_number(province):
    for born, sequence in ((dt.date(1985, 3, 12), "123"), (dt.date(1949, 12, 31), "002"), (dt.date(2001, 1, 1), "457")):
        code = make_resident_id(f"{province}0105", born, sequence)
        assert classify(code) == (RESIDENT_ID, code)


@pytest.mark.parametrize("province", PROVINCES)
def test_a_valid_credit_code_of_every_province_is_a_credit_code_even_when_all_digits(province):
    # 机构编制 (1) 机关 (1) and 民政 (5) 社会团体 (1): codes that can be all digits, like an ID number.
    for authority in ("11", "12", "51", "52", "53", "91", "92", "93"):
        for body in ("12345678", "00000001", "MA6T0001"):
            code = make_uscc(authority, f"{province}0102", body)
            assert classify(code) == (USCC, code), code


@pytest.mark.parametrize("province", ["11", "12", "51", "52", "53", "54"])
def test_a_code_that_passes_neither_says_why_for_both(province):
    good = make_resident_id(f"{province}0105", dt.date(1985, 3, 12), "123")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(NeitherIdentifier) as refused:
        classify(wrong)
    err = refused.value
    assert err.as_resident_id.code == "resident_id_check" and err.as_resident_id.expected == good[17]
    assert err.as_uscc is not None
    message = identifier_error_message(err)
    assert "统一社会信用代码" in message or "unified social credit code" in message


@pytest.mark.django_db
def test_the_status_check_reads_a_beijing_id_number_single_and_batch(officer, api):
    code = make_resident_id("110105", dt.date(1985, 3, 12), "123")
    single = api.get(f"/api/v1/status/{code}/")
    assert single.status_code == 200, single.json()
    assert single.json()["identifier"] == code
    batch = api.post("/api/v1/status/batch/", {"identifiers": [code]}, format="json")
    assert batch.status_code == 200, batch.json()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    refused = api.get(f"/api/v1/status/{wrong}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400
    [field] = refused.json()["fields"]["identifier"]
    assert field["code"] == "identifier_neither" and "居民身份证号码" in field["message"]
