"""Character functions: values, element lengths (NLENG) and SAS's documented examples."""
import math

import pytest

from helpers import run


def ok(code):
    r = run(code)
    assert r.status == 0, r.log
    return r


def texts(r, name):
    return r[name].tolist()


def nleng(r, name):
    return r[name].dtype.itemsize // 4


# ---------------------------------------------------------------- conversion
def test_char_documented_example():
    r = ok("a = {-1.1 0 3.1415 4}; m = char(a, 4, 1);")          # CHAR doc, Figure 'size 4'
    assert texts(r, "m") == [["-1.1", " 0.0", " 3.1", " 4.0"]] and nleng(r, "m") == 4


def test_char_default_width_is_the_field_width_and_right_aligned():
    r = ok("c = char({1.5 100}); s = strip(c);")
    assert nleng(r, "c") == 9 and texts(r, "c") == [["      1.5", "      100"]]
    assert texts(r, "s") == [["1.5", "100"]] and nleng(r, "s") == 3


def test_num_and_missing():
    r = ok("x = num({'1' ' 2.5' 'abc' '.'});")
    x = r["x"]
    assert x[0, 0] == 1 and x[0, 1] == 2.5 and math.isnan(x[0, 2]) and math.isnan(x[0, 3])


def test_blankstr_and_byte():
    r = ok("b = blankstr(5); c = byte(65:67);")
    assert nleng(r, "b") == 5 and texts(r, "b") == [[""]]
    assert texts(r, "c") == [["A", "B", "C"]]


# ---------------------------------------------------------------- concatenation
def test_cat_family():
    r = ok("a = cat(' a ', 'b'); b = cats(' a ', 'b', 3); c = catt(' a ', 'b'); "
           "d = catx('-', 'x', ' ', ' y ', 1.5);")
    assert texts(r, "a") == [[" a b"]]
    assert texts(r, "b") == [["ab3"]]
    assert texts(r, "c") == [[" ab"]]
    assert texts(r, "d") == [["x-y-1.5"]]


def test_cat_elementwise_with_scalars_and_longest_element_length():
    r = ok("c = cats({'a' 'bbb'}, '_', {1 2});")
    assert texts(r, "c") == [["a_1", "bbb_2"]] and nleng(r, "c") == 5


def test_nonconforming_arguments_are_an_error():
    r = run("c = cats({'a' 'b'}, {'x', 'y'});")
    assert r.status == 2 and "do not conform" in r.log


def test_concat_keeps_trailing_blanks_of_each_element():
    r = ok("c = concat({'a' 'bb'}, 'x');")
    assert texts(r, "c") == [["a x", "bbx"]] and nleng(r, "c") == 3


def test_rowcat_and_rowcatc_documented():
    code = "b = {'ABC' 'D  ' 'EF ', ' GH' ' I ' ' JK'}; a = rowcat(b); c = rowcatc(b); d = rowcat(b, 2, {1 3});"
    r = ok(code)
    assert texts(r, "a") == [["ABCD  EF"], [" GH I  JK"]] and nleng(r, "a") == 9
    assert texts(r, "c") == [["ABCDEF"], ["GHIJK"]] and nleng(r, "c") == 9
    assert texts(r, "d") == [[" GH JK"]]


# ---------------------------------------------------------------- blanks, case, lengths
def test_strip_trim_left_right_widths():
    r = ok("s = {'  ab ' ' c'}; a = strip(s); b = left(s); c = right(s); d = trim(s);")
    assert texts(r, "a") == [["ab", "c"]] and nleng(r, "a") == 2
    assert texts(r, "b") == [["ab", "c"]] and nleng(r, "b") == 5
    assert texts(r, "c") == [["   ab", "    c"]] and nleng(r, "c") == 5
    assert texts(r, "d") == [["  ab", " c"]] and nleng(r, "d") == 4


def test_case_functions_keep_the_element_length():
    r = ok("s = {'aB', 'hello world'}; u = upcase(s); l = lowcase(s); p = propcase(s);")
    assert texts(r, "u") == [["AB"], ["HELLO WORLD"]] and nleng(r, "u") == 11
    assert texts(r, "l") == [["ab"], ["hello world"]]
    assert texts(r, "p") == [["Ab"], ["Hello World"]]


def test_propcase_default_and_given_delimiters():
    r = ok("a = propcase('tHE o''neil-smith'); b = propcase('x''y z', ' ''');")
    assert texts(r, "a") == [["The O'neil-Smith"]]
    assert texts(r, "b") == [["X'Y Z"]]


def test_lengths():
    r = ok("s = {'ab ' ' ' ' x'}; a = length(s); b = lengthn(s); c = lengthc(s);")
    assert r["a"].tolist() == [[2, 1, 2]]
    assert r["b"].tolist() == [[2, 0, 2]]
    assert r["c"].tolist() == [[3, 3, 3]]


def test_reverse_moves_trailing_blanks_to_the_front():
    r = ok("r = reverse({'abc', 'de'});")
    assert texts(r, "r") == [["cba"], [" ed"]]


# ---------------------------------------------------------------- substrings and searching
def test_substr():
    r = ok("s = 'abcdef'; a = substr(s, 2, 3); b = substr(s, 4); c = substr({'abc' 'xyz'}, {1 2}, 2);")
    assert texts(r, "a") == [["bcd"]] and nleng(r, "a") == 3
    assert texts(r, "b") == [["def"]]
    assert texts(r, "c") == [["ab", "yz"]]


def test_substr_out_of_range_gives_a_note_not_an_error():
    r = run("a = substr('abc', 2, 5);")
    assert r.status == 0 and texts(r, "a") == [["bc"]]
    assert "NOTE" in r.log


def test_index_indexc_find_findc():
    r = ok("a = index('abcabc', 'ca'); b = indexc('abcdef', 'fd', 'x'); "
           "c = find('Hello hello', 'HELLO', 'i', 2); d = find('abcabc', 'abc', -5); "
           "e = findc('ab1c2', '', 'd'); f = findc('aaXb', 'a', 'k'); g = find('abc', 'x');")
    assert (r["a"], r["b"], r["c"], r["d"], r["e"], r["f"], r["g"]) == (3, 4, 7, 4, 3, 3, 0)


def test_find_trailing_blanks_of_the_excerpt_count_unless_t():
    r = ok("t = 'ab '; a = find('xab', t); b = find('xab', t, 't');")
    assert r["a"] == 0 and r["b"] == 2


def test_scan_and_countw():
    r = ok("s = 'one, two  three'; a = scan(s, 2); b = scan(s, -1); c = scan(s, 9); "
           "d = countw(s); e = scan('a//b', 2, '/'); f = scan('a//b', 2, '/', 'm'); g = countw('a//b', '/', 'm');")
    assert texts(r, "a") == [["two"]] and texts(r, "b") == [["three"]] and texts(r, "c") == [[""]]
    assert r["d"] == 3
    assert texts(r, "e") == [["b"]] and texts(r, "f") == [[""]] and r["g"] == 3


def test_count():
    r = ok("a = count('banana', 'ana'); b = count('Banana', 'BAN', 'i');")
    assert r["a"] == 1 and r["b"] == 1          # non-overlapping occurrences


def test_compress_modifiers():
    r = ok("a = compress(' a b c '); b = compress('a-b.c', '.-'); c = compress('ab12c3', , 'kd'); "
           "d = compress('ab12C3', 'c', 'i'); e = compress('x1y2', , 'a');")
    assert texts(r, "a") == [["abc"]]
    assert texts(r, "b") == [["abc"]]
    assert texts(r, "c") == [["123"]]
    assert texts(r, "d") == [["ab123"]]
    assert texts(r, "e") == [["12"]]


# ---------------------------------------------------------------- replacing
def test_tranwrd_and_translate():
    r = ok("a = tranwrd('a cat and a cat', 'cat', 'dog'); b = translate('abcabc', 'xy', 'ab');")
    assert texts(r, "a") == [["a dog and a dog"]]
    assert texts(r, "b") == [["xycxyc"]]


def test_prxchange_and_prxmatch():
    r = ok(r"a = prxchange('s/(\w+) (\w+)/$2 $1/', -1, 'hello world'); "
           r"b = prxchange('s/a/A/', 1, 'banana'); c = prxchange('s/A/-/i', -1, 'banana'); "
           r"d = prxmatch('/b+c/', {'aabbbc' 'xyz'}); e = prxmatch('m/N/i', 'bAnana');")
    assert texts(r, "a") == [["world hello"]]
    assert texts(r, "b") == [["bAnana"]]
    assert texts(r, "c") == [["b-n-n-"]]
    assert r["d"].tolist() == [[3, 0]] and r["e"] == 3


def test_bad_regular_expression_is_an_error():
    r = run("a = prxmatch('/(ab/', 'ab');")
    assert r.status == 2 and "regular expression" in r.log


# ---------------------------------------------------------------- quoting, choices, missing
def test_quote_and_dequote():
    r = ok("""a = quote('say "hi"'); b = dequote('"it""s" rest'); c = quote('x', "'");""")
    assert texts(r, "a") == [['"say ""hi"""']]
    assert texts(r, "b") == [['it"s']]
    assert texts(r, "c") == [["'x'"]]


def test_ifn_ifc():
    r = ok("a = ifn({1 0 .}, 10, 20); b = ifn({1 0 .}, 10, 20, 30); c = ifc({1 0}, 'yes', 'no');")
    assert r["a"].tolist() == [[10, 20, 20]] and r["b"].tolist() == [[10, 20, 30]]
    assert texts(r, "c") == [["yes", "no"]]


def test_missing_nmiss_n():
    r = ok("x = {1 . .A 4}; a = missing(x); b = missing({'a' ' '}); c = nmiss(x, {.}); d = n(x);")
    assert r["a"].tolist() == [[0, 1, 1, 0]] and r["b"].tolist() == [[0, 1]]
    assert r["c"] == 3 and r["d"] == 2


def test_wrong_type_gives_sas_message():
    r = run("a = upcase(3);")
    assert r.status == 2 and "should be character" in r.log


@pytest.mark.parametrize("code, words", [
    ("a = compress(5);", "should be character"),
    ("a = scan('a b', 'x');", "should be numeric"),
    ("a = index('abc', 1);", "should be character"),
])
def test_argument_kinds_are_checked(code, words):
    r = run(code)
    assert r.status == 2 and words in r.log and "Traceback" not in r.text
