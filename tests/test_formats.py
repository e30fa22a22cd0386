"""SAS formats and informats (imlpy/formats.py) through PUTN, INPUTN and PRINT.

Expected texts are the SAS documentation's examples (BESTw., NLBESTw., Ew., PERCENTw.,
DATETIMEw.) or hand/`datetime` computations."""
import datetime as dt
import math

import pytest

from helpers import run
from imlpy.output.formats import best, parse_format

DAYS_2020 = (dt.date(2020, 1, 1) - dt.date(1960, 1, 1)).days     # 21915


def putn(value, fmt):
    """PUTN's result with its leading blanks (values are stored without trailing blanks)."""
    r = run(f"c = putn({value}, '{fmt}');")
    assert r.status == 0, r.log
    return str(r["c"].flat[0])


@pytest.mark.parametrize("value, fmt, expected", [
    ("1257000", "best6.", "1.26E6"),        # BEST doc
    ("1257000", "best3.", "1E6"),
    ("-1257000", "best6.", "-126E4"),       # NLBEST doc (English locale = BEST)
    ("-1257000", "best3.", "***"),
    ("-0.1", "best6.", "  -0.1"),
    ("-0.1", "best3.", "-.1"),
    ("0.1", "best3.", "0.1"),
    ("3626885", "best4.", "36E5"),          # type-conversion doc: 36E5 in 4 columns
    ("0.000005", "best1.", "0"),            # ... and a value too small becomes 0
    ("12", "best5.", "   12"),              # integers without decimals
])
def test_best_documented_examples(value, fmt, expected):
    assert putn(value, fmt) == expected


def test_best_fills_the_width_with_digits():
    assert best(math.pi, 9) == "3.1415927"
    assert best(1 / 3, 12) == "0.3333333333"
    assert best(1.23456789e10, 9) == "1.2346E10"
    assert best(-2.5, 9) == "-2.5"


def test_print_default_is_best9_right_aligned():
    r = run("x = 1/3 || 1e10 || -7; print x;")
    assert r.out.splitlines()[1].split() == ["0.3333333", "1E10", "-7"]
    assert r.out.splitlines()[1].startswith("0.3333333 ")


@pytest.mark.parametrize("value, fmt, expected", [
    ("1257", "e10.", " 1.257E+03"),         # Ew. doc
    ("-1257", "e10.", "-1.257E+03"),
    ("0.1", "percent10.", "      10%"),     # PERCENTw. doc (a trailing blank is kept for ')')
    ("1.2", "percent10.", "     120%"),
    ("-0.05", "percent10.", "(      5%)"),
    ("0.125", "percent8.1", "  12.5%"),
    ("3.14159", "8.2", "    3.14"),
    ("2.5", "3.", "  3"),                   # halves round away from zero
    ("-2.5", "3.", " -3"),
    ("1234567.891", "comma12.2", "1,234,567.89"),
    ("-1234.5", "dollar10.2", "-$1,234.50"),
    ("-12.5", "z8.2", "-0012.50"),
    ("7", "z3.", "007"),
    ("0.00001", "pvalue6.4", "<.0001"),
    ("0.0321", "pvalue6.4", "0.0321"),
])
def test_numeric_formats(value, fmt, expected):
    assert putn(value, fmt) == expected


def test_percent_keeps_room_for_the_parenthesis():
    assert parse_format("percent10.").apply(0.1) == "      10% "


@pytest.mark.parametrize("value, fmt, expected", [
    ("123.456", "4.2", " 123"),             # too wide: fewer decimals first
    ("0.5", "2.1", ".5"),                   # then the leading zero goes
    ("1e10", "6.3", "  1E10"),              # then BESTw. (E notation)
    ("123456", "comma5.", "*****"),         # other formats: asterisks
    ("12345", "percent6.", "******"),
])
def test_too_wide_values(value, fmt, expected):
    assert putn(value, fmt) == expected


@pytest.mark.parametrize("value, fmt, expected", [
    (".", "8.2", "       ."),
    (".A", "best6.", "     A"),
    (".", "date9.", "        ."),
])
def test_missing_values(value, fmt, expected):
    assert putn(value, fmt) == expected


@pytest.mark.parametrize("fmt, expected", [
    ("date9.", "01JAN2020"), ("date7.", "01JAN20"), ("date11.", "01-JAN-2020"),
    ("yymmdd10.", "2020-01-01"), ("yymmdd8.", "20-01-01"), ("mmddyy10.", "01/01/2020"),
    ("mmddyy8.", "01/01/20"), ("ddmmyy10.", "01/01/2020"), ("monyy7.", "JAN2020"), ("year4.", "2020"),
])
def test_date_formats(fmt, expected):
    assert putn(DAYS_2020, fmt) == expected


def test_date_zero_is_1960_and_negative_dates():
    assert putn(0, "date9.") == "01JAN1960"
    assert putn(-1, "date9.") == "31DEC1959"


@pytest.mark.parametrize("fmt, expected", [       # DATETIMEw.d doc, 1668138559 = 10NOV2012:03:49:19
    ("datetime.", "10NOV12:03:49:19"), ("datetime7.", "10NOV12"), ("datetime12.", "  10NOV12:03"),
    ("datetime18.", "  10NOV12:03:49:19"), ("datetime18.1", "10NOV12:03:49:19.0"),
    ("datetime19.", " 10NOV2012:03:49:19"),
])
def test_datetime_documented(fmt, expected):
    secs = (dt.datetime(2012, 11, 10, 3, 49, 19) - dt.datetime(1960, 1, 1)).total_seconds()
    assert secs == 1668138559
    assert putn(int(secs), fmt) == expected


@pytest.mark.parametrize("value, fmt, expected", [
    (12 * 3600 + 34 * 60 + 56, "time8.", "12:34:56"), (3600, "time8.", " 1:00:00"),
    (12 * 3600 + 34 * 60 + 56, "time5.", "12:34"), (30 * 3600, "time8.", "30:00:00"),
])
def test_time_format(value, fmt, expected):
    assert putn(value, fmt) == expected


def test_putn_width_and_decimals_arguments():
    r = run("a = putn(3.14159, 'F', 6, 3); b = putn(2, 'best.', 4);")
    assert str(r["a"].flat[0]) == " 3.142"
    assert str(r["b"].flat[0]) == "   2"


def test_putn_per_element_formats_and_width():
    r = run("c = putn({1 2}, {'3.1' 'z4.'});")
    assert r["c"].tolist() == [["1.0", "0002"]]


def test_unknown_format_is_an_error_with_a_hint():
    r = run("c = putn(1, 'nosuch9.');")
    assert r.status == 2
    assert "not supported" in r.log and "ERROR" in r.log


@pytest.mark.parametrize("text, informat, expected", [
    ("01JAN1960", "date9.", 0), ("31DEC1959", "date9.", -1), ("01jan2020", "date9.", DAYS_2020),
    ("2020-01-01", "yymmdd10.", DAYS_2020), ("01/01/2020", "mmddyy10.", DAYS_2020),
    ("12:34:56", "time8.", 45296), ("1,234.5", "comma10.", 1234.5), ("$1,234.50", "dollar10.", 1234.5),
    ("(50)", "comma5.", -50), ("12%", "percent5.", 0.12), ("1234", "6.2", 12.34),
    ("12.5", "6.2", 12.5), ("1.5E3", "best12.", 1500), ("12345", "3.", 123),
])
def test_informats(text, informat, expected):
    r = run(f"x = inputn('{text}', '{informat}');")
    assert r.status == 0, r.log
    assert r["x"] == pytest.approx(expected)


def test_invalid_input_is_missing_with_a_note():
    r = run("x = inputn({'12' 'abc' ' '}, 'best8.');")
    assert r.status == 0
    x = r["x"]
    assert x[0, 0] == 12 and math.isnan(x[0, 1]) and math.isnan(x[0, 2])
    assert "NOTE: Invalid argument to function INPUTN" in r.log


def test_character_formats_and_informats():
    r = run("a = putc('abcdef', '$3.'); b = putc('ab', '$upcase5.'); c = inputc('  xy', '$4.'); "
            "d = inputc('  xy', '$char4.');")
    assert r["a"].tolist() == [["abc"]]
    assert r["b"].tolist() == [["AB"]]
    assert r["c"].tolist() == [["xy"]]
    assert r["d"].tolist() == [["  xy"]]


def test_print_with_format_option():
    r = run("x = {0.125 -0.05}; print x[format=percent8.1];")
    assert r.out.splitlines()[1] == "   12.5%   (  5.0%)"     # '(' at the field's left edge


# ---------------------------------------------------------------- date and time functions
def test_mdy_and_date_parts():
    r = run("d = mdy(1, 1, 2020); bad = mdy(2, 30, 2020); y2 = mdy(1, 1, 20); y3 = mdy(1, 1, 30); "
            "p = year(d) || month(d) || day(d) || qtr(d) || weekday(d);")
    assert r.status == 0, r.log
    assert r["d"] == DAYS_2020 and math.isnan(r["bad"])
    assert r["y2"] == DAYS_2020                                        # YEARCUTOFF=1926
    assert r["y3"] == (dt.date(1930, 1, 1) - dt.date(1960, 1, 1)).days
    assert r["p"].tolist() == [[2020, 1, 1, 1, dt.date(2020, 1, 1).isoweekday() % 7 + 1]]


def test_time_functions():
    secs = (dt.datetime(2012, 11, 10, 3, 49, 19) - dt.datetime(1960, 1, 1)).total_seconds()
    r = run(f"t = hms(12, 34, 56); h = hour(t) || minute(t) || second(t); dtv = {secs:.0f}; "
            "g = hour(dtv) || minute(dtv) || second(dtv); d = datepart(dtv); back = dhms(d, 3, 49, 19);")
    assert r.status == 0, r.log
    assert r["t"] == 45296 and r["h"].tolist() == [[12, 34, 56]] and r["g"].tolist() == [[3, 49, 19]]
    assert r["d"] == (dt.date(2012, 11, 10) - dt.date(1960, 1, 1)).days and r["back"] == secs


def test_today_and_date_agree_with_the_clock():
    r = run("a = today(); b = date();")
    expected = (dt.date.today() - dt.date(1960, 1, 1)).days
    assert r["a"] in (expected, expected + 1) and r["b"] == r["a"]


@pytest.mark.parametrize("value, fmt, expected", [
    ("0.6666666667", "fract8.", "     2/3"),      # FRACTw. doc: reduced form, right aligned
    ("0.2784", "fract8.", " 174/625"),
    ("1/3", "fract.", "       1/3"),             # default width 10
    ("50/100", "fract6.", "   1/2"),
    ("-0.75", "fract6.", "  -3/4"),
    ("2", "fract4.", "   2"),
    ("0", "fract4.", "   0"),
    ("3.14159265358979", "fract8.", "3.141593"),  # no fraction fits: BESTw.
    (".", "fract6.", "     ."),
])
def test_fract_format(value, fmt, expected):
    assert putn(value, fmt) == expected


def test_print_with_fract_format():
    r = run("t = {0 0.25, 0.5 1};  print t[format=FRACT.];")
    assert r.out.splitlines()[1:3] == ["         0        1/4", "       1/2          1"]   # FRACT10. columns
