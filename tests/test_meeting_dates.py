"""Regression of the acceptance archive (issue 9): a 2002 minutes scan dated 'Dato: Onsdag den 15-maj-2002' got
no date, so it had no meeting of its own (a record named after the file) and could join no other document."""
from __future__ import annotations

from parsers.metadata import iso_date


def test_day_month_name_year_with_hyphens_is_a_date() -> None:
    assert iso_date("Dato: Onsdag den 15-maj-2002") == "2002-05-15"
    assert iso_date("den 3-december-1998 kl. 19") == "1998-12-03"
    assert iso_date("Dato: 4. december 2012") == "2012-12-04"  # the usual forms still read
    assert iso_date("tirsdag den 4. december 2012, kl. 13:00") == "2012-12-04"
    assert iso_date("15-majestæt-2002") is None  # a month name only as a whole word
